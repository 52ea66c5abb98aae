import pytest

from .support import all_pks


@pytest.fixture
def pks(demo):
    """Every demo service id, in id order."""
    return all_pks()
