"""The directory, aligned with Open Referral HSDS 3.0 names (see docs/data-model.md)."""

from .channels import Channel, OpeningPeriod, ScheduleException
from .languages import Language
from .organizations import (
    CostOption,
    Organization,
    PriorityLine,
    Service,
    ServiceArea,
    ServiceLanguage,
)
from .places import Location, ServiceAtLocation
from .regions import Region
from .search import ServiceSearch, WeeklyOpening
from .taxonomy import Taxonomy, TaxonomyTerm

__all__ = [
    "Channel",
    "CostOption",
    "Language",
    "Location",
    "OpeningPeriod",
    "Organization",
    "PriorityLine",
    "Region",
    "ScheduleException",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceLanguage",
    "ServiceSearch",
    "Taxonomy",
    "TaxonomyTerm",
    "WeeklyOpening",
]
