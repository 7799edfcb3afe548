"""Stops a custom.py written the old way from silently dropping the template's lists.

custom.py used to be merged by a rule of its own: `INSTALLED_APPS = [...]` there was appended to
the template's list (so were MIDDLEWARE, HEALTH_CHECKS and SENTRY_INTEGRATIONS), and LEADING_APPS
went to the front of INSTALLED_APPS. It now runs as plain Python in the settings, where that line
replaces the list: every app, every middleware (security, sessions, CSRF), every readiness check.
`copier update` rewrites such a file (`INSTALLED_APPS += [...]`); one it could not rewrite, or one
written the old way since, stops the start with an error that says what to change.
"""

from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ImproperlyConfigured

EXTENDED_LISTS = ("INSTALLED_APPS", "MIDDLEWARE", "HEALTH_CHECKS", "SENTRY_INTEGRATIONS")


@contextmanager
def no_list_replaced(namespace: MutableMapping[str, Any]) -> Iterator[None]:
    """Raise when the block leaves one of EXTENDED_LISTS without any of its entries."""
    before = {name: list(namespace[name]) for name in EXTENDED_LISTS}
    yield
    replaced = [
        name
        for name, entries in before.items()
        if entries and not any(entry in namespace[name] for entry in entries)
    ]
    if "LEADING_APPS" in namespace:
        replaced.append("LEADING_APPS")
    if replaced:
        raise ImproperlyConfigured(
            f"config/settings/custom.py sets {', '.join(replaced)} the old way. It runs as Python "
            "in the settings now, where `INSTALLED_APPS = [...]` replaces the template's list: "
            "write `INSTALLED_APPS += [...]` to add to it (the same for MIDDLEWARE, HEALTH_CHECKS "
            "and SENTRY_INTEGRATIONS), and put LEADING_APPS in front yourself: "
            "`INSTALLED_APPS = [*your_apps, *INSTALLED_APPS]`. See README.md, Where things live."
        )
