"""Your project's own settings, merged after the template's base settings and layers.

Copier creates this file once and never updates it, so what you write here never conflicts with
`copier update`. Upper-case names replace the settings of the same name; INSTALLED_APPS,
MIDDLEWARE, HEALTH_CHECKS and SENTRY_INTEGRATIONS are appended to, for example:

    INSTALLED_APPS = ["my_project.billing"]

Environment-specific values still belong in local.py, test.py or production.py.
"""
