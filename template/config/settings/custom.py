"""Your project's own settings. Copier creates this file once and never touches it again.

It runs at the end of base.py, in its namespace, after the template's and the layers' settings,
so every setting is a name here. Assign a name to replace that setting; add to a list in place:

    import typing

    if typing.TYPE_CHECKING:  # where the names come from, for linters and mypy
        from config.settings.base import HEALTH_CHECKS, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

    INSTALLED_APPS += ["my_project.billing"]
    MIDDLEWARE += ["my_project.billing.middleware.PlanMiddleware"]  # before django-axes' own
    HEALTH_CHECKS += ["my_project.billing.health.check_payments"]
    TEMPLATES[0]["OPTIONS"]["context_processors"].append("my_project.billing.context.plan")
    SESSION_COOKIE_AGE = 60 * 60 * 8

Environment-specific values belong in local.py, test.py or production.py, which run after this.
"""
