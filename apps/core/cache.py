"""A Redis cache that degrades to "no cache" when Redis is away (RR-5).

The public read path must depend only on the database: a stopped or paused Redis costs
speed, never a hotline page.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)

    def _guard(self, default, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning("cache unavailable: %s", type(error).__name__)
            return default

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def clear(self):
        return self._guard(False, super().clear)

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.set(key, value, timeout, version)
        return value
