"""Per-token rate limits: each API token (or signed-in user) has its own budget."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """CLAIMDESK_API_RATE requests per token; a 429 says when to retry (Retry-After).

    A knox token is keyed by its token_key (its first characters, stored in
    the clear), so two tokens of one user have separate budgets. Anonymous
    requests (the schema and its docs) are keyed by address.
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
