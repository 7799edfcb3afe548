"""The one token of the project's APIs, handed out by every way of signing in.

API clients sign up and sign in through django-allauth's headless API for apps (/_allauth/app/v1/)
or with a username and password at /api/v1/auth/token/. Both end with the same pair of JSON Web
Tokens (simplejwt's): the access token is what every API of the project accepts, as
`Authorization: Bearer <access>` (docs/api-auth.md lists them); the refresh token renews the
pair at /api/v1/auth/token/refresh/ or /_allauth/app/v1/tokens/refresh, rotated either way.

During allauth's flows (sign-up, e-mail verification, a second factor) the client carries
allauth's own session token in X-Session-Token; only allauth's endpoints read it.
"""

from typing import Any

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.http import HttpRequest
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken


def token_pair(user: Any) -> tuple[str, str]:
    """A new access and refresh token for `user`."""
    refresh = RefreshToken.for_user(user)
    return str(refresh.access_token), str(refresh)


class TokenPairStrategy(SessionTokenStrategy):
    """allauth's token strategy (HEADLESS_TOKEN_STRATEGY): its session tokens while a flow runs,
    then the REST API's token pair in the `meta` of the answer that signed the user in."""

    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
        access, refresh = token_pair(request.user)
        lifetime = api_settings.ACCESS_TOKEN_LIFETIME
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": int(lifetime.total_seconds()),
        }

    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        """A new pair for a refresh token, which is blacklisted, as /api/v1/auth/token/refresh/
        does; None for one that is not valid (expired, already used, its user deactivated)."""
        serializer = TokenRefreshSerializer(data={"refresh": refresh_token})
        try:
            serializer.is_valid(raise_exception=True)
        except (TokenError, APIException):
            return None
        pair = serializer.validated_data
        return str(pair["access"]), str(pair.get("refresh", refresh_token))
