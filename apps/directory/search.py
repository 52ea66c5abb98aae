"""Free-text search (D3) over every language of a listing's public text.

PostgreSQL: full-text search, each language's columns with its own text-search
configuration plus ``simple`` (so a word matches in any language), ranked with names
above descriptions, and trigram word similarity on names for misspellings. The words
live in a stored, GIN-indexed document per service (``ServiceSearch``) that database
triggers keep equal to the service and its organisation, so a search reads an index
instead of rebuilding 12 languages' vectors for every row (docs/performance.md).
Elsewhere (the SQLite demo): case-insensitive containment of each word.

Only public fields of services and organisations are searched: never location
addresses, names of hidden places or anything confidential (SR-2).
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Value

# PostgreSQL's text-search configurations by interface language; the rest use "simple".
TEXT_SEARCH_CONFIG = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "ar": "arabic",
}
NAME_FIELDS = ("name", "alternate_name")
TEXT_FIELDS = ("description", "eligibility_description", "application_process")
MAX_QUERY_LENGTH = 200
# How alike a misspelt word must be to a word of a name (pg_trgm word similarity).
WORD_SIMILARITY = 0.5
# Fewer word matches than this and misspellings are looked for too.
FEW_MATCHES = 5


def config_for(language_code: str) -> str:
    return TEXT_SEARCH_CONFIG.get(language_code, "simple")


def language_codes() -> list[str]:
    return [code.replace("-", "_") for code, _name in settings.LANGUAGES]


def _columns(fields, prefix=""):
    return [f"{prefix}{field}_{code}" for field in fields for code in language_codes()]


# A search answers at most this many ids (ten pages of results).
MAX_RESULTS = 200


def search_service_ids(
    query: str, language: str, *, among=None, where=None, region=None, read_meaning: bool = True
) -> list[int]:
    """Ids of published services matching the query, best first (at most MAX_RESULTS).

    ``among`` narrows to a queryset of services (the filters); ``where`` to a condition
    on the search table (``ServiceFilter.search_conditions()``, PostgreSQL: the filters
    in the same statement as the words); ``region`` to the services whose areas cover
    it. The query is first read for a place and for kinds of help (``understanding.py``):
    a place narrows the area when no region was chosen; kinds of help add the services
    that have them, after those the words found; words that find nothing are tried again
    with one-letter misspellings corrected. ``read_meaning=False`` (the HSDS API) matches
    the words only.
    """
    from .understanding import Meaning, corrected, understand

    meaning = understand(query) if read_meaning else Meaning(words=query)
    area = region if region is not None else meaning.place
    found: list[int] = []
    if meaning.words.strip():
        found = _word_search(meaning.words, language, among, where, area)
        if not found and read_meaning:
            fixed = corrected(meaning.words)
            if fixed:
                found = _word_search(fixed, language, among, where, area)
    extra = None
    if meaning.term_ids:
        extra = _services(among, where, area).filter(terms__in=meaning.term_ids)
    elif not meaning.words.strip() and meaning.place is not None:
        extra = _services(among, where, area)  # only a place: everything that serves it
    if extra is not None:
        seen = set(found)
        more = extra.order_by("name", "pk").values_list("pk", flat=True).distinct()
        found += [pk for pk in more[:MAX_RESULTS] if pk not in seen]
    return found[:MAX_RESULTS]


def _services(among, where, area):
    from .models import Service, ServiceSearch

    services = Service.objects.published()
    if among is not None:
        services = services.filter(pk__in=among.values("pk"))
    if where is not None:
        services = services.filter(pk__in=ServiceSearch.objects.filter(where).values("pk"))
    if area is not None:
        services = services.serving(area)
    return services


def _word_search(words, language, among, where, area) -> list[int]:
    if connection.vendor == "postgresql":
        return _postgres_search(words, language, among, where, area)
    return list(_simple_search(words, among, area)[:MAX_RESULTS])


def _simple_search(query, among, region):
    from .models import Service

    services = Service.objects.published()
    if among is not None:
        services = services.filter(pk__in=among.values("pk"))
    if region is not None:
        services = services.serving(region)
    columns = _columns(NAME_FIELDS + TEXT_FIELDS) + _columns(("name",), "organization__")
    for word in query.split()[:10]:
        services = services.filter(reduce(or_, (Q(**{f"{c}__icontains": word}) for c in columns)))
    return services.order_by("name", "pk").values_list("pk", flat=True)


def _postgres_search(query, language, among, where, region) -> list[int]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    from .models import ServiceSearch

    search_query = SearchQuery(query, config=config_for(language), search_type="websearch") | (
        SearchQuery(query, config="simple", search_type="websearch")
    )
    # One table, through its indexes: publication, service areas and the filters are
    # kept in it (docs/performance.md), so a filtered search is one statement.
    entries = ServiceSearch.objects.filter(published=True)
    if region is not None:
        entries = entries.filter(area_ids__overlap=[0, *(r.pk for r in region.lineage())])
    filtered = entries
    if where is not None:
        filtered = filtered.filter(where)
    if among is not None:
        # Checked per match (a correlated EXISTS): the filters are never computed over the
        # whole directory, only for the services the words found.
        filtered = filtered.filter(Exists(among.filter(pk=OuterRef("service_id"))))

    def ranked(words, *ordering):
        # Names first, then a stable order; the large document is only read via its index.
        return list(
            words.annotate(rank=SearchRank(F("names_document"), search_query))
            .order_by(*ordering, "title", "service_id")
            .values_list("service_id", flat=True)[:MAX_RESULTS]
        )

    found = ranked(filtered.filter(document=search_query), "-rank")
    if len(found) >= FEW_MATCHES:
        return found
    # Are the words real words here? Asked of the area only, not of the filters: words
    # that many listings use are spelt right even when the filters leave few of them.
    if filtered is not entries:
        in_area = entries.filter(document=search_query).values_list("pk", flat=True)
        if len(in_area[:FEW_MATCHES]) >= FEW_MATCHES:
            return found
    # Few or no words match: perhaps a misspelling, so look for names that look alike.
    # Only then, because a trigram scan costs far more than the word index. The few
    # word matches are named by id: matching the words again row by row would read
    # every candidate's whole document.
    alike = filtered.filter(Q(pk__in=found) | Q(names__trigram_word_similar=query)).annotate(
        similarity=TrigramWordSimilarity(Value(query), F("names"))
    )
    return ranked(alike, "-rank", "-similarity")


def set_similarity_threshold(sender, connection, **kwargs):
    """Each new PostgreSQL connection uses our misspelling threshold for ``%>``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY])


