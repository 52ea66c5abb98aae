import phonenumbers
from django import template
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.i18n import (
    format_clock,
    format_day,
    format_hours,
    format_names,
    format_weekday,
    format_zone,
)
from apps.core.security import FORM_TOKEN_FIELD
from apps.core.security import form_token as new_form_token
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
    """ "Open now", "Opens Monday 09:00" or nothing, in the channel's own time zone
    (nothing when that time zone is not known: never "Closed" for want of it)."""
    if channel.zone is None:
        return None
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
    # The time is isolated, so "6:00 م" keeps its own order inside any sentence.
    time = format_html("<bdi>{}</bdi>", format_clock(opening.time()))
    if opening.date() == local_now.date():
        text = conditional_escape(_("Closed now · opens at %(time)s")) % {"time": time}
    else:
        day = conditional_escape(format_weekday(opening))
        template = conditional_escape(_("Closed now · opens %(day)s at %(time)s"))
        text = template % {"day": day, "time": time}
    return {"open": False, "text": mark_safe(text)}  # noqa: S308 - every part escaped


@register.simple_tag
def status_placeholder(channel):
    """Where the channel's status goes: filled for each answer, never kept in a cached
    page (apps/core/pagecache.py), so the clock does not empty the cache."""
    from apps.core.pagecache import STATUS_PLACEHOLDER

    return mark_safe(STATUS_PLACEHOLDER.format(int(channel.pk)))  # noqa: S308 - an integer


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


@register.simple_tag
def form_token():
    """The hidden field that lets a browser without Sec-Fetch-Site send this form
    (apps/core/security.py): a signed time, no cookie, nothing stored."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, new_form_token()
    )


@register.simple_tag
def served_areas(service):
    """ "Serves: France, United Kingdom" or "Serves: Worldwide" (D1), in the reader's
    language; nothing when no area is recorded."""
    areas = list(service.areas.all())
    if not areas:
        return ""
    if any(area.region_id is None for area in areas):
        names = [_("Worldwide")]
    else:
        names = sorted({area.region.display_name for area in areas})
    text = _("Serves: %(areas)s") % {"areas": format_names(names)}
    return format_html('<p class="serves">{}</p>', text)


@register.filter
def zone_name(zone):
    return format_zone(zone)


@register.filter
def names_list(items):
    """Languages (or anything with a display name) joined as the reader's language does."""
    return format_names(getattr(item, "display_name", item) for item in items)


@register.simple_tag
def time_range(opens, closes):
    """An opening interval as the reader's locale writes it (Babel: "9:30 ص – 5:30 م",
    "۱۷:۰۰ تا ۲۲:۰۰"), each time isolated (``<bdi>``): in a right-to-left page the opening
    time comes first in reading order, and "6:00 م" is never read as "م 6:00" (issue #16
    item 3, issue #17 item 4)."""
    text = format_hours(opens, closes)
    first, second = format_clock(opens), format_clock(closes)
    start = text.find(first)
    end = text.find(second, start + len(first)) if start >= 0 else -1
    if start < 0 or end < 0:  # e.g. opens == closes: one time
        return format_html('<bdi class="time">{}</bdi>–<bdi class="time">{}</bdi>', first, second)
    return format_html(
        '{}<bdi class="time">{}</bdi>{}<bdi class="time">{}</bdi>{}',
        text[:start],
        first,
        text[start + len(first) : end],
        second,
        text[end + len(second) :],
    )


@register.simple_tag
def capacity(service):
    """Where "Full · updated 3 hours ago" or "Space: not updated recently" goes (issue 21):
    filled for each answer, never kept in a cached page, as it ages with the clock
    (apps/core/pagecache.py); nothing for a service that does not say how much space it has."""
    from apps.core.pagecache import SPACE_PLACEHOLDER

    if not service.capacity_status:
        return ""
    return mark_safe(SPACE_PLACEHOLDER.format(int(service.pk)))  # noqa: S308 - an integer
