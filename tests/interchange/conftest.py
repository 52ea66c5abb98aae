"""Fixtures for the HSDS tests: the official schemas and a crawlable API."""

import pytest


@pytest.fixture
def hsds_schema(shared_dir):
    return shared_dir / "hsds-3.0" / "schema"


@pytest.fixture
def hsds_examples(shared_dir):
    return shared_dir / "hsds-3.0" / "examples"
