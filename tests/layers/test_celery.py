"""The Celery layer: its files sit where `celery -A config` and the other layers expect them.

Reads only what Copier wrote (the matrix's generated projects); the generated suite itself tests
the behaviour.
"""

from __future__ import annotations

import pytest

from tests.harness import ALL_COMBINATIONS, combination_params

pytestmark = pytest.mark.parametrize(
    "combination", combination_params([c for c in ALL_COMBINATIONS if c.celery])
)


def test_the_app_is_where_celery_dash_a_config_finds_it(projects, combination):
    root = projects(combination).path
    assert 'app = Celery("' in (root / "config" / "celery.py").read_text()
    # Loaded with the settings, so `shared_task`s bind to it without importing config.
    assert "from .celery import app" in (root / "config" / "__init__.py").read_text()
    readme = (root / "README.md").read_text()
    assert "celery -A config worker" in readme
    assert "celery -A config beat" in readme


def test_tasks_run_eagerly_in_test_settings_only(projects, combination):
    root = projects(combination).path
    eager = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts and "ALWAYS_EAGER" in path.read_text()
    ]
    assert eager == ["config/settings/components/celery_test.py"]
