"""The user as GraphQL shows it: a public profile, and an e-mail only its owner can read."""

import strawberry
import strawberry_django
from strawberry import Info

from ..users.models import User
from .permissions import current_user


@strawberry_django.type(User, name="User")
class UserType:
    id: strawberry.auto
    username: strawberry.auto
    display_name: strawberry.auto

    @strawberry_django.field(only=["email"])
    def email(self, root: User, info: Info) -> str | None:
        """The user's e-mail address: null for anyone but the user themselves."""
        viewer = current_user(info)
        return root.email if viewer is not None and viewer.pk == root.pk else None


@strawberry.type
class UserQuery:
    @strawberry.field(graphql_type=UserType | None)
    def me(self, info: Info) -> User | None:
        """The signed-in user, or null when the request is anonymous."""
        return current_user(info)