# --- The stored index (PostgreSQL) ----------------------------------------------------


def _vectors(columns_by_code: dict, weight: str) -> list[str]:
    parts = []
    for code, columns in columns_by_code.items():
        for config in sorted({config_for(code.replace("_", "-")), "simple"}):
            text = "concat_ws(' ', " + ", ".join(columns) + ")"
            parts.append(f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')")
    return parts


def _names_by_code(service: str, organization: str) -> dict:
    return {
        code: [f"{service}.{f}_{code}" for f in NAME_FIELDS] + [f"{organization}.name_{code}"]
        for code in language_codes()
    }


def _document_sql(service: str, organization: str) -> str:
    texts = {code: [f"{service}.{f}_{code}" for f in TEXT_FIELDS] for code in language_codes()}
    return " || ".join(_vectors(_names_by_code(service, organization), "A") + _vectors(texts, "B"))


def _names_document_sql(service: str, organization: str) -> str:
    # For ranking only: every language's names as plain words, without positions, so
    # the row stays small enough to rank thousands of matches from memory.
    names = [c for columns in _names_by_code(service, organization).values() for c in columns]
    return "strip(to_tsvector('simple'::regconfig, concat_ws(' ', " + ", ".join(names) + ")))"


def _names_sql(service: str) -> str:
    return "concat_ws(' ', " + ", ".join(f"{service}.name_{c}" for c in language_codes()) + ")"


def _title_sql(service: str) -> str:
    names = ", ".join(f"NULLIF({service}.name_{c}, '')" for c in language_codes())
    return f"COALESCE({names}, '')"


def _published_sql(service: str, organization: str) -> str:
    return f"({service}.status = 'published' AND {organization}.status = 'published')"


def _areas_sql(service_id: str) -> str:
    # 0 stands for "anywhere" (an international service area).
    return (
        "ARRAY(SELECT COALESCE(a.region_id, 0) FROM directory_servicearea a "  # noqa: S608
        f"WHERE a.service_id = {service_id} AND (a.scope = 'international' "
        "OR a.region_id IS NOT NULL))"
    )


def _filters_sql(service_id: str) -> dict[str, str]:
    """What the public filters ask of a service, as columns of its search row."""
    channels = f"directory_channel c WHERE c.service_id = {service_id}"  # noqa: S608
    return {
        "language_ids": (
            "ARRAY(SELECT l.language_id FROM directory_servicelanguage l "  # noqa: S608
            f"WHERE l.service_id = {service_id} UNION SELECT cl.language_id "
            "FROM directory_channel_languages cl JOIN directory_channel c "
            f"ON c.id = cl.channel_id WHERE c.service_id = {service_id})"
        ),
        "term_ids": (
            "ARRAY(SELECT t.taxonomyterm_id FROM directory_service_terms t "  # noqa: S608
            f"WHERE t.service_id = {service_id})"
        ),
        "channel_kinds": f"ARRAY(SELECT DISTINCT c.kind FROM {channels})",  # noqa: S608
        "always_open": f"EXISTS(SELECT 1 FROM {channels} AND c.is_24_7)",  # noqa: S608
    }


def _upsert_sql(source: str) -> str:
    # Built from fixed identifiers (settings.LANGUAGES and field names), never from input.
    filters = _filters_sql("s.id")
    columns = ", ".join(filters)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in filters)
    return (
        "INSERT INTO directory_servicesearch "  # noqa: S608
        "(service_id, document, names_document, names, title, published, area_ids, "
        f"is_free, {columns}) "
        f"SELECT s.id, {_document_sql('s', 'o')}, {_names_document_sql('s', 'o')}, "
        f"{_names_sql('s')}, {_title_sql('s')}, {_published_sql('s', 'o')}, {_areas_sql('s.id')}, "
        f"s.is_free, {', '.join(filters.values())} "
        f"FROM {source} "
        "ON CONFLICT (service_id) DO UPDATE SET document = EXCLUDED.document, "
        "names_document = EXCLUDED.names_document, names = EXCLUDED.names, "
        "title = EXCLUDED.title, published = EXCLUDED.published, area_ids = EXCLUDED.area_ids, "
        f"is_free = EXCLUDED.is_free, {updates}"
    )


