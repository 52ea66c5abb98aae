"""Priority lines (issue 21): the at most three services a coordinator puts first for a
country. They lead the "Get help now" strip of every region page of the country (D7) and
the discreet referral sheet (R3). Written only by apps.curation.services."""

from django.db.models import F

from .models import Channel, PriorityLine, Service

# Channels of a priority service shown in the strip: the ones a number can be dialled or
# texted on from the strip's tel:/sms: links.
STRIP_KINDS = (Channel.Kind.VOICE, Channel.Kind.SMS)


def priority_service_ids(country) -> list[int]:
    """The country's published priority services, in the coordinators' order."""
    return list(
        PriorityLine.objects.filter(country=country, service__in=Service.objects.published())
        .order_by("position")
        .values_list("service_id", flat=True)
    )


def help_now_lines(place, serving, limit: int) -> list[Channel]:
    """The strip: the priority services' numbers first (all of them), then the other
    "get help now" lines of services serving ``place``, up to ``limit`` lines in all."""
    first = priority_service_ids(place.country)
    lead = sorted(
        Channel.objects.filter(service_id__in=first, kind__in=STRIP_KINDS)
        .exclude(number="")
        .select_related("service"),
        key=lambda c: (first.index(c.service_id), not c.get_help_now, not c.is_24_7, c.position),
    )
    rest = list(
        Channel.objects.help_now()
        .filter(service__in=serving.values("pk"))
        .exclude(service_id__in=first)
        .select_related("service")
        .order_by(F("is_24_7").desc(nulls_last=True), "position", "pk")[: max(limit - len(lead), 0)]
    )
    return lead + rest


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
