"""Files in, nested HSDS documents out: JSON (as the export and the API write it) or the
tabular datapackage (a folder or a .zip), in one language or one folder per language.

Every object read gets ``SOURCE`` = (file, where): a JSON pointer or a CSV line, so each
error can name its row. Limits in bytes and in records are checked before the work.
"""

import csv
import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from .. import tabular
from ..tables import TABLES
from .issues import SOURCE, ImportFailed, Issue, Report

MAX_DEPTH = 32
FILE_OF_TABLE = {table: spec[0] for table, spec in TABLES.items()}


@dataclass
class Limits:
    max_bytes: int
    max_records: int


@dataclass
class Bundle:
    """Documents of one language, as nested HSDS objects."""

    language: str
    form: str  # "json" or "tabular"
    services: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    taxonomies: list[dict] = field(default_factory=list)
    taxonomy_terms: list[dict] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.services) + len(self.organizations)


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- where the bytes come from --------------------------------------------------------
class Files:
    """A read-only view of named files: a folder, a zip archive or one file."""

    def __init__(self, entries: dict[str, callable], label: str):
        self.entries = entries  # relative posix name -> () -> bytes
        self.label = label

    def names(self) -> list[str]:
        return sorted(self.entries)

    def has(self, name: str) -> bool:
        return name in self.entries

    def read(self, name: str) -> bytes:
        return self.entries[name]()


def _folder(path: Path, limits: Limits) -> Files:
    entries, total = {}, 0
    for file in sorted(path.rglob("*")):
        if not file.is_file() or any(p.startswith(".") for p in file.relative_to(path).parts):
            continue
        total += file.stat().st_size
        entries[file.relative_to(path).as_posix()] = file.read_bytes
    _check_size(path.name, total, limits)
    return Files(entries, path.name)


def _zip(name: str, data: bytes, limits: Limits) -> Files:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError):
        raise ImportFailed(
            [Issue(name, "", "", _("This is not a readable zip archive."))]
        ) from None
    # Sizes as the archive declares them; reading stops at the limit whatever they say.
    _check_size(name, sum(m.file_size for m in members), limits)
    entries = {}
    for member in members:
        posix = PurePosixPath(member.filename)
        if posix.is_absolute() or ".." in posix.parts or posix.name.startswith("."):
            continue

        def read(member=member):
            with archive.open(member) as stream:
                data = stream.read(limits.max_bytes + 1)
            _check_size(f"{name}/{member.filename}", len(data), limits)
            return data

        entries[posix.as_posix()] = read
    return Files(entries, name)


def _check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise ImportFailed(
            [
                Issue(
                    name,
                    "",
                    "",
                    _("The import is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": f"{size:,}", "limit": f"{limits.max_bytes:,}"},
                )
            ]
        )


def files_from_path(path: Path, limits: Limits) -> Files:
    if path.is_dir():
        return _folder(path, limits)
    if not path.is_file():
        raise ImportFailed([Issue(str(path), "", "", _("No such file or folder."))])
    _check_size(path.name, path.stat().st_size, limits)
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if zipped or path.name.lower().endswith(".zip"):
        return files_from_bytes(path.name, path.read_bytes(), limits)
    # Read when parsed, and not kept: the bytes go as soon as they are decoded.
    return Files({path.name: path.read_bytes}, path.name)


def files_from_bytes(name: str, data: bytes, limits: Limits) -> Files:
    _check_size(name, len(data), limits)
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return _zip(name, data, limits)
    return Files({PurePosixPath(name).name: lambda: data}, name)


# --- which layout ---------------------------------------------------------------------
def read_bundles(files: Files, *, language: str, limits: Limits, report: Report) -> list[Bundle]:
    """Every language bundle in the files; raises ImportFailed on unreadable input."""
    names = files.names()
    if len(names) == 1 and not names[0].endswith("datapackage.json"):
        only = names[0]
        if only.lower().endswith(".csv"):
            raise ImportFailed(
                [
                    Issue(
                        only,
                        "",
                        "",
                        _(
                            "A CSV file alone cannot be imported: give the datapackage "
                            "folder, or a .zip of it, with datapackage.json."
                        ),
                    )
                ]
            )
        return [_json_single(files, only, language, limits, report)]
    per_language = [
        code
        for code in content_languages()
        if any(n.startswith(f"{code}/hsds/") or n.startswith(f"{code}/tabular/") for n in names)
    ]
    if per_language:
        return [
            bundle
            for code in per_language
            for bundle in _layout(files, f"{code}/", code, limits, report)
        ]
    return _layout(files, "", language, limits, report)


