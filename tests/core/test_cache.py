"""Public pages keep working when Redis is down (RR-5)."""

import pytest
from django.core.cache import caches


@pytest.fixture
def dead_redis(settings):
    # A port where nothing listens: the cache must degrade, not fail.
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    # Django's setting_changed signal rebuilds the cache handlers from the new setting.
    assert caches["default"].get("anything", "fallback") == "fallback"


def test_public_pages_answer_with_redis_unreachable(client, demo, dead_redis):
    for path in ("/en/", "/en/r/fr/", "/en/safety/"):
        assert client.get(path).status_code == 200, path
    assert "Demonstration data" in client.get("/en/").content.decode()


def test_cache_round_trips_through_the_real_redis(redis_url, settings):
    from apps.core.cache import ResilientRedisCache

    cache = ResilientRedisCache(redis_url, {})
    cache.set("waymark-test-key", "value", 10)
    assert cache.get("waymark-test-key") == "value"
    cache.delete("waymark-test-key")
    assert cache.get("waymark-test-key") is None
