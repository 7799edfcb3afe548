"""Writes of users: every creation goes through here so validation and hashing are never skipped."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User


@transaction.atomic
def user_create(
    *, username: str, email: str, password: str | None = None, display_name: str = ""
) -> User:
    user = User(username=username, email=email.lower(), display_name=display_name)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    # Whoever creates a user here vouches for the address: it signs in at once. People who sign
    # up themselves confirm theirs through django-allauth instead.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