def _layout(files: Files, prefix: str, language: str, limits: Limits, report: Report):
    names = files.names()
    for folder in (f"{prefix}hsds/", prefix):
        if files.has(f"{folder}services.json"):
            return [_json_folder(files, folder, language, limits, report)]
    packages = sorted(
        (n for n in names if n.startswith(prefix) and n.endswith("datapackage.json")),
        key=lambda n: n.count("/"),
    )
    if packages:
        folder = packages[0][: -len("datapackage.json")]
        return [_tabular(files, folder, language, limits, report)]
    tables = sorted(n for n in names if n.endswith("/services.csv") or n == "services.csv")
    if tables:
        folder = tables[0][: -len("services.csv")]
        return [_tabular(files, folder, language, limits, report)]
    raise ImportFailed(
        [
            Issue(
                files.label,
                "",
                "",
                _(
                    "No HSDS data found: expected services.json (JSON) or datapackage.json "
                    "(tabular)."
                ),
            )
        ]
    )


# --- JSON -----------------------------------------------------------------------------
def _reject_constant(name):
    raise ValueError(_("%s is not a number JSON allows") % name)


def _float(text):
    value = float(text)
    if math.isinf(value):
        raise ValueError(_("the number %s is too large") % text[:40])
    return value


def decode(name: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is accepted and dropped); anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(
            [
                Issue(
                    name,
                    _("line %d") % line,
                    "",
                    _("This file is not UTF-8 text. Save it as UTF-8 and import it again."),
                )
            ]
        ) from None


def parse_json(name: str, data: bytes, limits: Limits):
    if not data.strip():
        raise ImportFailed([Issue(name, "", "", _("The file is empty."))])
    text = decode(name, data)
    del data  # the bytes are not needed while the text is parsed (a large export: 1.25 GB)
    try:
        document = json.loads(text, parse_constant=_reject_constant, parse_float=_float)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [
                Issue(
                    name,
                    _("line %(line)d, column %(column)d")
                    % {"line": error.lineno, "column": error.colno},
                    "",
                    _("This is not valid JSON: %s.") % error.msg,
                )
            ]
        ) from None
    except ValueError as error:
        raise ImportFailed([Issue(name, "", "", str(error))]) from None
    except RecursionError:
        raise ImportFailed([Issue(name, "", "", _("The JSON is nested too deeply."))]) from None
    _annotate(document, name)
    if isinstance(document, list) and len(document) > limits.max_records:
        raise ImportFailed([_too_many(name, len(document), limits)])
    return document


def _too_many(name, count, limits) -> Issue:
    return Issue(
        name,
        "",
        "",
        _("The file has more than %(limit)s records; split it or raise the limit.")
        % {"limit": f"{limits.max_records:,}"},
    )


def _annotate(document, name: str) -> None:
    """Give every object its JSON pointer; refuse absurd depth (HSDS nests about 6)."""
    stack = [(document, "", 0)]
    while stack:
        node, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ImportFailed([Issue(name, pointer, "", _("The JSON is nested too deeply."))])
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict | list):
                    stack.append((value, f"{pointer}/{_escape(key)}", depth + 1))
            node[SOURCE] = (name, pointer or "/")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, f"{pointer}/{index}", depth + 1))


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _as_list(name, document) -> list:
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return document["contents"]  # a page of the HSDS API
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise ImportFailed([Issue(name, "/", "", _("Expected an object or a list of objects."))])


def _objects(name, items) -> list[dict]:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ImportFailed([Issue(name, f"/{index}", "", _("Expected an object."))])
    return items


