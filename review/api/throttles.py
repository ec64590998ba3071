"""Per-token rate limits: each API token (or signed-in user) has its own budget."""

import logging
import math
import time

import redis
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# While the cache is down, warn once per this many seconds per process, not on every request.
_OUTAGE_WARNING_EVERY = 60
_last_outage_warning = -math.inf


class TokenRateThrottle(SimpleRateThrottle):
    """CLAIMDESK_API_RATE requests per token; a 429 says when to retry (Retry-After).

    A knox token is keyed by its token_key (its first characters, stored in
    the clear), so two tokens of one user have separate budgets. Anonymous
    requests (the schema and its docs) are keyed by address.

    Each token has one counter per fixed window of the rate's period (a minute
    for "600/minute"), raised by every request with the cache's atomic
    increment: one small value per token whatever the rate, shared by every
    process using the same cache (CACHE_URL). A fixed window lets a client
    use one window's budget at its end and the next one's at the start of the
    next; that burst is the price of a single counter.

    When the cache (Redis) does not answer, requests are let through and a
    warning is logged: an outage of the cache lifts the rate limit for its
    duration rather than failing every API request.
    """

    scope = "token"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read per request: settings may change

    def get_cache_key(self, request, view):
        token_key = getattr(request.auth, "token_key", None)
        if token_key:
            ident = f"token:{token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.remaining = (window + 1) * self.duration - now
        try:
            count = self._count(f"{key}:{window}", timeout=math.ceil(self.remaining) + 1)
        except redis.RedisError as exc:
            _warn_outage(exc)
            return True
        return count <= self.num_requests

    def wait(self):
        """Whole seconds until the window ends and the budget is full again (at least 1)."""
        return max(1, math.ceil(self.remaining))

    def _count(self, key: str, *, timeout: int) -> int:
        """This request's number in its window; the window's first request creates the counter.

        The counter outlives its window by a second, so it never expires
        between the check for it and the increment (which would leave a
        counter without expiry in Redis).
        """
        try:
            return self.cache.incr(key)
        except ValueError:  # no counter yet for this window
            if self.cache.add(key, 1, timeout):
                return 1
            return self.cache.incr(key)  # another process created it first


def _warn_outage(exc: Exception) -> None:
    global _last_outage_warning
    now = time.monotonic()
    if now - _last_outage_warning >= _OUTAGE_WARNING_EVERY:
        _last_outage_warning = now
        logger.warning("The cache does not answer, API requests are not throttled: %s", exc)
