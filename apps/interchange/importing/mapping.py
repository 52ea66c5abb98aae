"""HSDS documents → planned directory records (``apps.interchange.hsds.documents`` reversed).

Each record becomes a ``Planned``: its kind, its HSDS id, and values named as the curation
registry names them (``name_fr``, ``number``, the ``periods`` collection, ...). A parent
is named by ``Ref(kind, hsds_id)``; planning turns it into a primary key or keeps it for
a record the same import creates. Text is written only into the columns of the file's
language, and not where ``field_languages`` says the text is another language's fallback.
What HSDS has and Waymark does not keep is reported as a warning, never dropped silently.
"""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.directory.models import Channel, Location, ServiceArea
from apps.directory.validators import parse_phone_number

from .. import profile
from ..tables import TABLES
from .issues import SOURCE, Report, origin_of
from .reading import Bundle

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PHONE_KINDS = {"voice": "voice", "cell": "voice", "text": "sms", "sms": "sms"}
PHONE_KINDS["whatsapp"] = "whatsapp"
ORDER = ("region", "organization", "taxonomy", "taxonomy_term", "location", "service", "channel")

# Fields read, or derived from what is read (so never worth a warning), per HSDS object.
READ = {
    "organization": {
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "is_demo",
        "content_language",
        "field_languages",
        "translation_status",
        "services",
    },
    "service": {
        "id",
        "organization_id",
        "organization",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "eligibility_description",
        "assured_date",
        "assurer_email",
        "last_modified",
        "is_free",
        "accessibility",
        "time_zone",
        "holiday_region",
        "assurer_organization_id",
        "assurer_name",
        "content_language",
        "field_languages",
        "translation_status",
        "phones",
        "contacts",
        "schedules",
        "service_areas",
        "languages",
        "service_at_locations",
        "cost_options",
        "attributes",
    },
    "phone": {
        "id",
        "service_id",
        "number",
        "type",
        "description",
        "languages",
        "channel_kind",
        "notes",
        "is_24_7",
        "closed_on_public_holidays",
        "is_free",
        "get_help_now",
        "organization_id",
        "location_id",
        "contact_id",
        "service_at_location_id",
    },
    "contact": {
        "id",
        "service_id",
        "location_id",
        "name",
        "email",
        "url",
        "languages",
        "channel_kind",
        "notes",
        "is_24_7",
        "closed_on_public_holidays",
        "is_free",
        "get_help_now",
        "phones",
        "organization_id",
        "service_at_location_id",
    },
    "language": {
        "id",
        "service_id",
        "phone_id",
        "contact_id",
        "name",
        "code",
        "note",
        "through_interpreter",
        "location_id",
    },
    "schedule": {
        "id",
        "service_id",
        "channel_id",
        "valid_from",
        "valid_to",
        "freq",
        "wkst",
        "interval",
        "byday",
        "opens_at",
        "closes_at",
        "description",
        "attending_type",
        "time_zone",
        "closed",
        "location_id",
        "service_at_location_id",
    },
    "service_area": {"id", "service_id", "name", "scope", "region_code", "region_kind"},
    "service_at_location": {"id", "service_id", "location_id", "description", "location"},
    "location": {
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "addresses",
        "accessibility",
        "visibility",
        "region_code",
    },
    "address": {
        "id",
        "location_id",
        "address_1",
        "address_2",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    },
    "accessibility": {"id", "location_id", "description"},
    "cost_option": {"id", "service_id", "option", "amount", "currency"},
    "attribute": {"id", "link_id", "link_entity", "taxonomy_term_id", "taxonomy_term"},
    "taxonomy_term": {
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "language",
        "taxonomy_detail",
    },
    "taxonomy": {"id", "name", "description", "uri", "version", "code"},
}
# HSDS arrays and objects of each table that are not in TABLES (flat columns only).
NESTED = {
    "organization": {
        "funding",
        "contacts",
        "phones",
        "locations",
        "programs",
        "organization_identifiers",
        "attributes",
        "metadata",
        "additional_urls",
        "services",
    },
    "service": {
        "funding",
        "program",
        "required_documents",
        "capacities",
        "metadata",
        "additional_urls",
    },
    "location": {"languages", "contacts", "phones", "schedules", "attributes", "metadata"},
    "service_at_location": {
        "contacts",
        "phones",
        "schedules",
        "service_areas",
        "attributes",
        "metadata",
    },
    "phone": {"languages", "attributes", "metadata"},
    "contact": {"phones", "attributes", "metadata"},
}


@dataclass(frozen=True)
class Ref:
    """A record named by its HSDS id; planning resolves it to a primary key."""

    kind: str
    source_id: str


