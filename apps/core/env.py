"""Small readers of the environment that fail loudly on bad values.

Each returns the default when the variable is unset or empty; a default of ``None``
with ``required`` semantics is expressed by the caller passing ``None`` and checking.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None, *, choices: tuple[str, ...] | None = None) -> str:
    value = _raw(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set.")
        return default
    if choices and value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false; got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str] | None) -> list[str]:
    value = _raw(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set (comma-separated).")
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...] = ("https", "http")):
    value = _raw(name) or default
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ImproperlyConfigured(
            f"{name} must be a {'/'.join(schemes)} URL with a host; got {value!r}."
        )
    return value


_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$"
)


def env_origins(name: str) -> list[str]:
    """Comma-separated web origins (``https://partner.example.org``, a port allowed): no
    path, no wildcard, no quote, so that each can go into a CSP directive as it is."""
    origins = env_list(name, [])
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise ImproperlyConfigured(
                f"{name} must list origins such as https://partner.example.org "
                f"(scheme and host, no path or wildcard); got {origin!r}."
            )
    return [origin.lower() for origin in origins]


def env_database(name: str, *, default_sqlite: Path, required: bool, conn_max_age: int) -> dict:
    """PostgreSQL from a URL, or (for the demo and tests) a SQLite file under data/."""
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"{name} must point at PostgreSQL in production.")
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    scheme = urlsplit(value).scheme
    if scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"{name} must be a postgres:// URL; got scheme {scheme!r}.")
    config = dj_database_url.parse(value, conn_max_age=conn_max_age, conn_health_checks=True)
    config["ENGINE"] = "django.db.backends.postgresql"
    return config
