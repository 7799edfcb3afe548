"""Every combination of the five layers generates a project whose own checks and tests pass.

Each test below runs once per combination (ids like drf-celery-nochannels-graphql-docker). The
project is generated and its environment built by the first test that needs it on the worker
that owns the combination (xdist_group), then shared by the rest.
"""

from __future__ import annotations

import secrets
import shutil

import pytest

from tests.harness import combination_params, require_service, worker_number

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("combination", combination_params())]


def test_lint_and_format(projects, combination):
    project = projects(combination)
    project.venv("ruff", "check", ".")
    project.venv("ruff", "format", "--check", ".")


def test_type_check(projects, combination):
    projects(combination).venv("mypy", ".")


def test_django_checks(projects, combination):
    project = projects(combination)
    project.manage("check", "--fail-level", "WARNING")
    project.manage("makemigrations", "--check", "--dry-run")
    # A new user's first step, `cp .env.example .env`, must leave local settings working.
    env_file = project.path / ".env"
    shutil.copy(project.path / ".env.example", env_file)
    try:
        project.manage("check", "--fail-level", "WARNING", settings="local")
    finally:
        env_file.unlink()


def test_check_deploy_with_production_settings(projects, combination):
    env = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "example.com"}
    result = projects(combination).manage(
        "check", "--deploy", "--fail-level", "WARNING", settings="production", env=env
    )
    assert "System check identified no issues" in result.stdout


def test_suite_on_sqlite(projects, combination):
    """The project's own tests, with its coverage threshold, on SQLite and local memory."""
    result = projects(combination).venv("pytest", "-p", "no:cacheprovider", "--create-db")
    assert " passed" in result.stdout


def test_suite_on_postgres_and_redis(projects, combination):
    """The same suite over real PostgreSQL and Redis on loopback: no service test is skipped."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    project = projects(combination)
    env = {
        # One database per combination, one Redis database per worker: parallel runs never meet.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{project.slug}_{combination.index}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{worker_number() + 1}",
    }
    # Coverage is measured and enforced by the SQLite run; here only the services differ.
    result = project.venv(
        "pytest", "-p", "no:cacheprovider", "--create-db", "--no-cov", "-rs", env=env
    )
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1], result.stdout[-3000:]
