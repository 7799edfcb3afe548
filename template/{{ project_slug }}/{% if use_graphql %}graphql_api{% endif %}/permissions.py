"""Who may read and write: everything but `me` needs a signed-in user, as the JSON views do.

Ownership is not checked here but in the services, so GraphQL, the JSON views and every other
entry point apply the same rule.
"""

from typing import Any, cast

from strawberry import Info
from strawberry.permission import BasePermission
from strawberry_django.auth.utils import get_current_user

from ..users.models import User


def current_user(info: Info) -> User | None:
    """The signed-in user of the request, or None for an anonymous one."""
    user = get_current_user(info)
    return cast(User, user) if user.is_authenticated else None


def signed_in_user(info: Info) -> User:
    """The request's user, in a resolver that IsAuthenticated already guards."""
    return cast(User, get_current_user(info))


class IsAuthenticated(BasePermission):
    message = "Sign in to use this field."
    error_extensions = {"code": "not_authenticated"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return current_user(info) is not None
