"""Factories for directory objects (factory_boy)."""

import datetime as dt

import factory

from apps.directory.models import (
    Channel,
    Location,
    OpeningPeriod,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceArea,
)
from apps.directory.models.organizations import PublicationStatus


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "FR"
    kind = Region.Kind.COUNTRY
    time_zone = "Europe/Paris"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    status = PublicationStatus.PUBLISHED


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    status = PublicationStatus.PUBLISHED
    time_zone = "Europe/Paris"

    @factory.post_generation
    def region(self, create, extracted, **kwargs):
        if create and extracted is not None:
            ServiceArea.objects.create(
                service=self, scope=ServiceArea.Scope.REGION, region=extracted
            )


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    service = factory.SubFactory(ServiceFactory)
    kind = Channel.Kind.VOICE
    number = "+33199001234"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningPeriod

    channel = factory.SubFactory(ChannelFactory)
    weekday = 0
    opens = dt.time(9)
    closes = dt.time(17)


class ExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleException

    channel = factory.SubFactory(ChannelFactory)
    date = dt.date(2026, 12, 24)
    closed = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.SubFactory(RegionFactory)
    name = "Place"
    visibility = Location.Visibility.PUBLIC


def national_line(name: str, number: str, country: str = "FR") -> Service:
    """A published national service of the demo's first organisation with one phone line
    (issue 21: priority lines need more national lines than the demo has)."""
    from apps.directory.models import Organization

    organization = Organization.objects.get(name="Example Safe Homes Network (fictional)")
    service = Service.objects.create(
        organization=organization, name_en=name, status=PublicationStatus.PUBLISHED
    )
    ServiceArea.objects.create(
        service=service, scope=ServiceArea.Scope.REGION, region=Region.objects.get(code=country)
    )
    Channel.objects.create(service=service, kind=Channel.Kind.VOICE, number=number)
    return service
