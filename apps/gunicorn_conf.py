"""Gunicorn settings for the production image (``gunicorn -c apps/gunicorn_conf.py``).

Privacy first (QE-17, SR-17): the access log records the time, method, path without its
query string, protocol, status, size and duration, and nothing else: no client address,
no query string, no Referer, no user agent, no raw request line. Gunicorn's own error log
names the client address and the full URI in a few messages; a filter removes them. The
``Server`` header names no product and no version.

Environment:
- ``WEB_CONCURRENCY``: worker processes (default: 2 x cores + 1, at most 8).
- ``GUNICORN_TIMEOUT``: seconds before a silent worker is restarted (default 30).
- ``FORWARDED_ALLOW_IPS``: proxies trusted for X-Forwarded-* (default 127.0.0.1,::1).
- ``LOG_LEVEL``: gunicorn's error-log level (default info).
"""

import logging
import os
import re

import gunicorn
import gunicorn.http.wsgi

MAX_DEFAULT_WORKERS = 8


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number; got {raw!r}.") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1; got {value}.")
    return value


def default_workers() -> int:
    """2 x usable cores + 1, capped: each worker holds its own database connection."""
    try:
        cores = len(os.sched_getaffinity(0))  # honours a container's cpuset
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(2, min(2 * cores + 1, MAX_DEFAULT_WORKERS))


# --- Server socket and workers ------------------------------------------------------
bind = "0.0.0.0:8000"
workers = _positive_int("WEB_CONCURRENCY", default_workers())
worker_class = "sync"
timeout = _positive_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Load Django once in the master: a recycled worker is a fork, ready in milliseconds,
# not a second-long import during which its queued visitors wait (measured by make bench).
# Safe because Django opens no database connection at import.
preload_app = True
# The heartbeat file lives in memory: a container's overlay filesystem can stall it.
SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice for containers
if os.path.isdir(SHM):
    worker_tmp_dir = SHM
# The web process is managed by the container runtime, not by gunicornc.
control_socket_disable = True
proc_name = "web"

# TLS ends at the reverse proxy (docs/deploy.md); only it may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logging (QE-17) ------------------------------------------------------------------
accesslog = "-"  # stdout
errorlog = "-"  # stderr
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# t: time, m: method, U: path without query string, H: protocol, s: status,
# b: response size, M: duration in ms. Deliberately absent: h (client address),
# r (request line, carries the query string), q (query string), f (Referer),
# a (user agent), u (user name), and any {header}i / {variable}e atom.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

# --- No product or version in the Server header (SR-17) --------------------------------
# Gunicorn always sends a Server header, with the value of gunicorn.SERVER. The response
# class reads the name it imported, so both are set; the value names nothing.
SERVER_HEADER = "web"
gunicorn.SERVER = SERVER_HEADER
gunicorn.SERVER_SOFTWARE = SERVER_HEADER
gunicorn.http.wsgi.SERVER = SERVER_HEADER
gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_HEADER


class ScrubClientDetails(logging.Filter):
    """Remove client addresses and query strings from gunicorn's own log messages.

    Gunicorn logs "Invalid request from ip=...: ..." and "Error handling request <uri>";
    the address and the query string (which may hold a search term) must not be kept.
    """

    _IP_FIELD = re.compile(r"\bip=\S+?(?=:\s|\s|$)")
    _QUERY = re.compile(r"\?[^\s\"']*")
    # A path may hold any decoded byte: a CR/LF in it would start a forged log line.
    _CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

    def scrub(self, text: str) -> str:
        text = self._IP_FIELD.sub("ip=[hidden]", text)
        text = self._QUERY.sub("", text)
        return self._CONTROL.sub(lambda match: repr(match.group())[1:-1], text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as its template
            message = str(record.msg)
        record.msg = self.scrub(message)
        record.args = None
        return True


def install_log_scrubber() -> None:
    """Attach the filter once to gunicorn's loggers (it survives gunicorn's log setup)."""
    for name in ("gunicorn.error", "gunicorn.access"):
        logger = logging.getLogger(name)
        # Compared by name: gunicorn may load this file more than once (on reload).
        if not any(type(f).__name__ == ScrubClientDetails.__name__ for f in logger.filters):
            logger.addFilter(ScrubClientDetails())


install_log_scrubber()


def post_fork(server, worker):
    """Gunicorn hook: make sure every worker has the filter, whatever the import order."""
    install_log_scrubber()
