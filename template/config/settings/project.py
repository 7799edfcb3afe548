"""Your project's own settings, applied after the template's base settings.

Copier creates this file once and never updates it, so settings you add here never conflict with
`copier update`. Environment-specific overrides still belong in local.py, test.py or production.py.
"""