def _filters_update_sql(changed: str) -> str:
    """Refresh the filter columns of the services whose ids ``changed`` (a SELECT) lists."""
    sets = ", ".join(f"{column} = {sql}" for column, sql in _filters_sql("x.service_id").items())
    return (
        f"UPDATE directory_servicesearch x SET {sets} "  # noqa: S608
        f"WHERE x.service_id IN ({changed})"
    )


# A week in seconds; WeeklyOpening rows lie within [0, WEEK).
WEEK = 7 * 86400


def _weekly_sql(channels: str) -> list[str]:
    """Rebuild the WeeklyOpening rows of the channels whose ids ``channels`` (a SELECT)
    lists, from their weekly periods, the channel and its service (the same rules as
    ``Channel.intervals_on``, without the dated exceptions)."""
    seconds = "(p.weekday * 86400 + EXTRACT(EPOCH FROM p.{0})::int)"
    opens, closes = seconds.format("opens"), seconds.format("closes")
    # Past midnight: it closes the next day.
    ends = f"({closes} + CASE WHEN p.closes <= p.opens THEN 86400 ELSE 0 END)"
    known = (
        "JOIN directory_service s ON s.id = c.service_id "
        f"WHERE c.id IN ({channels}) AND waymark_known_zone(s.time_zone)"
    )
    holidays = "CASE WHEN c.closed_on_public_holidays THEN s.holiday_region_id END"
    periods = (
        f"SELECT s.id AS service_id, c.id AS channel_id, p.weekday AS day, {opens} AS starts, "  # noqa: S608
        f"{ends} AS ends, s.time_zone, {holidays} AS holiday_region_id "
        "FROM directory_openingperiod p JOIN directory_channel c ON c.id = p.channel_id "
        f"{known} AND c.is_24_7 IS NOT TRUE"
    )
    always = (
        "SELECT s.id, c.id, d, d * 86400, (d + 1) * 86400, s.time_zone, NULL::bigint "  # noqa: S608
        f"FROM directory_channel c CROSS JOIN generate_series(0, 6) d {known} AND c.is_24_7"
    )
    return [
        f"DELETE FROM directory_weeklyopening WHERE channel_id IN ({channels})",  # noqa: S608
        "INSERT INTO directory_weeklyopening "  # noqa: S608
        "(service_id, channel_id, day, starts, ends, time_zone, holiday_region_id) "
        f"WITH found AS ({periods} UNION ALL {always}) "
        f"SELECT service_id, channel_id, day, starts, LEAST(ends, {WEEK}), time_zone, "
        "holiday_region_id FROM found UNION ALL "
        # Past Sunday midnight: the rest of the night at the start of the week.
        f"SELECT service_id, channel_id, day, 0, ends - {WEEK}, time_zone, holiday_region_id "
        f"FROM found WHERE ends > {WEEK}",
    ]