@dataclass
class Planned:
    kind: str
    source_id: str
    origin: tuple
    values: dict = field(default_factory=dict)
    # Fields outside the curation registry (status, verification, demo flag, marks).
    extra: dict = field(default_factory=dict)
    # Only used when the record is created (a channel's position, a hidden place's name).
    create_only: dict = field(default_factory=dict)
    # Language of this record's text (for collections that mix languages).
    languages: set = field(default_factory=set)


@lru_cache(maxsize=64)
def _official(table: str) -> frozenset:
    columns = {name for name, _kind, _fmt in TABLES[table][2]} if table in TABLES else set()
    schema_file = TABLES[table][1] if table in TABLES else f"{table}.json"
    return frozenset(
        columns | set(profile.extension_fields(schema_file)) | NESTED.get(table, set())
    )


def canonical_id(value) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@lru_cache(maxsize=1)
def _time_zones() -> frozenset:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=2048)
def language_code(code: str) -> str | None:
    """ISO 639-3 for an ISO 639-1 or 639-3 code (HSDS allows both in practice)."""
    code = code.strip().lower().split("-")[0]
    if len(code) == 2:
        record = pycountry.languages.get(alpha_2=code)
        return record.alpha_3 if record else None
    if len(code) == 3 and code.isalpha():
        record = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(
            bibliographic=code
        )
        return record.alpha_3 if record else code
    return None


def _time(value) -> str:
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1]
    return dt.time.fromisoformat(text).replace(tzinfo=None).isoformat()


# Flags Waymark keeps as "not known" (null) when the source does not say.
NOT_KNOWN = {"is_free", "is_24_7"}