# What an object is, told by keys that only one kind of HSDS object has (the official
# schema files and the profile; tests/interchange/test_import_classify.py checks them
# there). "services" is organization_full's nesting, "service" service_at_location_full's.
TELLING_KEYS = {
    "service": {
        "status",
        "organization",
        "service_at_locations",
        "service_areas",
        "program_id",
        "program",
        "eligibility_description",
        "fees_description",
        "fees",
        "application_process",
        "interpretation_services",
        "wait_time",
        "accreditations",
        "licenses",
        "alert",
        "minimum_age",
        "maximum_age",
        "required_documents",
        "cost_options",
        "assured_date",
        "assurer_email",
        "is_free",
        "time_zone",
        "holiday_region",
    },
    "organization": {
        "services",
        "legal_status",
        "logo",
        "organization_identifiers",
        "parent_organization_id",
        "programs",
        "tax_id",
        "tax_status",
        "website",
        "year_incorporated",
        "locations",
        "is_demo",
    },
    "taxonomy": {"version"},
    "taxonomy_term": {"parent_id", "taxonomy", "taxonomy_detail", "taxonomy_id", "term_uri"},
    "service_at_location": {"service_id", "location_id", "service"},
    "location": {
        "location_type",
        "latitude",
        "longitude",
        "addresses",
        "transportation",
        "external_identifier",
        "external_identifier_type",
        "visibility",
    },
}
# Kinds the import reads, and the bundle list each goes to.
IMPORTED = {
    "service": "services",
    "organization": "organizations",
    "taxonomy": "taxonomies",
    "taxonomy_term": "taxonomy_terms",
}
# A standard file name says what its objects are when their keys do not.
NAMED = (
    ("taxonomy_term", "taxonomy_term"),
    ("taxonom", "taxonomy"),
    ("organization", "organization"),
    ("service_at_location", "service_at_location"),
    ("service", "service"),
)


def kind_of(obj: dict, hint: str | None) -> str | None:
    """What an HSDS object is, from its keys; the file name decides only a tie."""
    told = {kind for kind, keys in TELLING_KEYS.items() if keys & obj.keys()}
    if len(told) == 1:
        return told.pop()
    if hint is not None and (not told or hint in told):
        return hint
    return None


def _hint(name: str) -> str | None:
    stem = PurePosixPath(name).stem.lower()
    return next((kind for prefix, kind in NAMED if stem.startswith(prefix)), None)


def _classify(name: str, items: list[dict], bundle: Bundle, report: Report) -> None:
    """Put each object of a document where its content says it belongs. An object that
    says too little ({id, name, description}) is what the document's other objects name
    it as: a service's ``organization_id``, a term's ``taxonomy_id``."""
    hint = _hint(name)
    kinds = [kind_of(item, hint) for item in items]
    named = {
        str(item.get(key)): kind
        for item, item_kind in zip(items, kinds, strict=True)
        for key, kind, by in (
            ("organization_id", "organization", "service"),
            ("taxonomy_id", "taxonomy", "taxonomy_term"),
        )
        if item_kind == by and item.get(key)
    }
    for index, item in enumerate(items):
        kind = kinds[index] or named.get(str(item.get("id")))
        where = item.get(SOURCE, (name, f"/{index}"))
        if kind in IMPORTED:
            getattr(bundle, IMPORTED[kind]).append(item)
        elif kind is not None:
            report.error(
                where,
                "",
                _(
                    "This is an HSDS location or service-at-location record: import the "
                    "services (with their locations) or the organisations instead."
                ),
            )
        else:
            report.error(
                where,
                "",
                _(
                    "What this object is cannot be told: a service has a status, an "
                    "organisation a description and no status, a taxonomy term a taxonomy. "
                    "Nothing was imported from it."
                ),
            )


def _json_single(files: Files, name: str, language: str, limits: Limits, report: Report):
    document = parse_json(name, files.read(name), limits)
    items = _objects(name, _as_list(name, document))
    bundle = Bundle(language=language, form="json")
    _classify(name, items, bundle, report)
    report.raise_if_errors()
    if not items:
        raise ImportFailed([Issue(name, "", "", _("The file holds no HSDS records."))])
    _lift_nested(bundle)
    return bundle


