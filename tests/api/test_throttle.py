"""The per-token throttle on a real Redis: one budget across processes, windows that reset, fail-open."""

import logging
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from bench.stack import free_port
from review.api import throttles
from review.api.throttles import TokenRateThrottle
from tests.api.conftest import token_client
from tests.conftest import ROOT


@pytest.fixture
def redis_caches(broker_url):
    """Make RedisCache clients on the test Redis, as separate processes would; their keys go afterwards.

    The test Redis database also carries the suite's Celery queue, so the
    clients share a key prefix of this test's own instead of flushing it.
    """
    prefix = f"claimdesk-test-throttle-{uuid.uuid4().hex[:12]}"

    def make() -> RedisCache:
        return RedisCache(broker_url, {"KEY_PREFIX": prefix})

    yield make
    client = redis.Redis.from_url(broker_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def token_request(token_key: str = "abcd1234"):
    """What the throttle reads of a request sent with a knox token."""
    return SimpleNamespace(auth=SimpleNamespace(token_key=token_key), user=None)


def throttle(cache, settings, rate: str, now: float | None = None) -> TokenRateThrottle:
    """The throttle of one request, on `cache`; its clock stopped at `now` when given."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": rate}}
    made = TokenRateThrottle()
    made.cache = cache
    if now is not None:
        made.timer = lambda: now
    return made


def minute_start() -> float:
    """The start of the current minute: a test's requests stamped a little after it share one window."""
    return time.time() // 60 * 60


def at_second_start() -> None:
    """Sleep to just after a second began, so the few requests that follow fall in that second."""
    time.sleep(1 - time.time() % 1 + 0.01)


@pytest.mark.redis
def test_two_processes_share_one_token_budget(redis_caches, settings):
    first, second = redis_caches(), redis_caches()
    request = token_request()
    now = minute_start() + 1

    allowed = [throttle(cache, settings, "4/minute", now).allow_request(request, None) for cache in [first, second] * 3]

    assert allowed == [True, True, True, True, False, False]
    assert throttle(first, settings, "4/minute", now).allow_request(token_request("other999"), None) is True


@pytest.mark.redis
def test_the_budget_is_full_again_in_the_next_window(redis_caches, settings):
    cache = redis_caches()
    request = token_request()
    at_second_start()

    before = [throttle(cache, settings, "2/second").allow_request(request, None) for _ in range(3)]
    at_second_start()
    after = [throttle(cache, settings, "2/second").allow_request(request, None) for _ in range(3)]

    assert before == [True, True, False]
    assert after == [True, True, False]


@pytest.mark.redis
def test_retry_after_is_the_rest_of_the_window(redis_caches, settings):
    cache = redis_caches()
    request = token_request()
    start = minute_start()

    allowed = throttle(cache, settings, "1/minute", start + 1.5).allow_request(request, None)
    refused = throttle(cache, settings, "1/minute", start + 2.5)  # the window ends in 57.5 s

    assert (allowed, refused.allow_request(request, None)) == (True, False)
    assert refused.wait() == 58


def test_retry_after_is_at_least_one_second(settings):
    made = throttle(None, settings, "1/second")
    made.remaining = 0.001

    assert made.wait() == 1


@pytest.mark.redis
def test_api_answers_429_with_retry_after_from_redis(redis_caches, settings, users, claim, broker_url, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker_url,
            "KEY_PREFIX": redis_caches().key_prefix,
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "2/minute"}}
    client = token_client(users["api_client"])
    now = minute_start() + 30
    monkeypatch.setattr(TokenRateThrottle, "timer", staticmethod(lambda: now))

    statuses = [client.get("/api/v1/claims/").status_code for _ in range(2)]
    throttled = client.get("/api/v1/claims/")

    assert statuses == [200, 200]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert throttled.headers["Retry-After"] == "30"


def test_unreachable_cache_lets_requests_through_with_a_warning(settings, users, claim, caplog, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1/minute"}}
    monkeypatch.setattr(throttles, "_last_outage_warning", float("-inf"))
    client = token_client(users["api_client"])

    with caplog.at_level(logging.WARNING, logger="review.api.throttles"):
        statuses = [client.get("/api/v1/claims/").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    warnings = [record.getMessage() for record in caplog.records if record.name == "review.api.throttles"]
    assert len(warnings) == 1  # once per minute per process, not once per request
    assert warnings[0].startswith("The cache does not answer, API requests are not throttled: ")


def _caches_setting(**env: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cache_url_selects_redis_and_its_absence_memory():
    redis_cache = _caches_setting(CACHE_URL="redis://127.0.0.1:6379/3")
    memory = _caches_setting()
    typo = _caches_setting(CACHE_URL="127.0.0.1:6379")

    assert redis_cache.returncode == 0, redis_cache.stderr
    assert "'BACKEND': 'django.core.cache.backends.redis.RedisCache'" in redis_cache.stdout
    assert "'LOCATION': 'redis://127.0.0.1:6379/3'" in redis_cache.stdout
    assert memory.stdout.strip() == "{'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}"
    assert typo.returncode == 1
    assert "CACHE_URL must be a redis://, rediss:// or unix:// URL, not '127.0.0.1:6379'" in typo.stderr
