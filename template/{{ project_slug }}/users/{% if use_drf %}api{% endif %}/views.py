"""The current user, and the JSON Web Token endpoints.

simplejwt's views do the token work; they are subclassed here to document them like every other
operation, to count their requests against the stricter `auth` throttle rate, and to answer
django-axes' lockout in the API's error body.
"""

from typing import cast

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from ...core.api.exceptions import LockedOut
from ...core.api.schema import ErrorSerializer
from ...core.api.throttles import AuthThrottle
from ..models import User
from .serializers import RefreshTokenSerializer, TokenPairSerializer, UserOutputSerializer


class UserViewSet(ViewSet):
    @extend_schema(responses=UserOutputSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """The signed-in user"""
        user = cast(User, request.user)  # IsAuthenticated let only a signed-in user in
        return Response(UserOutputSerializer(user).data)


LOCKED_OUT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many requests (code `throttled`), or too many failed sign-ins for this username from "
        "this address (code `locked_out`): wait `retry_after` seconds."
    ),
)


class TokenObtainView(jwt_views.TokenObtainPairView):
    throttle_classes = [AuthThrottle]

    @extend_schema(responses={200: TokenPairSerializer, 429: LOCKED_OUT})
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Obtain an access and a refresh token with a username and password

        After AXES_FAILURE_LIMIT failed attempts for one username from one address, that pair is
        locked out for AXES_COOLOFF_MINUTES (429, code `locked_out`), even with the right password.
        """
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # simplejwt authenticates with this request: django-axes flags it when it locks out.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(wait=settings.AXES_COOLOFF_TIME.total_seconds()) from None
            raise


class TokenRefreshView(jwt_views.TokenRefreshView):
    throttle_classes = [AuthThrottle]

    @extend_schema(request=RefreshTokenSerializer, responses=TokenPairSerializer)
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Trade a refresh token for a new pair

        The refresh token is rotated: the one sent is blacklisted and cannot be used again.
        """
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]

    def get_authenticate_header(self, request: Request) -> str:
        # A bad token is a 401 with a challenge, as on the other token endpoints (not a 403).
        return 'Bearer realm="api"'

    @extend_schema(request=RefreshTokenSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        """Log out: blacklist a refresh token

        Access tokens stay valid until they expire (minutes): drop them on the client.
        """
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise InvalidToken(error.args[0]) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