def _json_folder(files: Files, folder: str, language: str, limits: Limits, report: Report):
    base = f"{folder}base.json"
    if files.has(base):
        meta = parse_json(base, files.read(base), limits)
        if isinstance(meta, dict) and meta.get("language") in content_languages():
            language = meta["language"]
    bundle = Bundle(language=language, form="json")
    for file in ("services.json", "organizations.json", "taxonomies.json", "taxonomy_terms.json"):
        path = f"{folder}{file}"
        if files.has(path):
            document = parse_json(path, files.read(path), limits)
            _classify(path, _objects(path, _as_list(path, document)), bundle, report)
    report.raise_if_errors()
    _lift_nested(bundle)
    return bundle


def _lift_nested(bundle: Bundle) -> None:
    """An organization with nested services (organization_full) gives its services."""
    for organization in bundle.organizations:
        nested = organization.get("services")
        if isinstance(nested, list):
            for service in nested:
                if isinstance(service, dict):
                    service.setdefault("organization_id", organization.get("id"))
                    bundle.services.append(service)


# --- tabular --------------------------------------------------------------------------
def _typed(value: str, kind: str):
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(_("expected true or false"))
    if kind in ("number", "integer"):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(_("expected a number")) from None
        if not number.is_finite() or abs(number) > Decimal("1e15"):
            raise ValueError(_("the number is out of range"))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "object":
        try:
            return json.loads(value, parse_constant=_reject_constant, parse_float=_float)
        except (ValueError, RecursionError):
            raise ValueError(_("expected a JSON object")) from None
    return tabular.unneutralise(value)


def read_csv(name: str, data: bytes, table: str, limits: Limits, report: Report) -> list[dict]:
    text = decode(name, data)
    kinds = {column: kind for column, kind, _fmt in tabular.columns(table)}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        header = next(reader, None)
        if header is None:
            return rows
        header = [h.strip() for h in header]
        if len(set(header)) != len(header):
            report.error((name, _("line 1")), "", _("A column name appears twice."))
            return rows
        for column in header:
            if column not in kinds:
                report.warn((name, _("line 1")), column, _("Unknown column: not imported."))
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= limits.max_records:
                raise ImportFailed([_too_many(name, len(rows) + 1, limits)])
            if len(values) != len(header):
                report.error(
                    (name, _("line %d") % line),
                    "",
                    _("This row has %(found)d cells; the header has %(expected)d.")
                    % {"found": len(values), "expected": len(header)},
                )
                continue
            row = {SOURCE: (name, _("line %d") % line)}
            for column, value in zip(header, values, strict=True):
                if value == "" or column not in kinds:
                    continue
                try:
                    row[column] = _typed(value, kinds[column])
                except ValueError as error:
                    report.error((name, _("line %d") % line), column, str(error))
            rows.append(row)
    except csv.Error as error:
        raise ImportFailed(
            [Issue(name, _("line %d") % reader.line_num, "", _("Malformed CSV: %s.") % error)]
        ) from None
    return rows


def _tabular(files: Files, folder: str, language: str, limits: Limits, report: Report) -> Bundle:
    """The tables of a datapackage. Every file the descriptor names must be there and
    readable: a missing one is an error listed with the rest, never a silent gap. Without
    a descriptor, the standard HSDS file names are read where present."""
    package_name = f"{folder}datapackage.json"
    paths = dict(FILE_OF_TABLE)
    if files.has(package_name):
        package = _descriptor(files, package_name, limits, report)
        if package.get("language") in content_languages():
            language = package["language"]
        for index, resource in enumerate(package.get("resources") or []):
            where = (package_name, f"/resources/{index}")
            if not isinstance(resource, dict):
                report.error(where, "", _("Expected an object."))
                continue
            path = str(resource.get("path") or "")
            if resource.get("name") not in TABLES:
                report.warn(where, "name", _("Not an HSDS table: not imported."))
                continue
            if not path or ".." in path or path.startswith("/") or "://" in path:
                report.error(
                    where, "path", _("A resource needs the path of a file in the package.")
                )
                continue
            paths[resource["name"]] = path
            if not files.has(f"{folder}{path}"):
                report.error(
                    where,
                    "path",
                    _("The descriptor names %(file)s, which is not in the package.")
                    % {"file": path},
                )
    tables = {}
    for table, path in paths.items():
        name = f"{folder}{path}"
        tables[table] = []
        if not files.has(name):
            continue
        try:
            tables[table] = read_csv(name, files.read(name), table, limits, report)
        except ImportFailed as failed:
            for issue in failed.issues:
                report.error((issue.file, issue.where), issue.field, issue.message)
    report.raise_if_errors()
    if not tables["service"] and not tables["organization"] and not tables["taxonomy_term"]:
        raise ImportFailed(
            [Issue(package_name, "", "", _("The package holds no services or organisations."))]
        )
    return nest(tables, language)


