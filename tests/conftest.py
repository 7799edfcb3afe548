"""Fixtures of the template's suite. The harness itself lives in tests/harness.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.harness import TEMPLATE_ROOT, Combination, Project


def pytest_configure(config: pytest.Config) -> None:
    # pytest-copie renders the template from --template; default to this checkout.
    if getattr(config.option, "template", None) in (None, "."):
        config.option.template = str(TEMPLATE_ROOT)


@pytest.fixture(scope="session")
def projects(copie_session) -> Callable[[Combination], Project]:
    """Generate each combination once per worker; the project and its venv are then shared."""
    cache: dict[Combination, Project] = {}

    def get(combination: Combination) -> Project:
        if combination not in cache:
            result = copie_session.copy(extra_answers=combination.answers())
            if result.exit_code != 0:
                pytest.fail(f"[{combination.id}] copier copy failed: {result.exception}")
            cache[combination] = Project(combination, result.project_dir, result.answers)
        return cache[combination]

    return get