class Mapper:
    """Reads bundles into planned records, keyed by (kind, HSDS id)."""

    def __init__(self, report: Report, progress=None):
        self.report = report
        self.records: dict[tuple[str, str], Planned] = {}
        self.progress = progress or (lambda done, total: None)
        self.organizations: dict[str, dict] = {}
        self.terms: dict[str, dict] = {}
        self.seen_top: dict[tuple[str, str, str], tuple] = {}
        self.term_lists: list[list[str]] = []

    # --- helpers ------------------------------------------------------------------
    def check_fields(self, obj: dict, table: str) -> None:
        read = READ.get(table, set())
        for key, value in obj.items():
            if key == SOURCE or key in read or _empty(value):
                continue
            if key in _official(table):
                self.report.warn(
                    origin_of(obj), key, _("HSDS field that Waymark does not keep: not imported.")
                )
            else:
                self.report.warn(origin_of(obj), key, _("Unknown field: not imported."))

    def require_id(self, obj: dict, table: str) -> str | None:
        source_id = canonical_id(obj.get("id"))
        if source_id is None:
            self.report.error(origin_of(obj), "id", _("Every %s needs an id.") % table)
        return source_id

    def record(self, kind: str, source_id: str, origin, *, top=False) -> Planned:
        """The planned record for this id; a second sight of it must say the same."""
        key = (kind, source_id)
        existing = self.records.get(key)
        if existing is None:
            existing = self.records[key] = Planned(kind, source_id, origin)
        return existing

    def put(self, planned: Planned, name: str, value, origin) -> None:
        old = planned.values.get(name, _MISSING)
        if name in MIXED and old is not _MISSING:
            merged = merge_languages(old, value)
            if merged is not None:
                planned.values[name] = merged
                return
        if old is not _MISSING and old != value and not (_empty(old) and _empty(value)):
            first = " ".join(planned.origin)
            self.report.error(
                origin,
                name,
                _("Duplicate id %(id)s with different content (first seen at %(first)s).")
                % {"id": planned.source_id, "first": first.strip()},
            )
            return
        planned.values[name] = value

    def texts(self, planned: Planned, obj: dict, fields: dict, language: str) -> None:
        """Text fields into the language's columns; ``fields``: HSDS name → our field."""
        suffix = language.replace("-", "_")
        fallbacks = (
            obj.get("field_languages") if isinstance(obj.get("field_languages"), dict) else {}
        )
        planned.languages.add(language)
        for hsds_name, ours in fields.items():
            if hsds_name in fallbacks and fallbacks[hsds_name] != language:
                continue  # another language's text, shown as a fallback: not ours to store
            value = obj.get(hsds_name)
            if value is not None and not isinstance(value, str):
                value = str(value)
            self.put(planned, f"{ours}_{suffix}", (value or "").strip(), origin_of(obj))

    def scalar(self, planned: Planned, obj: dict, hsds_name: str, ours: str, kind=str) -> None:
        if hsds_name not in obj:
            return
        value = obj[hsds_name]
        if kind is bool and value is None:
            if ours in NOT_KNOWN:
                self.put(planned, ours, None, origin_of(obj))
            return
        if kind is bool:
            if not isinstance(value, bool):
                self.report.error(origin_of(obj), hsds_name, _("Expected true or false."))
                return
        elif value is None:
            value = ""
        else:
            value = str(value).strip()
        self.put(planned, ours, value, origin_of(obj))

    # --- entry ----------------------------------------------------------------------
    def read(self, bundles: list[Bundle]) -> None:
        total = sum(b.rows for b in bundles) or 1
        done = 0
        for bundle in bundles:
            for taxonomy in bundle.taxonomies:
                self.taxonomy(taxonomy, bundle.language)
            for term in bundle.taxonomy_terms:
                term_id = canonical_id(term.get("id"))
                if term_id:
                    self.terms[term_id] = term
                self.taxonomy_term(term, bundle.language)
            for organization in _released(bundle, "organizations"):
                self.unique_top("organization", organization, bundle.language)
                self.organization(organization, bundle.language)
                done += 1
                if done % 500 == 0:
                    self.progress(done, total)
            for service in _released(bundle, "services"):
                self.unique_top("service", service, bundle.language)
                self.service(service, bundle.language)
                done += 1
                if done % 500 == 0:
                    self.progress(done, total)
        self.term_positions()
        self.progress(total, total)

    def unique_top(self, kind: str, obj: dict, language: str) -> None:
        source_id = canonical_id(obj.get("id"))
        if source_id is None:
            return
        key = (kind, source_id, language)
        if key in self.seen_top:
            first = " ".join(self.seen_top[key])
            self.report.error(
                origin_of(obj),
                "id",
                _("Duplicate id %(id)s (first seen at %(first)s).")
                % {"id": source_id, "first": first.strip()},
            )
        else:
            self.seen_top[key] = origin_of(obj)

    # --- organizations ------------------------------------------------------------
    def organization(self, obj: dict, language: str) -> str | None:
        self.check_fields(obj, "organization")
        source_id = self.require_id(obj, "organization")
        if source_id is None:
            return None
        planned = self.record("organization", source_id, origin_of(obj))
        # As an approved creation proposal: published once it is approved.
        planned.create_only["status"] = "published"
        self.texts(
            planned,
            obj,
            {"name": "name", "alternate_name": "alternate_name", "description": "description"},
            language,
        )
        self.scalar(planned, obj, "email", "email")
        self.scalar(planned, obj, "website", "website")
        if isinstance(obj.get("is_demo"), bool):
            planned.extra["is_demo"] = obj["is_demo"]
        self.translation_mark(planned, obj, language)
        return source_id

    def translation_mark(self, planned: Planned, obj: dict, language: str) -> None:
        status = obj.get("translation_status")
        marks = planned.extra.setdefault("translation_status", {})
        marks[language] = status if status in ("machine", "human") else None

    # --- services -----------------------------------------------------------------
    def service(self, obj: dict, language: str) -> None:
        self.check_fields(obj, "service")
        source_id = self.require_id(obj, "service")
        if source_id is None:
            return
        origin = origin_of(obj)
        planned = self.record("service", source_id, origin)
        nested_org = obj.get("organization")
        organization_id = None
        if isinstance(nested_org, dict):
            organization_id = self.organization(nested_org, language)
        organization_id = organization_id or canonical_id(obj.get("organization_id"))
        if organization_id is None:
            self.report.error(origin, "organization_id", _("A service needs its organization."))
            return
        self.put(planned, "organization_id", Ref("organization", organization_id), origin)
        self.texts(
            planned,
            obj,
            {
                "name": "name",
                "alternate_name": "alternate_name",
                "description": "description",
                "interpretation_services": "interpretation_services",
                "application_process": "application_process",
                "fees_description": "fees_description",
                "eligibility_description": "eligibility_description",
                "accessibility": "accessibility",
            },
            language,
        )
        self.scalar(planned, obj, "is_free", "is_free", bool)
        zone = obj.get("time_zone")
        if zone is None:
            planned.create_only["time_zone"] = ""  # not known: never UTC by default
        else:
            if zone in _time_zones():
                self.put(planned, "time_zone", zone, origin)
            else:
                self.report.error(
                    origin, "time_zone", _("Unknown time zone (use e.g. Europe/Paris).")
                )
        if obj.get("holiday_region"):
            code = str(obj["holiday_region"]).strip()
            self.put(planned, "holiday_region_id", Ref("region", code), origin)
        status = obj.get("status")
        planned.create_only["status"] = "published" if status in (None, "active") else "draft"
        if status not in (None, "active"):
            self.report.warn(
                origin, "status", _("Status “%s”: the service is created as a draft.") % status
            )
        self.verification(planned, obj, organization_id)
        self.translation_mark(planned, obj, language)
        self.channels(planned, obj, language)
        self.put(planned, "languages", self.service_languages(obj), origin)
        self.put(planned, "areas", self.areas(obj, language), origin)
        self.put(planned, "terms", self.attributes(obj, language), origin)
        self.cost_options(planned, obj, language)
        self.service_at_locations(planned, obj, organization_id, language)

    def verification(self, planned: Planned, obj: dict, organization_id: str) -> None:
        origin = origin_of(obj)
        day = obj.get("assured_date")
        if day:
            try:
                planned.extra["assured_date"] = dt.date.fromisoformat(str(day)[:10]).isoformat()
            except ValueError:
                self.report.error(origin, "assured_date", _("Expected a date (YYYY-MM-DD)."))
                return
        else:
            planned.extra["assured_date"] = None
            return  # without a date the export names no assurer: keep ours
        assurer = canonical_id(obj.get("assurer_organization_id"))
        # The export names the provider as assurer when none is recorded.
        planned.extra["assurer_id"] = (
            Ref("organization", assurer) if assurer and assurer != organization_id else None
        )

    # --- channels and hours ---------------------------------------------------------
    def channels(self, service: Planned, obj: dict, language: str) -> None:
        phones = [p for p in obj.get("phones") or [] if isinstance(p, dict)]
        contacts = [c for c in obj.get("contacts") or [] if isinstance(c, dict)]
        for contact in contacts:
            phones += [p for p in contact.get("phones") or [] if isinstance(p, dict)]
        channel_ids = []
        seen = set()
        for phone in phones:
            channel_id = self.phone(service, phone, language, len(channel_ids))
            if channel_id and channel_id not in seen:
                seen.add(channel_id)
                channel_ids.append(channel_id)
        urls, emails = set(), set()
        for contact in contacts:
            channel_id = self.contact(service, contact, language, len(channel_ids))
            if channel_id and channel_id not in seen:
                seen.add(channel_id)
                channel_ids.append(channel_id)
                urls.add(contact.get("url"))
                emails.add(contact.get("email"))
        # A service's own url and email are channels too, unless a contact has them already.
        for hsds_name, kind in (("url", Channel.Kind.WEB), ("email", Channel.Kind.EMAIL)):
            value = obj.get(hsds_name)
            if value and value not in (urls if hsds_name == "url" else emails):
                channel_id = f"{service.source_id}#{hsds_name}"
                planned = self.record("channel", channel_id, origin_of(obj))
                self.put(planned, "service_id", Ref("service", service.source_id), origin_of(obj))
                self.put(planned, "kind", kind, origin_of(obj))
                self.put(planned, hsds_name, str(value).strip(), origin_of(obj))
                planned.create_only["position"] = len(channel_ids)
                channel_ids.append(channel_id)
        self.schedules(service, obj, channel_ids, language)

    def channel_common(self, planned: Planned, obj: dict, service: Planned, language: str):
        origin = origin_of(obj)
        self.put(planned, "service_id", Ref("service", service.source_id), origin)
        for flag in ("is_24_7", "closed_on_public_holidays", "is_free", "get_help_now"):
            self.scalar(planned, obj, flag, flag, bool)
        codes = set()
        for row in obj.get("languages") or []:
            if isinstance(row, dict):
                self.check_fields(row, "language")
                code = self.language_of(row)
                if code:
                    codes.add(code)
        self.put(planned, "languages", sorted(codes), origin)
        planned.languages.add(language)

    def phone(self, service: Planned, obj: dict, language: str, position: int) -> str | None:
        self.check_fields(obj, "phone")
        source_id = self.require_id(obj, "phone")
        if source_id is None:
            return None
        origin = origin_of(obj)
        kind = obj.get("channel_kind")
        if kind not in Channel.NUMBER_KINDS:
            phone_type = str(obj.get("type") or "voice").strip().lower()
            if phone_type not in PHONE_KINDS:
                self.report.warn(
                    origin, "type", _("Phone type “%s” is not kept: not imported.") % phone_type
                )
                return None
            kind = PHONE_KINDS[phone_type]
        planned = self.record("channel", source_id, origin)
        self.put(planned, "kind", kind, origin)
        raw = obj.get("number")
        try:
            number = parse_phone_number(str(raw or ""))
        except ValidationError as error:
            self.report.error(origin, "number", " ".join(error.messages))
            number = ""
        self.put(planned, "number", number, origin)
        for name in ("url", "email"):
            self.put(planned, name, "", origin)
        self.texts(planned, obj, {"description": "label", "notes": "description"}, language)
        self.channel_common(planned, obj, service, language)
        planned.create_only.setdefault("position", position)
        return source_id

    def contact(self, service: Planned, obj: dict, language: str, position: int) -> str | None:
        self.check_fields(obj, "contact")
        source_id = self.require_id(obj, "contact")
        if source_id is None:
            return None
        origin = origin_of(obj)
        kind = obj.get("channel_kind")
        if kind not in Channel.Kind.values or kind in Channel.NUMBER_KINDS:
            if obj.get("email"):
                kind = Channel.Kind.EMAIL
            elif obj.get("url"):
                kind = Channel.Kind.WEB
            elif obj.get("location_id"):
                kind = Channel.Kind.WALK_IN
            else:
                self.report.warn(
                    origin, "", _("A contact with no email, web address or place: not imported.")
                )
                return None
        planned = self.record("channel", source_id, origin)
        self.put(planned, "kind", kind, origin)
        self.put(planned, "number", "", origin)
        self.scalar(planned, obj, "email", "email")
        self.scalar(planned, obj, "url", "url")
        self.put(planned, "email", planned.values.get("email", ""), origin)
        self.put(planned, "url", planned.values.get("url", ""), origin)
        location = canonical_id(obj.get("location_id"))
        self.put(planned, "location_id", Ref("location", location) if location else None, origin)
        self.texts(planned, obj, {"name": "label", "notes": "description"}, language)
        self.channel_common(planned, obj, service, language)
        planned.create_only.setdefault("position", position)
        return source_id

    def schedules(self, service: Planned, obj: dict, channel_ids: list[str], language: str):
        hours = {cid: {"periods": [], "exceptions": [], "always": False} for cid in channel_ids}
        general = []
        for schedule in obj.get("schedules") or []:
            if not isinstance(schedule, dict):
                continue
            self.check_fields(schedule, "schedule")
            channel_id = canonical_id(schedule.get("channel_id"))
            if channel_id in hours:
                self.schedule(schedule, hours[channel_id], language)
            else:
                general.append(schedule)
        if general:
            # HSDS hours of a service: Waymark keeps hours per channel, so each channel
            # without hours of its own takes them.
            targets = [cid for cid, h in hours.items() if not (h["periods"] or h["exceptions"])]
            for schedule in general:
                self.report.warn(
                    origin_of(schedule),
                    "channel_id",
                    _("Hours of the whole service: given to each of its contact channels."),
                )
                for cid in targets:
                    self.schedule(schedule, hours[cid], language)
        for cid, found in hours.items():
            planned = self.records[("channel", cid)]
            if found["always"] and "is_24_7" not in planned.values:
                planned.values["is_24_7"] = True
            if "is_24_7" not in planned.values and not (
                found["always"] or found["periods"] or found["exceptions"]
            ):
                planned.create_only["is_24_7"] = None  # no flag and no hours: not known
            always = planned.values.get("is_24_7") or found["always"]
            periods = sorted({tuple(p) for p in found["periods"]}) if not always else []
            self.put(planned, "periods", [list(p) for p in periods], origin_of(obj))
            exceptions = sorted(found["exceptions"], key=lambda row: row[0])
            self.put(planned, "exceptions", exceptions, origin_of(obj))

    def schedule(self, obj: dict, into: dict, language: str) -> None:
        origin = origin_of(obj)
        suffix = language.replace("-", "_")
        try:
            opens = _time(obj["opens_at"]) if obj.get("opens_at") else None
            closes = _time(obj["closes_at"]) if obj.get("closes_at") else None
        except ValueError:
            self.report.error(origin, "opens_at", _("Expected a time (HH:MM)."))
            return
        valid_from, valid_to = obj.get("valid_from"), obj.get("valid_to")
        if (
            valid_from
            and valid_from == valid_to
            and ("closed" in obj or obj.get("freq") in (None, ""))
        ):
            try:
                day = dt.date.fromisoformat(str(valid_from)).isoformat()
            except ValueError:
                self.report.error(origin, "valid_from", _("Expected a date (YYYY-MM-DD)."))
                return
            closed = obj.get("closed")
            if not isinstance(closed, bool):
                closed = not (opens and closes)
            note = str(obj.get("description") or "").strip()
            notes = {f"note_{suffix}": note} if note else {}
            into["exceptions"].append(
                [day, closed, None if closed else opens, None if closed else closes, notes]
            )
            return
        if str(obj.get("freq") or "WEEKLY").upper() != "WEEKLY" or not obj.get("byday"):
            self.report.warn(origin, "freq", _("Only weekly hours are kept: not imported."))
            return
        if obj.get("interval") not in (None, 1, "1"):
            self.report.warn(origin, "interval", _("Only weekly hours are kept: not imported."))
            return
        if not (opens and closes):
            self.report.error(origin, "opens_at", _("Weekly hours need opens_at and closes_at."))
            return
        days = [d.strip().upper()[-2:] for d in str(obj["byday"]).split(",") if d.strip()]
        unknown = [d for d in days if d not in WEEKDAYS]
        if unknown:
            self.report.error(origin, "byday", _("Unknown day: %s.") % ", ".join(unknown))
            return
        if len(set(days)) == 7 and opens == "00:00:00" and closes == "23:59:00":
            into["always"] = True  # HSDS's documented all-week signal
            return
        if opens == closes:
            self.report.error(origin, "closes_at", _("Opening and closing times are the same."))
            return
        for day in days:
            into["periods"].append([WEEKDAYS.index(day), opens, closes])

    # --- languages, areas, attributes, costs ------------------------------------------
    def language_of(self, row: dict) -> str | None:
        code = language_code(str(row.get("code") or ""))
        if code is None:
            self.report.warn(origin_of(row), "code", _("Unknown language code: not imported."))
        return code

    def service_languages(self, obj: dict) -> list:
        rows = {}
        for row in obj.get("languages") or []:
            if isinstance(row, dict):
                self.check_fields(row, "language")
                code = self.language_of(row)
                if code:
                    rows[code] = [code, row.get("through_interpreter") is True]
        return [rows[code] for code in sorted(rows)]

    def areas(self, obj: dict, language: str) -> list:
        codes = set()
        for area in obj.get("service_areas") or []:
            if not isinstance(area, dict):
                continue
            self.check_fields(area, "service_area")
            if area.get("scope") == "international":
                codes.add(ServiceArea.ANYWHERE)
            elif area.get("region_code"):
                code = str(area["region_code"]).strip()
                codes.add(Ref("region_code", code))
                if area.get("region_kind") == "locality":
                    self.locality(code, area, language)
            else:
                self.report.warn(
                    origin_of(area),
                    "region_code",
                    _("A service area without a region code cannot be matched: not imported."),
                )
        return sorted(codes, key=lambda c: c if isinstance(c, str) else c.source_id)

    def locality(self, code: str, area: dict, language: str) -> None:
        """A locality named by a service area (``region_kind``), for a directory that lacks
        it: ISO codes name countries and subdivisions, but a locality is only known by the
        code and name the export gives it. Its parent is the longest leading part of its
        code that is a region (``fr-ara-lyon`` is in ``FR-ARA``); planning checks that."""
        name = str(area.get("name") or "").strip()
        planned = self.record("region", code, origin_of(area))
        planned.extra["locality"] = True
        planned.create_only.setdefault("code", code)
        planned.create_only.setdefault("kind", "locality")
        if name:
            planned.create_only[f"name_{language.replace('-', '_')}"] = name

    def attributes(self, obj: dict, language: str) -> list:
        terms = []
        for attribute in obj.get("attributes") or []:
            if not isinstance(attribute, dict):
                continue
            self.check_fields(attribute, "attribute")
            if attribute.get("link_entity") not in (None, "service"):
                self.report.warn(
                    origin_of(attribute),
                    "link_entity",
                    _("Only attributes of services are kept: not imported."),
                )
                continue
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                term = self.terms.get(canonical_id(attribute.get("taxonomy_term_id")))
            if not isinstance(term, dict):
                self.report.warn(
                    origin_of(attribute),
                    "taxonomy_term_id",
                    _("Unknown taxonomy term: not imported."),
                )
                continue
            term_id = self.taxonomy_term(term, language)
            if term_id:
                terms.append(Ref("taxonomy_term", term_id))
        self.term_lists.append([ref.source_id for ref in terms])
        return sorted(set(terms), key=lambda r: r.source_id)

    def term_positions(self) -> None:
        """HSDS has no term order; the order of each service's attributes gives it back."""
        after, first_seen = {}, {}
        for terms in self.term_lists:
            for index, term in enumerate(terms):
                first_seen.setdefault(term, len(first_seen))
                if index:
                    after.setdefault(term, set()).add(terms[index - 1])
        placed, order = set(), []
        pending = sorted(first_seen, key=first_seen.get)
        while pending:
            ready = [t for t in pending if after.get(t, set()) <= placed] or pending[:1]
            order.append(ready[0])
            placed.add(ready[0])
            pending.remove(ready[0])
        for position, term in enumerate(order):
            planned = self.records.get(("taxonomy_term", term))
            if planned is not None:
                planned.create_only["position"] = position

    def cost_options(self, planned: Planned, obj: dict, language: str) -> None:
        suffix = language.replace("-", "_")
        rows = []
        for cost in obj.get("cost_options") or []:
            if not isinstance(cost, dict):
                continue
            self.check_fields(cost, "cost_option")
            amount = cost.get("amount")
            if amount is not None and not isinstance(amount, int | float):
                self.report.error(origin_of(cost), "amount", _("Expected a number."))
                continue
            currency = str(cost.get("currency") or "").strip().upper()
            if len(currency) > 3:
                self.report.error(origin_of(cost), "currency", _("Expected an ISO 4217 code."))
                continue
            option = str(cost.get("option") or "").strip()
            rows.append(
                [
                    {f"option_{suffix}": option} if option else {},
                    None if amount is None else f"{amount:.2f}",
                    currency,
                ]
            )
        self.put(planned, "cost_options", rows, origin_of(obj))

    def service_at_locations(self, planned: Planned, obj: dict, organization_id, language):
        suffix = language.replace("-", "_")
        links = []
        for link in obj.get("service_at_locations") or []:
            if not isinstance(link, dict):
                continue
            self.check_fields(link, "service_at_location")
            location = link.get("location")
            if isinstance(location, dict):
                location_id = self.location(location, organization_id, language)
            else:
                location_id = canonical_id(link.get("location_id"))
            if location_id is None:
                self.report.error(origin_of(link), "location_id", _("Which location?"))
                continue
            text = str(link.get("description") or "").strip()
            links.append(
                [Ref("location", location_id), {f"description_{suffix}": text} if text else {}]
            )
        self.put(planned, "locations", links, origin_of(obj))

    # --- places ---------------------------------------------------------------------
    def location(self, obj: dict, organization_id: str, language: str) -> str | None:
        self.check_fields(obj, "location")
        source_id = self.require_id(obj, "location")
        if source_id is None:
            return None
        origin = origin_of(obj)
        suffix = language.replace("-", "_")
        planned = self.record("location", source_id, origin)
        owner = canonical_id(obj.get("organization_id")) or organization_id
        # The owner may be missing from the file; planning falls back to the service's.
        planned.extra.setdefault("organization_fallback", organization_id)
        self.put(planned, "organization_id", Ref("organization", owner), origin)
        visibility = obj.get("visibility")
        if visibility not in Location.Visibility.values:
            self.report.warn(
                origin,
                "visibility",
                _("No visibility given: imported as hidden until a coordinator decides."),
            )
            visibility = Location.Visibility.HIDDEN
        self.put(planned, "visibility", visibility, origin)
        addresses = [a for a in obj.get("addresses") or [] if isinstance(a, dict)]
        for address in addresses:
            self.check_fields(address, "address")
        address = addresses[0] if addresses else {}
        region = obj.get("region_code") or address.get("country")
        if region:
            self.put(planned, "region_id", Ref("region", str(region).strip()), origin)
        else:
            self.report.error(
                origin, "region_code", _("A location needs region_code or an address country.")
            )
        if obj.get("location_type") not in (None, "physical"):
            self.report.warn(origin, "location_type", _("Only physical places are kept."))
        name = str(obj.get("name") or "").strip()
        if visibility == Location.Visibility.REGION:
            # The public area name; planning clears it when it is just the region's name.
            self.put(planned, f"region_label_{suffix}", name, origin)
            planned.create_only[f"name_{suffix}"] = name or _("Confidential location")
        elif visibility == Location.Visibility.HIDDEN:
            planned.create_only[f"name_{suffix}"] = name or _("Confidential location")
        public = visibility == Location.Visibility.PUBLIC
        # A redacted place (our own export) says nothing of its address: keep what we have.
        if public or addresses or name and visibility == Location.Visibility.HIDDEN:
            if visibility != Location.Visibility.REGION:
                self.put(planned, f"name_{suffix}", name, origin)
            street = ", ".join(
                str(address.get(k)).strip() for k in ("address_1", "address_2") if address.get(k)
            )
            self.put(planned, f"address_1_{suffix}", street, origin)
            self.put(planned, f"city_{suffix}", str(address.get("city") or "").strip(), origin)
            self.put(planned, "postal_code", str(address.get("postal_code") or "").strip(), origin)
        if public or addresses:
            self.coordinates(planned, obj)
            self.texts(planned, obj, {"transportation": "transportation"}, language)
            notes = [
                str(a.get("description") or "").strip()
                for a in obj.get("accessibility") or []
                if isinstance(a, dict)
            ]
            for row in obj.get("accessibility") or []:
                if isinstance(row, dict):
                    self.check_fields(row, "accessibility")
            self.put(planned, f"accessibility_{suffix}", "\n".join(n for n in notes if n), origin)
        if obj.get("description"):
            self.texts(planned, obj, {"description": "description"}, language)
        return source_id

    def coordinates(self, planned: Planned, obj: dict) -> None:
        values = {}
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = obj.get(name)
            if value is None:
                values[name] = None
            elif not isinstance(value, int | float) or abs(value) > limit:
                self.report.warn(
                    origin_of(obj), name, _("Out of range (±%d): not imported.") % limit
                )
                values = {"latitude": None, "longitude": None}
                break
            else:
                values[name] = f"{value:.6f}"
        for name, value in values.items():
            self.put(planned, name, value, origin_of(obj))

    # --- vocabularies -----------------------------------------------------------------
    def taxonomy(self, obj: dict, language: str) -> str | None:
        self.check_fields(obj, "taxonomy")
        source_id = self.require_id(obj, "taxonomy")
        if source_id is None:
            return None
        planned = self.record("taxonomy", source_id, origin_of(obj))
        slug = slugify(str(obj.get("code") or obj.get("name") or ""))[:50] or "imported"
        planned.create_only["slug"] = slug
        self.texts(planned, obj, {"name": "name", "description": "description"}, language)
        self.scalar(planned, obj, "uri", "uri")
        self.scalar(planned, obj, "version", "version")
        return source_id

    def taxonomy_term(self, obj: dict, language: str) -> str | None:
        self.check_fields(obj, "taxonomy_term")
        source_id = self.require_id(obj, "taxonomy_term")
        if source_id is None:
            return None
        origin = origin_of(obj)
        planned = self.record("taxonomy_term", source_id, origin)
        detail = obj.get("taxonomy_detail")
        taxonomy_id = None
        if isinstance(detail, dict):
            taxonomy_id = self.taxonomy(detail, language)
        taxonomy_id = taxonomy_id or canonical_id(obj.get("taxonomy_id"))
        if taxonomy_id is None:
            # A term naming its vocabulary only by name: one taxonomy per name.
            label = str(obj.get("taxonomy") or "imported").strip()
            taxonomy_id = f"taxonomy:{slugify(label)[:50] or 'imported'}"
            taxonomy = self.record("taxonomy", taxonomy_id, origin)
            taxonomy.create_only["slug"] = slugify(label)[:50] or "imported"
            taxonomy.values.setdefault(f"name_{language.replace('-', '_')}", label)
        self.put(planned, "taxonomy_id", Ref("taxonomy", taxonomy_id), origin)
        code = slugify(str(obj.get("code") or obj.get("name") or source_id))[:80]
        self.put(planned, "code", code, origin)
        planned.extra["taxonomy_slug"] = (obj.get("taxonomy") or "").strip()
        self.texts(planned, obj, {"name": "name", "description": "description"}, language)
        parent = canonical_id(obj.get("parent_id"))
        self.put(planned, "parent_id", Ref("taxonomy_term", parent) if parent else None, origin)
        return source_id


