"""A small rate limiter on the Django cache, keyed without keeping anyone's address.

A client is known only by an HMAC of its address, salted with the secret key and today's
UTC date: the key changes every day, and neither the address nor anything that could be
turned back into it is stored or logged (SR-21). Counting uses fixed windows with
``cache.add`` and ``cache.incr``, which LocMem and Redis both do atomically enough for a
limiter (a burst at a window's edge may get up to twice the limit).

When the cache itself fails, ``RateLimitUnavailable`` is raised and the caller decides:
the read-only API fails open, a form that writes answers 503.
"""

import datetime as dt
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


class RateLimitUnavailable(Exception):
    """The cache that counts requests could not be reached."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the current window ends; 0 when allowed


def client_address(request) -> str:
    """The client's address as the app sees it; for keying only, never stored or logged.

    Behind the reverse proxy (docs/deploy.md) REMOTE_ADDR is the proxy itself, so the
    last X-Forwarded-For entry (the one the proxy wrote) names the client. Without a
    proxy that header is the client's own word and is ignored. IPv6 is keyed per /64,
    which one subscriber holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # set exactly when BEHIND_PROXY
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            address = forwarded.split(",")[-1].strip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_token(request, *, today: dt.date | None = None) -> str:
    """A daily-rotating pseudonym of the client; the same address gives another token tomorrow."""
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    return salted_hmac(
        f"apps.core.ratelimit:{day}", client_address(request), algorithm="sha256"
    ).hexdigest()[:32]


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds per client, for one ``scope``."""

    def __init__(self, scope: str, *, limit: int, window: int, cache_alias: str = "default"):
        if limit < 1 or window < 1:
            raise ValueError("limit and window must be positive")
        self.scope, self.limit, self.window, self.cache_alias = scope, limit, window, cache_alias

    def hit(self, request, *, now: float | None = None) -> Decision:
        """Count one request; raises ``RateLimitUnavailable`` if the cache fails."""
        now = time.time() if now is None else now
        slot = int(now // self.window)
        key = f"ratelimit:{self.scope}:{client_token(request)}:{slot}"
        retry_after = max(1, math.ceil((slot + 1) * self.window - now))
        try:
            count = self._increment(caches[self.cache_alias], key)
        except Exception as error:  # any cache failure means "cannot count"
            logger.warning("rate-limit store unavailable: %s", type(error).__name__)
            raise RateLimitUnavailable from error
        if count > self.limit:
            return Decision(allowed=False, retry_after=retry_after)
        return Decision(allowed=True, retry_after=0)

    def _increment(self, cache, key: str) -> int:
        # Expire a little after the window, so a slow clock never resets a count early.
        timeout = self.window + 5
        for _attempt in range(2):
            cache.add(key, 0, timeout)
            try:
                return cache.incr(key)
            except ValueError:  # expired between add and incr: start again
                continue
        raise RateLimitUnavailable("counter vanished twice")


def rate_limited(limiter, *, on_limited, on_unavailable=None):
    """View decorator: ``on_limited(request, decision)`` answers a client over its limit;
    ``on_unavailable(request)`` answers when the store is down, or, if None, the request
    goes through (fail open)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            current = limiter(request) if callable(limiter) else limiter
            try:
                decision = current.hit(request)
            except RateLimitUnavailable:
                if on_unavailable is None:
                    return view(request, *args, **kwargs)
                return on_unavailable(request)
            if not decision.allowed:
                response = on_limited(request, decision)
                response["Retry-After"] = str(decision.retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
