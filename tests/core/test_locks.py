"""The locked requirements carry hashes and are installed with them (SR-23; issue #18
item 7): a substituted package stops the install, and `make audit` (pip-audit
--disable-pip, which needs hashed requirements) can run where its database is reachable."""

import re

import pytest

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)(.*?)(?=^\S|\Z)", re.M | re.S)


def pins(name: str) -> dict[str, tuple[str, list[str]]]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {
        package.lower(): (version, re.findall(r"--hash=sha256:([0-9a-f]{64})", rest))
        for package, version, rest in PIN.findall(text)
    }


@pytest.mark.parametrize("lock", ["base.lock", "dev.lock"])
def test_every_locked_package_has_its_hashes(lock):
    locked = pins(lock)
    assert len(locked) > 30
    unhashed = sorted(package for package, (_v, hashes) in locked.items() if not hashes)
    assert not unhashed, f"{lock}: no hash for {unhashed}"


def test_the_dev_lock_pins_the_runtime_packages_at_the_same_versions():
    base, dev = pins("base.lock"), pins("dev.lock")
    different = {p: (v, dev[p][0]) for p, (v, _h) in base.items() if dev.get(p, (v,))[0] != v}
    assert not different


def test_the_image_and_make_install_require_the_hashes():
    assert (
        "pip install --no-cache-dir --require-hashes -r requirements/base.lock"
        in (ROOT / "Dockerfile").read_text()
    )
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*--require-hashes -r requirements/dev\.lock", makefile)
    assert "pip-audit --strict --disable-pip -r requirements/base.lock" in makefile
