"""Fresh planner statistics after a bulk write (PostgreSQL).

After tens of thousands of new rows, PostgreSQL plans with the old row counts until
autovacuum's next analyze, which can be minutes away (or never, where autovacuum is
off): a query on organisations with published services then ran for more than 16
minutes after a 100 000-service import. The generator and large imports analyze the
listing tables themselves.
"""

from django.db import connection

from .models import (
    Channel,
    Location,
    OpeningPeriod,
    Organization,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceSearch,
)

LISTING_MODELS = (
    Organization,
    Service,
    Channel,
    OpeningPeriod,
    Location,
    ServiceArea,
    ServiceLanguage,
    ServiceAtLocation,
    Service.terms.through,
    Channel.languages.through,
    ScheduleException,
    ServiceSearch,
)


def analyze_listings() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in LISTING_MODELS))
