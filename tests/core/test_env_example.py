""".env.example is true and complete (issue #18 item 10): it names every variable the code
and the compose file read, nothing they do not, and does not set what compose overrides."""

import re

import yaml

from apps.core.pagecache import TIMEOUT
from tests.conftest import ROOT

EXAMPLE = ROOT / ".env.example"
# Read by the test suite only (tests/conftest.py), not by a deployment.
TEST_ONLY = {"WAYMARK_REQUIRE", "WAYMARK_CHROMIUM"}
READ = re.compile(
    r"""(?:env_\w+\(\s*|os\.environ\.get\(\s*|os\.environ\[\s*|_positive_int\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
)


def _read_by_code() -> set[str]:
    names = set()
    for path in (ROOT / "apps").rglob("*.py"):
        names |= set(READ.findall(path.read_text(encoding="utf-8")))
    names |= set(
        re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text())
    )
    return names - {"DJANGO_SETTINGS_MODULE"} - TEST_ONLY


def _example() -> tuple[dict, set[str]]:
    """Variables set in the file, and those only mentioned in comments (as ``NAME=``)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.M))
    commented = set(re.findall(r"^#\s*([A-Z][A-Z0-9_]*)=", text, re.M))
    return values, commented


def test_every_variable_the_code_reads_is_in_the_example():
    values, commented = _example()
    missing = _read_by_code() - set(values) - commented
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_the_example_names_nothing_the_code_does_not_read():
    values, commented = _example()
    per_language = {n for n in set(values) | commented if n.startswith("WAYMARK_NEUTRAL_URL_")}
    unknown = set(values) | commented - per_language
    assert not (unknown - _read_by_code() - per_language), sorted(unknown - _read_by_code())


def test_the_example_does_not_set_what_compose_overrides():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    fixed = {
        name
        for name, value in compose["x-app"]["environment"].items()
        if "${" not in str(value) or ":-" in str(value) and not str(value).startswith("${")
    }
    values, _commented = _example()
    assert not (fixed & set(values)), (
        f"docker-compose.yml sets these itself: {sorted(fixed & set(values))}"
    )


def test_the_example_says_how_long_pages_are_kept():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert f"{TIMEOUT // 60} minutes" in text
    assert "up to a minute" not in text
