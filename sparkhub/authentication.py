"""API authentication that does not cost a database query on every request."""

from __future__ import annotations

import time

from rest_framework.authentication import TokenAuthentication

TOKEN_CACHE_SECONDS = 30.0


class CachedTokenAuthentication(TokenAuthentication):
    """DRF token authentication that remembers each valid token for 30 s in the process.

    API clients such as event forwarders call at high rates; a database query per request for
    the same token is waste. The price: a revoked token or a deactivated user is refused within
    30 s rather than at once.
    """

    _known: dict[str, tuple[float, tuple]] = {}

    def authenticate_credentials(self, key: str):
        now = time.monotonic()
        remembered = self._known.get(key)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        answer = super().authenticate_credentials(key)
        if len(self._known) > 10_000:  # tokens are few; never let guesses grow the map
            self._known.clear()
        self._known[key] = (now + TOKEN_CACHE_SECONDS, answer)
        return answer
