"""A project made before accounts came in (main at 394e1e5) updates to this checkout: the update
applies without a conflict, the user's edits stay, and a user who existed before signs in with
their e-mail address and old password on the new account pages (users/0002_email_addresses
gave them their address, confirmed)."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest
from copier import run_copy

from tests.harness import clean_env, python_for
from tests.template_repo import (
    IDENTITY,
    bash_block,
    clone_this_checkout,
    commit_all,
    conflicts,
    git,
    kept_files,
    require_history,
    run_block,
)

BEFORE_ACCOUNTS = "394e1e5e5336e0c6ac7aee07899c8ef2c1f86cd8"
ANSWERS = {"project_name": "Shop"}
SLUG = "shop"
UPDATE_SECTION = "## Update from the template"


def manage(project: Path, *args: str) -> str:
    """`manage.py` in the project's own environment, with its local settings."""
    result = subprocess.run(
        ["uv", "run", "--no-sync", "python", "manage.py", *args],
        cwd=project,
        env=clean_env(UV_PYTHON=python_for("3.13"), **IDENTITY),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-4000:]}"
    return result.stdout


SIGN_IN = """
from django.test import Client
client = Client(HTTP_HOST="localhost")
response = client.post("/accounts/login/", {{"login": "{login}", "password": "{password}"}})
print("signed-in" if "_auth_user_id" in client.session else "refused", response.status_code)
"""


@pytest.mark.slow
def test_a_project_from_before_accounts_updates_and_its_users_sign_in_by_email(tmp_path):
    require_history(BEFORE_ACCOUNTS)
    repo = clone_this_checkout(tmp_path / "django-pro")
    fresh = tmp_path / "fresh"
    run_copy(str(repo), fresh, data=ANSWERS, defaults=True, unsafe=True, quiet=True)
    project = tmp_path / SLUG
    run_copy(str(repo), project, data=ANSWERS, defaults=True, unsafe=True, vcs_ref=BEFORE_ACCOUNTS)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from django-pro")
    assert not (project / "config" / "settings" / "components" / "accounts.py").exists()

    # A user made the way the old version offered (its service), in the project's database.
    password = secrets.token_urlsafe(16)
    subprocess.run(
        ["uv", "sync", "-q"],
        cwd=project,
        env=clean_env(UV_PYTHON=python_for("3.13"), **IDENTITY),
        check=True,
        timeout=600,
    )
    manage(project, "migrate", "-v", "0")
    manage(
        project,
        "shell",
        "-c",
        f"from {SLUG}.users.services import user_create; "
        f'user_create(username="ada", email="Ada@Example.com", password="{password}")',
    )
    # The user's edits: a setting of their own, a line of a template-owned file.
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nSHOP_CURRENCY = "EUR"\n')
    production = project / "config" / "settings" / "production.py"
    production.write_text(
        production.read_text().replace("default=60 * 60 * 24 * 365", "default=60 * 60 * 24 * 730")
    )
    commit_all(project, "Our settings; HSTS for two years")

    block = bash_block((fresh / "README.md").read_text(), UPDATE_SECTION)
    result = run_block(block, project)

    assert conflicts(project) == []
    assert kept_files(project) == []
    assert 'SHOP_CURRENCY = "EUR"' in custom.read_text()
    assert "default=60 * 60 * 24 * 730" in production.read_text()
    assert (project / "config" / "settings" / "components" / "accounts.py").is_file()
    assert " failed" not in result.stdout and " passed" in result.stdout

    manage(project, "migrate", "-v", "0")
    signed_in = manage(
        project, "shell", "-c", SIGN_IN.format(login="ada@example.com", password=password)
    )
    assert signed_in.strip().splitlines()[-1] == "signed-in 302"
    wrong = manage(project, "shell", "-c", SIGN_IN.format(login="ada@example.com", password="nope"))
    assert wrong.strip().splitlines()[-1] == "refused 200"
