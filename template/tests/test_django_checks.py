"""Django's own checks pass, and every model change has its migration: what `manage.py check`
and `manage.py makemigrations --check` say, asked in this process (Django is set up already)."""

import io

import pytest
from django.core.management import call_command


def test_the_system_checks_pass_warnings_included():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db  # makemigrations reads which migrations the database has applied
def test_every_model_change_has_its_migration():
    changes = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=changes)
    except SystemExit:
        pytest.fail(
            f"a model changed without its migration (`manage.py makemigrations`):\n"
            f"{changes.getvalue()}"
        )
