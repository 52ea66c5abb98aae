"""A large, realistic and plainly fictional directory, for benchmarks (issue #9)."""

from .builder import DEFAULT_SEED, MAX_SERVICES, GenerationReport, generate_directory
from .places import COUNTRIES

__all__ = ["COUNTRIES", "DEFAULT_SEED", "MAX_SERVICES", "GenerationReport", "generate_directory"]