def _descriptor(files: Files, name: str, limits: Limits, report: Report) -> dict:
    try:
        package = parse_json(name, files.read(name), limits)
    except ImportFailed as failed:
        for issue in failed.issues:
            report.error((issue.file, issue.where), issue.field, issue.message)
        report.raise_if_errors()
    if not isinstance(package, dict):
        raise ImportFailed([Issue(name, "/", "", _("Expected an object."))])
    return package


def _by(rows, key):
    grouped = {}
    for row in rows:
        if row.get(key) is not None:
            grouped.setdefault(str(row[key]), []).append(row)
    return grouped


def nest(tables: dict[str, list[dict]], language: str) -> Bundle:
    """The nested service documents the tables describe (``tabular.service_rows`` reversed)."""
    for table in tabular.NAMED_DESCRIPTION:
        for row in tables.get(table, []):
            if row.get("description") is not None and row.get("description") == row.get("name"):
                del row["description"]  # the export's stand-in for "no description"
    languages_of = {
        key: _by(tables["language"], key) for key in ("service_id", "phone_id", "contact_id")
    }
    for kind, key in (("phone", "phone_id"), ("contact", "contact_id")):
        for row in tables[kind]:
            row["languages"] = languages_of[key].get(str(row.get("id")), [])
    terms = {str(t.get("id")): t for t in tables["taxonomy_term"]}
    taxonomies = {str(t.get("id")): t for t in tables["taxonomy"]}
    for term in tables["taxonomy_term"]:
        if str(term.get("taxonomy_id")) in taxonomies:
            term.setdefault("taxonomy_detail", taxonomies[str(term["taxonomy_id"])])
    for attribute in tables["attribute"]:
        term = terms.get(str(attribute.get("taxonomy_term_id")))
        if term is not None:
            attribute["taxonomy_term"] = term
    addresses = _by(tables["address"], "location_id")
    accessibility = _by(tables["accessibility"], "location_id")
    locations = {}
    for location in tables["location"]:
        key = str(location.get("id"))
        location["addresses"] = addresses.get(key, [])
        location["accessibility"] = accessibility.get(key, [])
        locations[key] = location
    for link in tables["service_at_location"]:
        location = locations.get(str(link.get("location_id")))
        if location is not None:
            link["location"] = location
    nested = {
        "phones": _by(tables["phone"], "service_id"),
        "contacts": _by(tables["contact"], "service_id"),
        "schedules": _by(tables["schedule"], "service_id"),
        "service_areas": _by(tables["service_area"], "service_id"),
        "languages": languages_of["service_id"],
        "cost_options": _by(tables["cost_option"], "service_id"),
        "attributes": _by(tables["attribute"], "link_id"),
        "service_at_locations": _by(tables["service_at_location"], "service_id"),
    }
    for service in tables["service"]:
        key = str(service.get("id"))
        for name, grouped in nested.items():
            service[name] = grouped.get(key, [])
    return Bundle(
        language=language,
        form="tabular",
        services=tables["service"],
        organizations=tables["organization"],
        taxonomies=tables["taxonomy"],
        taxonomy_terms=tables["taxonomy_term"],
    )
