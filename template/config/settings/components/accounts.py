"""Accounts for everyone, not only staff: django-allauth's pages, MFA and headless API.

Pages under /accounts/ (sign-up, sign-in, e-mail, password, two-factor) and the same flows as
JSON under /_allauth/ (allauth.headless, next to the pages: HEADLESS_ONLY is False). People sign
in with their e-mail address; the admin stays for staff. docs/accounts.md says why and how.
"""

import typing

if typing.TYPE_CHECKING:  # base.py runs this in its namespace, before the layers' components
    from config.settings.base import (
        AUTHENTICATION_BACKENDS,
        INSTALLED_APPS,
        MIDDLEWARE,
        PROJECT_NAME,
        env,
    )

INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
]
# After AuthenticationMiddleware (it reads request.user); async-capable like the rest.
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
# After django-axes' backend, which refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS += ["allauth.account.auth_backends.AuthenticationBackend"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Sign-in and sign-up by e-mail address. The username stays on the model (the admin signs staff
# in with it, and existing rows keep theirs); allauth makes one up for each new account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory": no sign-in before the address is confirmed through the link mailed to it.
# Production always requires it; ACCOUNT_EMAIL_VERIFICATION=optional or none relaxes it locally.
ACCOUNT_EMAIL_VERIFICATION: str = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One address per account; a change takes effect once the new address is confirmed.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROJECT_NAME}] "
# A lost-password request for an unknown address says nothing about whether it has an account.
ACCOUNT_PREVENT_ENUMERATION = True
# django-axes counts failed sign-ins and locks out (429), on every path alike; allauth's own
# failed-sign-in limit would answer the same attempts differently, so it is off. Its other
# limits (sign-ups, password-reset and confirmation mails per address and IP) stay.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# Two-factor authentication: an authenticator app (TOTP), recovery codes, and security keys or
# passkeys (WebAuthn), which can also sign in on their own.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = PROJECT_NAME

# The pages and the JSON API side by side.
HEADLESS_ONLY = False
