"""A Redis cache that degrades to "no cache" when Redis is away (RR-5, decision 0004).

The public read path must depend only on the database: a stopped or paused Redis costs
speed, never a hotline page. Every method that reaches Redis is guarded, and an
unreachable Redis answers as an empty cache would: a miss, nothing stored, ``ValueError``
from ``incr`` (no such key). Django's async methods and ``get_or_set``/``incr_version``
go through these, so they degrade too.

After a failure Redis is left alone for ``RETRY_AFTER`` seconds: a paused Redis would
otherwise cost each cache call its full socket timeout, several times per page.
"""

import contextlib
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class CacheUnavailable(Exception):
    """Redis failed, or failed a moment ago; the caller answers as for an empty cache."""


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def _call(self, method, *args):
        if time.monotonic() < self._down_until:
            raise CacheUnavailable
        try:
            return method(*args)
        except (RedisError, OSError) as error:
            self._down_until = time.monotonic() + self.retry_after
            # The error's type only: its text may carry a key or a host.
            logger.warning("cache unavailable for %s s: %s", self.retry_after, type(error).__name__)
            raise CacheUnavailable from error

    def get(self, key, default=None, version=None):
        try:
            return self._call(super().get, key, default, version)
        except CacheUnavailable:
            return default

    def get_many(self, keys, version=None):
        try:
            return self._call(super().get_many, keys, version)
        except CacheUnavailable:
            return {}

    def has_key(self, key, version=None):
        try:
            return self._call(super().has_key, key, version)
        except CacheUnavailable:
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with contextlib.suppress(CacheUnavailable):
            self._call(super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().set_many, data, timeout, version)
        except CacheUnavailable:
            return list(data)  # Django's answer: the keys that were not stored

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().add, key, value, timeout, version)
        except CacheUnavailable:
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().touch, key, timeout, version)
        except CacheUnavailable:
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return self._call(super().incr, key, delta, version)
        except CacheUnavailable:
            # What an empty cache says; callers such as rate limiters already handle it.
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from None

    def delete(self, key, version=None):
        try:
            return self._call(super().delete, key, version)
        except CacheUnavailable:
            return False

    def delete_many(self, keys, version=None):
        with contextlib.suppress(CacheUnavailable):
            self._call(super().delete_many, keys, version)

    def clear(self):
        try:
            return self._call(super().clear)
        except CacheUnavailable:
            return False
