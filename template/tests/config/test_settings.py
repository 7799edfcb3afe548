"""Production settings refuse to start without their required variables, and pass check --deploy."""

import json
import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent.parent
REQUIRED = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # made per run: no key lives in the code
    "DJANGO_ALLOWED_HOSTS": "example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_names_a_missing_required_variable(missing):
    present = {key: value for key, value in REQUIRED.items() if key != missing}
    result = manage("check", **present)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


# One process with production settings for the three tests below: each process spends a second or
# more setting Django up. It runs `check --deploy` as the command line does, then the probes.
PRODUCTION_PROBE = """
import json, logging
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

try:
    call_command("check", deploy=True, fail_level="WARNING")
    check = "passed"
except SystemCheckError as error:
    check = str(error)
logging.getLogger("probe").warning("disk %s%% full", 97, extra={"volume": "/var"})
print(json.dumps({
    "check": check,
    "debug_toolbar": "debug_toolbar" in settings.INSTALLED_APPS,
    "metrics_public": settings.METRICS_PUBLIC,
}))
"""


@pytest.fixture(scope="module")
def production() -> subprocess.CompletedProcess[str]:
    result = manage("shell", "-c", PRODUCTION_PROBE, **REQUIRED)
    assert result.returncode == 0, result.stderr
    return result


def probed(production: subprocess.CompletedProcess[str]) -> dict[str, object]:
    """What the probe printed last: the check's outcome and the settings it read."""
    answers: dict[str, object] = json.loads(production.stdout.strip().splitlines()[-1])
    return answers


def test_production_settings_pass_check_deploy(production):
    assert probed(production)["check"] == "passed"
    assert "no issues" in production.stdout


def test_profiling_is_absent_from_production_settings_and_dependencies(production):
    assert (probed(production)["debug_toolbar"], probed(production)["metrics_public"]) == (
        False,
        False,
    )
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
    script = (
        "from django.conf import settings; from django.core.mail import get_connection; "
        "print(type(get_connection()).__module__, sorted(settings.ANYMAIL))"
    )
    result = manage(
        "shell",
        "-c",
        script,
        **REQUIRED,
        DJANGO_EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY=secrets.token_urlsafe(16),
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert line == "anymail.backends.mailgun ['MAILGUN_API_KEY']"


def test_production_sends_over_smtp_and_requires_email_verification_by_default():
    # ACCOUNT_EMAIL_VERIFICATION relaxes it elsewhere, never in production.
    script = (
        "from django.conf import settings; from django.core.mail import get_connection; "
        "print(type(get_connection()).__module__, settings.ACCOUNT_EMAIL_VERIFICATION)"
    )
    result = manage("shell", "-c", script, **REQUIRED, ACCOUNT_EMAIL_VERIFICATION="none")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert line == "django.core.mail.backends.smtp mandatory"


def test_production_refuses_an_unknown_email_provider():
    result = manage("check", **REQUIRED, DJANGO_EMAIL_PROVIDER="pigeon")
    assert result.returncode != 0
    assert "DJANGO_EMAIL_PROVIDER='pigeon' is not an Anymail provider" in result.stderr
