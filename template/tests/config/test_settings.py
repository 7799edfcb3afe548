"""Production settings refuse to start without their required variables, and pass check --deploy."""

import json
import secrets
import tomllib

import pytest

from ..probes import PROJECT, REQUIRED, answers, part

# With production settings, in the process of the production probe (tests/probes.py): it runs
# `check --deploy` as the command line does, then reads what the tests below check.
part(
    "production",
    "settings",
    """
import logging
from django.conf import settings
from django.core.mail import get_connection
from django.core.management import call_command
from django.core.management.base import SystemCheckError

try:
    call_command("check", deploy=True, fail_level="WARNING")
    check = "passed"
except SystemCheckError as error:
    check = str(error)
logging.getLogger("probe").warning("disk %s%% full", 97, extra={"volume": "/var"})
answer = {
    "check": check,
    "debug_toolbar": "debug_toolbar" in settings.INSTALLED_APPS,
    "metrics_public": settings.METRICS_PUBLIC,
    # The probe's environment says ACCOUNT_EMAIL_VERIFICATION=none: production ignores it.
    "mail": [type(get_connection()).__module__, settings.ACCOUNT_EMAIL_VERIFICATION],
}
""",
    __name__,
)

# The environments under which production settings refuse to load, or load another mail backend:
# each imports config.settings.production afresh in the settings probe, as a process would.
VARIANTS = {
    **{
        f"missing {name}": {key: value for key, value in REQUIRED.items() if key != name}
        for name in sorted(REQUIRED)
    },
    "pigeon": {**REQUIRED, "DJANGO_EMAIL_PROVIDER": "pigeon"},
    "mailgun": {
        **REQUIRED,
        "DJANGO_EMAIL_PROVIDER": "mailgun",
        "ANYMAIL_MAILGUN_API_KEY": secrets.token_urlsafe(16),
    },
}
part(
    "settings",
    "production variants",
    f"VARIANTS = {VARIANTS!r}\n"
    """
import importlib, os, sys
from django.utils.module_loading import import_string

answer = {}
for name, environment in VARIANTS.items():
    os.environ.update(environment, DJANGO_SETTINGS_MODULE="config.settings.production")
    for module in [module for module in sys.modules if module.partition(".")[0] == "config"]:
        del sys.modules[module]
    try:
        production = importlib.import_module("config.settings.production")
        # Django 6.1 names the backend in MAILERS, 5.2 in EMAIL_BACKEND (config/settings/mail.py).
        mailers = getattr(production, "MAILERS", None)
        path = mailers["default"]["BACKEND"] if mailers else production.EMAIL_BACKEND
        backend = import_string(path)
        answer[name] = [backend.__module__, sorted(production.ANYMAIL)]
    except Exception as error:
        answer[name] = f"{type(error).__name__}: {error}"
    for key in environment:
        del os.environ[key]
""",
    __name__,
)


@pytest.fixture(scope="module")
def production():
    return answers("production")


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_names_a_missing_required_variable(missing):
    refusal = answers("settings")["production variants"][f"missing {missing}"]
    assert refusal.startswith("ImproperlyConfigured: ")
    assert f"Set the {missing} environment variable" in refusal


def test_production_settings_pass_check_deploy(production):
    assert production["settings"]["check"] == "passed"
    assert "no issues" in production.stdout


def test_profiling_is_absent_from_production_settings_and_dependencies(production):
    probed = production["settings"]
    assert (probed["debug_toolbar"], probed["metrics_public"]) == (False, False)
    dependencies = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert not any("debug-toolbar" in spec for spec in dependencies["dependencies"])


def test_production_logs_one_json_object_per_line(production):
    line = next(line for line in production.stderr.splitlines() if '"probe"' in line)
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["logger"] == "probe"
    assert record["message"] == "disk 97% full"
    assert record["request_id"] == "-"  # outside a request
    assert record["volume"] == "/var"
    assert "time" in record


def test_production_sends_through_the_anymail_provider_the_environment_names():
    mailgun = answers("settings")["production variants"]["mailgun"]
    assert mailgun == ["anymail.backends.mailgun", ["MAILGUN_API_KEY"]]


def test_production_sends_over_smtp_and_requires_email_verification_by_default(production):
    assert production["settings"]["mail"] == ["django.core.mail.backends.smtp", "mandatory"]


def test_production_refuses_an_unknown_email_provider():
    refusal = answers("settings")["production variants"]["pigeon"]
    assert refusal.startswith("ImproperlyConfigured: ")
    assert "DJANGO_EMAIL_PROVIDER='pigeon' is not an Anymail provider" in refusal
