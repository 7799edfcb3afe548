"""How django-allauth treats this project's accounts, where its defaults do not fit."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """No allauth count of failed passwords: django-axes counts them, on every sign-in path
        alike, and locks out with a 429. allauth's `login_failed` limit stays on for what axes
        never sees: the codes of the second step (authenticator app, recovery codes)."""
