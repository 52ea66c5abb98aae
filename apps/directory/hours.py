"""Opening hours edited as rows (day, opens, closes, past midnight), without JavaScript.

The form shows one row per period the channel has, and ``BLANK_ROWS`` empty rows to add
more (a whole week of single periods). An empty row is ignored. The value is what the
proposal stores: sorted ``[weekday, "HH:MM:SS", "HH:MM:SS"]`` lists, a closing time not
after the opening time meaning the next day, as ``OpeningPeriod`` says.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.channels import OpeningPeriod

BLANK_ROWS = 7
MAX_ROWS = 60


class OpeningHoursWidget(forms.Widget):
    # In the app, where the form renderer looks for widget templates.
    template_name = "directory/widgets/opening_hours.html"

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(MAX_ROWS):
            prefix = f"{name}-{index}-"
            if f"{prefix}day" not in data:
                break
            rows.append(
                {
                    "day": data.get(f"{prefix}day", ""),
                    "opens": data.get(f"{prefix}opens", ""),
                    "closes": data.get(f"{prefix}closes", ""),
                    "past_midnight": data.get(f"{prefix}past_midnight") == "on",
                }
            )
        return rows

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-0-day" not in data

    def id_for_label(self, id_):
        return None  # a table of fields; each field is labelled by its column and row

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [_row_for_display(row) for row in (value or [])]
        rows += [{"day": "", "opens": "", "closes": "", "past_midnight": False}] * BLANK_ROWS
        context["widget"]["rows"] = [{"index": i, **row} for i, row in enumerate(rows)]
        context["widget"]["days"] = [(str(v), label) for v, label in OpeningPeriod.Weekday.choices]
        return context


def _row_for_display(row) -> dict:
    if isinstance(row, dict):  # as submitted, shown again with the errors
        return {**row, "day": str(row.get("day", ""))}
    day, opens, closes = row
    opens, closes = dt.time.fromisoformat(str(opens)), dt.time.fromisoformat(str(closes))
    return {
        "day": str(day),
        "opens": f"{opens:%H:%M}",
        "closes": f"{closes:%H:%M}",
        "past_midnight": closes < opens,
    }


class OpeningHoursField(forms.Field):
    widget = OpeningHoursWidget
    default_error_messages = {
        "incomplete": _("Row %(number)d: choose a day, an opening time and a closing time."),
        "time": _("Row %(number)d: write times as hours and minutes, e.g. 09:00 or 17:30."),
        "same": _("Row %(number)d: opening and closing times are the same."),
        "needs_past_midnight": _(
            "Row %(number)d: it closes before it opens. Tick “past midnight” if it closes "
            "the next day."
        ),
        "not_past_midnight": _(
            "Row %(number)d: “past midnight” is ticked, but it closes after it opens on "
            "the same day."
        ),
    }

    def to_python(self, value):
        periods, errors = [], []
        time_field = forms.TimeField()
        for number, row in enumerate(value or [], start=1):
            if not isinstance(row, dict):  # initial data: already periods
                periods.append(list(row))
                continue
            day, opens, closes = (str(row.get(k, "")).strip() for k in ("day", "opens", "closes"))
            if not (day or opens or closes):
                continue
            params = {"number": number}
            if not (day and opens and closes) or day not in {str(d) for d in range(7)}:
                errors.append(self._error("incomplete", params))
                continue
            try:
                opens_at, closes_at = time_field.clean(opens), time_field.clean(closes)
            except forms.ValidationError:
                errors.append(self._error("time", params))
                continue
            if opens_at == closes_at:
                errors.append(self._error("same", params))
            elif closes_at < opens_at and not row.get("past_midnight"):
                errors.append(self._error("needs_past_midnight", params))
            elif closes_at > opens_at and row.get("past_midnight"):
                errors.append(self._error("not_past_midnight", params))
            else:
                periods.append([int(day), opens_at.isoformat(), closes_at.isoformat()])
        if errors:
            raise forms.ValidationError(errors)
        return sorted(periods)

    def _error(self, code, params):
        return forms.ValidationError(self.error_messages[code], code=code, params=params)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != sorted(initial or [])
        except forms.ValidationError:
            return True


# --- "Open now" for the contact lines of a page kept on the server (issue #20) ----------

# The hours of channels, per process, for the generation they were read in: a page
# replayed from the cache fills its statuses without a query. Replaced with the
# generation; bounded so a long-running worker cannot grow without end.
_known: dict = {"generation": None, "channels": {}}
KNOWN_CHANNELS = 50_000


def _channels(ids: set[int], generation: str | None) -> dict:
    from .models import Channel

    if generation in (None, "none"):  # no cache: nothing tells us when hours change
        known = {}
    else:
        if _known["generation"] != generation or len(_known["channels"]) > KNOWN_CHANNELS:
            _known.update(generation=generation, channels={})
        known = _known["channels"]
    missing = ids - known.keys()
    if missing:
        # Only what the status needs: the service's time zone and holiday region, the
        # weekly periods and dated exceptions (three queries, whatever the number).
        loaded = (
            Channel.objects.filter(pk__in=missing)
            .select_related("service__holiday_region")
            .only(
                "is_24_7",
                "closed_on_public_holidays",
                "service__time_zone",
                "service__holiday_region__code",
            )
            .prefetch_related("periods", "exceptions")
        )
        for channel in loaded:
            channel.period_list = list(channel.periods.all())
            channel.exception_list = list(channel.exceptions.all())
            known[channel.pk] = channel
    return {pk: known[pk] for pk in ids if pk in known}


def statuses(ids: set[int], moment: dt.datetime, generation: str | None = None) -> dict[int, str]:
    """Each channel's status at ``moment`` as HTML ("Open now", "Closed now · opens at
    09:00"; nothing when its hours say nothing), in the active language: what a page
    kept without it shows in place of ``status_placeholder``."""
    from django.utils.html import format_html

    from apps.core.templatetags.waymark import channel_status

    found = {}
    for pk, channel in _channels(ids, generation).items():
        status = channel_status(channel, moment)
        if status:
            css = "is-open" if status["open"] else "is-closed"
            found[pk] = format_html('<span class="status {}">{}</span>', css, status["text"])
    return found
