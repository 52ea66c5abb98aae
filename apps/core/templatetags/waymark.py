import re

import phonenumbers
from django import template
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.core.i18n import (
    format_clock,
    format_day,
    format_hours,
    format_names,
    format_weekday,
    format_zone,
)
from apps.directory.validators import display_host

register = template.Library()


@register.simple_tag(takes_context=True)
def translate_url_to(context, language_code):
    """This page's address in another language; GET parameters stay, nothing else."""
    request = context["request"]
    url = translate_url(request.path, language_code)
    if request.method == "GET" and request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return url


def _parsed(number):
    try:
        return phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None


@register.filter
def phone_international(number):
    """Displayed digits come from the same E.164 value as the tel: link (SR-8)."""
    parsed = _parsed(number)
    if parsed is None:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def phone_national(number):
    parsed = _parsed(number)
    if parsed is None:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


@register.filter
def host_of(url):
    return display_host(url)


@register.simple_tag
def channel_status(channel, moment):
    """ "Open now", "Opens Monday 09:00" or nothing, in the channel's own time zone."""
    if channel.is_24_7 and channel.is_open(moment):
        return {"open": True, "text": _("Open 24 hours")}
    if channel.is_open(moment):
        return {"open": True, "text": _("Open now")}
    opening = channel.next_opening(moment)
    if opening is None:
        if channel.hours()[0] or channel.is_24_7:
            return {"open": False, "text": _("Closed")}
        return None
    local_now = moment.astimezone(opening.tzinfo)
    time = format_clock(opening.time())
    if opening.date() == local_now.date():
        text = _("Closed now · opens at %(time)s") % {"time": time}
    else:
        day = format_weekday(opening)
        text = _("Closed now · opens %(day)s at %(time)s") % {"day": day, "time": time}
    return {"open": False, "text": text}


@register.filter
def weekday_name(number):
    from apps.directory.models import OpeningPeriod

    return OpeningPeriod.Weekday(number).label


@register.simple_tag
def current_language_code():
    return translation.get_language()


@register.filter
def terms_of(service, taxonomy_slug):
    return service.terms_of(taxonomy_slug)


@register.simple_tag
def option_count(counts, field_name, value):
    """How many of the listed services have this filter option (D2)."""
    value = getattr(value, "value", value)  # ModelChoiceIteratorValue → pk
    if field_name == "channel":
        return counts["channels"].get(value, 0)
    try:
        return counts["terms"].get(int(value), 0)
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def content(obj, field=None, *, block=False, words=0, name=False):
    """The one way a translatable value reaches a page (L2, issue #17).

    ``{% content service "name" %}`` or ``{% content text %}`` (a ``Text`` or a plain
    string in the reader's language); see ``apps.core.i18n.render_content``.
    """
    from apps.core.i18n import Text, render_content, translated_text

    if field is not None:
        text = translated_text(obj, field)
    elif isinstance(obj, Text):
        text = obj
    else:
        text = Text(obj or "", translation.get_language() or "en")
    return render_content(text, block=block, words=words, name=name)


# --- Locale-correct formatting (Babel, issue #17); see apps/core/i18n.py -------------
@register.filter
def local_date(value):
    return format_day(value) if value else ""


@register.filter
def zone_name(zone):
    return format_zone(zone)


@register.filter
def names_list(items):
    """Languages (or anything with a display name) joined as the reader's language does."""
    return format_names(getattr(item, "display_name", item) for item in items)


RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@register.simple_tag
def time_range(opens, closes):
    """An opening interval, isolated; left to right unless the locale writes it with words
    of a right-to-left script ("۰۹:۰۰ تا ۱۷:۰۰"), so it never reads backwards."""
    text = format_hours(opens, closes)
    if RTL_LETTERS.search(text):
        return format_html("<bdi>{}</bdi>", text)
    return format_html('<bdi dir="ltr">{}</bdi>', text)
