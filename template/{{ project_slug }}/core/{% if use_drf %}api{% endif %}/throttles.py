"""Throttles of the API, counted in the default cache (shared Redis when REDIS_URL is set).

DRF reads the rates once, when its throttle classes are defined; these read them per request, so
a rate changed in settings (or in a test) applies at once.
"""

from typing import TYPE_CHECKING

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports the default throttles: no cycle at run time
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _RatesFromSettings(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES[str(self.scope)]
        return None if rate is None else str(rate)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Anonymous requests, per client address (API_THROTTLE_ANON)."""


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Authenticated requests, per user (API_THROTTLE_USER)."""


class AuthThrottle(_RatesFromSettings):
    """Token endpoints, per client address whoever is signed in: slows password guessing."""

    scope = "auth"

    def get_cache_key(self, request: "Request", view: "APIView") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