def _areas_update_sql(changed: str) -> str:
    # Only existing rows are updated: while a service is being deleted its areas go
    # first, and re-creating its search row then would block the deletion.
    return (
        f"UPDATE directory_servicesearch x SET area_ids = {_areas_sql('x.service_id')} "  # noqa: S608
        f"WHERE x.service_id IN (SELECT service_id FROM {changed})"
    )


# Single-column indexes of the first version, replaced by the two-column ones.
REPLACED_INDEXES = (
    "directory_servicesearch_document",
    "directory_servicesearch_names",
    "directory_servicesearch_areas",
)


def index_sql() -> list[str]:
    """SQL that creates the search indexes and the triggers that keep them current.

    Run again (in a new migration) whenever LANGUAGES or the searched fields change;
    ``CREATE OR REPLACE`` makes it safe to repeat, and the last statement reindexes.
    """
    services = "new_rows s JOIN directory_organization o ON o.id = s.organization_id"
    organizations = "directory_service s JOIN new_rows o ON o.id = s.organization_id"
    statements = [
        # Areas and words in one GIN index each: a search in a region intersects the
        # two inside the index, instead of rechecking the words of every listing serving
        # the region (large documents, slow to read). Either column alone uses it too.
        *(f"DROP INDEX IF EXISTS {name}" for name in REPLACED_INDEXES),
        "CREATE INDEX IF NOT EXISTS directory_servicesearch_words_in_area "
        "ON directory_servicesearch USING gin (area_ids, document) WHERE published",
        "CREATE INDEX IF NOT EXISTS directory_servicesearch_names_in_area "
        "ON directory_servicesearch USING gin (area_ids, names gin_trgm_ops) WHERE published",
        # Hours in a time zone PostgreSQL does not know (or none) are never "open".
        """CREATE OR REPLACE FUNCTION waymark_known_zone(zone text) RETURNS boolean
            LANGUAGE plpgsql STABLE AS $$ BEGIN
            IF zone IS NULL OR zone = '' THEN RETURN false; END IF;
            PERFORM now() AT TIME ZONE zone; RETURN true;
            EXCEPTION WHEN others THEN RETURN false; END $$""",
        f"""CREATE OR REPLACE FUNCTION waymark_service_search() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN {_upsert_sql(services)}; RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION waymark_organization_search() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN {_upsert_sql(organizations)}; RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION waymark_area_search_new() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN {_areas_update_sql("new_rows")}; RETURN NULL; END $$""",
        f"""CREATE OR REPLACE FUNCTION waymark_area_search_old() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN {_areas_update_sql("old_rows")}; RETURN NULL; END $$""",
    ]
    # Statement-level triggers with transition tables: a bulk insert of thousands of
    # services is indexed in one set-based statement, not row by row.
    triggers = [
        ("service_search_insert", "INSERT", "directory_service", "NEW", "service_search"),
        ("service_search_update", "UPDATE", "directory_service", "NEW", "service_search"),
        (
            "organization_search_update",
            "UPDATE",
            "directory_organization",
            "NEW",
            "organization_search",
        ),
        ("area_search_insert", "INSERT", "directory_servicearea", "NEW", "area_search_new"),
        ("area_search_update", "UPDATE", "directory_servicearea", "NEW", "area_search_new"),
        ("area_search_update_old", "UPDATE", "directory_servicearea", "OLD", "area_search_old"),
        ("area_search_delete", "DELETE", "directory_servicearea", "OLD", "area_search_old"),
    ]
    # The filter columns and the weekly hours (issue #20): a function per table and
    # transition, named after them, that refreshes the services or channels it touched.
    channel_services = (
        "SELECT c.service_id FROM directory_channel c WHERE c.id IN (SELECT channel_id FROM {rows})"
    )
    refreshed = {  # table: (its services, its channels), each a SELECT of ids or None
        "directory_servicelanguage": ("SELECT service_id FROM {rows}", None),
        "directory_service_terms": ("SELECT service_id FROM {rows}", None),
        "directory_channel": ("SELECT service_id FROM {rows}", "SELECT id FROM {rows}"),
        "directory_channel_languages": (channel_services, None),
        "directory_openingperiod": (None, "SELECT channel_id FROM {rows}"),
        # A new time zone or holiday region moves its channels' hours.
        "directory_service": (
            None,
            "SELECT c.id FROM directory_channel c WHERE c.service_id IN (SELECT id FROM {rows})",
        ),
    }
    for table, (services, channels) in refreshed.items():
        for transition in ("NEW", "OLD"):
            if table == "directory_service" and transition == "OLD":
                continue  # a deleted service's channels are deleted first
            rows = "new_rows" if transition == "NEW" else "old_rows"
            function = f"{table.removeprefix('directory_')}_filters_{transition.lower()}"
            body = []
            if services:
                body.append(_filters_update_sql(services.format(rows=rows)))
            if channels and table == "directory_channel" and transition == "OLD":
                body.append(  # deleted channels: their hours go with them
                    "DELETE FROM directory_weeklyopening WHERE channel_id IN "  # noqa: S608
                    f"(SELECT id FROM {rows}) AND channel_id NOT IN "
                    "(SELECT id FROM directory_channel)"
                )
            elif channels:
                body += _weekly_sql(channels.format(rows=rows))
            statements.append(
                f"""CREATE OR REPLACE FUNCTION waymark_{function}() RETURNS trigger
                LANGUAGE plpgsql AS $$ BEGIN {"; ".join(body)}; RETURN NULL; END $$"""
            )
            events = ("INSERT", "UPDATE") if transition == "NEW" else ("UPDATE", "DELETE")
            if table == "directory_service":
                events = ("UPDATE",)
            for event in events:
                name = f"{function}_{event.lower()}"
                triggers.append((name, event, table, transition, function))
    statements.append(
        # The filters' columns, for a filtered list without words (the words' own index
        # serves a search, its matches then checked against these columns).
        "CREATE INDEX IF NOT EXISTS directory_servicesearch_filters "
        "ON directory_servicesearch USING gin (language_ids, term_ids, channel_kinds) "
        "WHERE published"
    )
    for name, event, table, transition, function in triggers:
        alias = "new_rows" if transition == "NEW" else "old_rows"
        statements += [
            f"DROP TRIGGER IF EXISTS waymark_{name} ON {table}",
            f"CREATE TRIGGER waymark_{name} AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS {alias} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION waymark_{function}()",
        ]
    statements.append(
        _upsert_sql("directory_service s JOIN directory_organization o ON o.id = s.organization_id")
    )
    statements += _weekly_sql("SELECT id FROM directory_channel")
    return statements


def install_index(apps, schema_editor):
    """Migration step: the stored search index exists only on PostgreSQL."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in index_sql():
        schema_editor.execute(statement)
