"""Priority lines (issue 21): the at most three services a coordinator puts first for a
country. They lead the "Get help now" strip of every region page of the country (D7) and
the discreet referral sheet (R3). Written only by apps.curation.services."""

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Channel, PriorityLine, Service

# Channels of a priority service shown in the strip: the ones a number can be dialled or
# texted on from the strip's tel:/sms: links.
STRIP_KINDS = (Channel.Kind.VOICE, Channel.Kind.SMS)


def help_now_lines(place, serving, limit: int) -> list[Channel]:
    """The strip, in one query: the numbers of the country's priority services first, in
    the coordinators' order, then the other "get help now" lines of services serving
    ``place`` (24/7 first), ``limit`` lines in all."""
    lines = PriorityLine.objects.filter(country=place.country)
    rank = Subquery(lines.filter(service=OuterRef("service")).values("position")[:1])
    priority = Q(service__in=lines.values("service"), kind__in=STRIP_KINDS) & ~Q(number="")
    chosen = priority | Q(get_help_now=True, service__in=serving.values("pk"))
    return list(
        Channel.objects.filter(chosen, service__in=Service.objects.published())
        .annotate(rank=Coalesce(rank, PriorityLine.MAX_PER_COUNTRY + 1))
        .select_related("service")
        .order_by(
            "rank",
            F("get_help_now").desc(),
            F("is_24_7").desc(nulls_last=True),
            "position",
            "pk",
        )[:limit]
    )


def priority_first(services: list[Service]) -> list[Service]:
    """The list with services that are a priority line (for any country) first, in their
    coordinators' order; the others keep their order."""
    ids = [service.pk for service in services]
    positions = {}
    for service_id, position in PriorityLine.objects.filter(service_id__in=ids).values_list(
        "service_id", "position"
    ):
        positions[service_id] = min(position, positions.get(service_id, position))
    return sorted(services, key=lambda s: positions.get(s.pk, PriorityLine.MAX_PER_COUNTRY + 1))
