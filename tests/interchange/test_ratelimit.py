"""apps/core/ratelimit.py: per-client limits on the cache, without keeping addresses (SR-21).

(Tests of apps/core/ratelimit.py live here for now because the HSDS API is its first user.)
"""

import datetime as dt
import logging

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from apps.core.ratelimit import (
    RateLimiter,
    RateLimitUnavailable,
    client_address,
    client_token,
    rate_limited,
)

ADDRESS = "203.0.113.9"


def request_from(address=ADDRESS, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=address, **headers)


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert caches["default"].get("anything", "fallback") == "fallback"


def test_allows_the_limit_then_refuses_until_the_window_ends():
    limiter = RateLimiter("t", limit=3, window=60)
    start = 1_800_000_000.0  # a window boundary (divisible by 60)
    assert [limiter.hit(request_from(), now=start + i).allowed for i in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    refused = limiter.hit(request_from(), now=start + 50.5)
    assert not refused.allowed and refused.retry_after == 10
    assert limiter.hit(request_from(), now=start + 60).allowed, "a new window starts afresh"


def test_clients_and_scopes_are_counted_apart():
    limiter = RateLimiter("t", limit=1, window=60)
    now = 1_800_000_000.0
    assert limiter.hit(request_from(), now=now).allowed
    assert not limiter.hit(request_from(), now=now).allowed
    assert limiter.hit(request_from("198.51.100.4"), now=now).allowed
    assert RateLimiter("other", limit=1, window=60).hit(request_from(), now=now).allowed


def test_the_client_is_known_by_a_daily_hmac_never_by_its_address(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    RateLimiter("t", limit=5, window=60).hit(request_from())
    keys = list(caches["default"]._cache)  # LocMemCache keeps its keys here
    assert keys and not [k for k in keys if ADDRESS in k or "203-0-113" in k]
    today, tomorrow = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    token = client_token(request_from(), today=today)
    assert token == client_token(request_from(), today=today)
    assert token != client_token(request_from(), today=tomorrow), "rotates daily"
    assert token != client_token(request_from("203.0.113.10"), today=today)
    assert ADDRESS not in token and len(token) == 32


def test_the_salt_comes_from_the_secret_key(settings):
    before = client_token(request_from(), today=dt.date(2026, 3, 1))
    settings.SECRET_KEY = "another-secret-" * 4
    assert client_token(request_from(), today=dt.date(2026, 3, 1)) != before


def test_forwarded_address_is_trusted_only_behind_the_proxy(settings):
    forwarded = request_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.5")
    assert client_address(forwarded) == "127.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_address(forwarded) == "192.0.2.5", "the proxy's own entry, not the client's"
    assert client_address(request_from("127.0.0.1")) == "127.0.0.1"


def test_a_dead_store_raises_and_logs_no_address(dead_cache, caplog):
    limiter = RateLimiter("t", limit=5, window=60)
    with caplog.at_level(logging.WARNING), pytest.raises(RateLimitUnavailable):
        limiter.hit(request_from())
    assert "rate-limit store unavailable" in caplog.text
    assert ADDRESS not in caplog.text


def test_decorator_fails_open_or_closed_as_the_caller_chooses(dead_cache):
    limiter = RateLimiter("t", limit=1, window=60)

    def view(request):
        return HttpResponse("ok")

    def limited(request, decision):
        return HttpResponse("slow down", status=429)

    def unavailable(request):
        return HttpResponse("try later", status=503)

    open_view = rate_limited(limiter, on_limited=limited)(view)
    closed_view = rate_limited(limiter, on_limited=limited, on_unavailable=unavailable)(view)
    assert open_view(request_from()).status_code == 200
    assert closed_view(request_from()).status_code == 503


def test_decorator_answers_429_with_retry_after():
    limiter = RateLimiter("t", limit=1, window=30)
    guarded = rate_limited(limiter, on_limited=lambda request, decision: HttpResponse(status=429))(
        lambda request: HttpResponse("ok")
    )
    assert guarded(request_from()).status_code == 200
    response = guarded(request_from())
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 30


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter("t", limit=0, window=60)


def test_counts_in_a_real_redis(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "apps.core.cache.ResilientRedisCache", "LOCATION": redis_url}
    }
    limiter = RateLimiter("redis-test", limit=2, window=60)
    now = 1_900_000_000.0
    key = f"ratelimit:redis-test:{client_token(request_from())}:{int(now // 60)}"
    caches["default"].delete(key)
    try:
        assert [limiter.hit(request_from(), now=now).allowed for _ in range(3)] == [
            True,
            True,
            False,
        ]
        assert caches["default"].get(key) == 3
    finally:
        caches["default"].delete(key)
