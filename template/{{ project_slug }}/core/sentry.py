"""Error monitoring with Sentry, started only when SENTRY_DSN is set.

No personal data is sent by default (send_default_pii=False): no user ids, IP addresses,
cookies or request bodies. Layers add their integrations to settings.SENTRY_INTEGRATIONS.
"""

import sentry_sdk
from django.conf import settings
from django.utils.module_loading import import_string


def init_sentry() -> bool:
    """Start the Sentry client from settings; False (and nothing started) without a DSN."""
    if not settings.SENTRY_DSN:
        return False
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,
        integrations=[import_string(path)() for path in settings.SENTRY_INTEGRATIONS],
        send_default_pii=False,
        sample_rate=settings.SENTRY_SAMPLE_RATE,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
    )
    return True
