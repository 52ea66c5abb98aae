"""Fixtures for the HSDS tests: the official schemas and a crawlable API."""

import pytest


@pytest.fixture
def hsds_schema(shared_dir):
    return shared_dir / "hsds-3.0" / "schema"


@pytest.fixture
def hsds_examples(shared_dir):
    return shared_dir / "hsds-3.0" / "examples"


# The curation cast (coordinator, editor_a, ...) for the import tests.
from tests.curation.conftest import (  # noqa: E402, F401
    _fast_password_hashing,
    administrator,
    coordinator,
    editor_a,
    manager_a,
    partner_a,
    partner_b,
    staff_client,
)


@pytest.fixture
def second_coordinator(db):
    from apps.curation.models import StaffProfile
    from tests.curation.conftest import make_staff

    return make_staff("coordinator_two", StaffProfile.Role.COORDINATOR)


@pytest.fixture(autouse=True)
def _import_jobs_in_process(in_process_tasks):
    """Import jobs run inside the test even where CI configures a broker with no worker."""