_MISSING = object()
# Collections whose rows carry text in several languages (a dict of language columns).
MIXED = {"exceptions", "cost_options", "locations"}


def merge_languages(old: list, new: list, keep_from_old=None) -> list | None:
    """Rows of two languages of the same collection, merged by position; None if the
    rows do not match apart from their text."""
    if len(old) != len(new):
        return None
    merged = []
    for a, b in zip(old, new, strict=True):
        plain_a = [x for x in a if not isinstance(x, dict)]
        plain_b = [x for x in b if not isinstance(x, dict)]
        if plain_a != plain_b:
            return None
        merged.append([{**x, **y} if isinstance(x, dict) else x for x, y in zip(a, b, strict=True)])
    return merged


def _released(bundle: Bundle, name: str):
    """The bundle's documents of one kind, each let go once it has been read: the parsed
    file is the largest thing an import holds (issue #20). The bundle keeps an empty list."""
    items = getattr(bundle, name)
    setattr(bundle, name, [])
    for index in range(len(items)):
        item, items[index] = items[index], None
        yield item


def map_bundles(bundles: list[Bundle], report: Report, progress=None) -> dict:
    """Planned records of every bundle, keyed by (kind, HSDS id)."""
    mapper = Mapper(report, progress)
    mapper.read(bundles)
    return mapper.records
