"""Local settings, as a new user first runs them after `cp .env.example .env`, pass Django's
checks, warnings included: what `manage.py check` says, asked in the local-settings probe
(tests/probes.py). This module holds no database test, so `-m services` does not start it."""

from ..probes import answers, part

part(
    "local",
    "checks",
    """
import django
from django.core.management import call_command
from django.core.management.base import SystemCheckError

django.setup()
try:
    call_command("check", fail_level="WARNING")
    answer = "passed"
except SystemCheckError as error:
    answer = str(error)
""",
    __name__,
)


def test_local_settings_pass_the_system_checks_with_the_example_environment():
    assert answers("local")["checks"] == "passed"
