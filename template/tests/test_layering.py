"""The layering the code keeps: the import-linter contracts of pyproject.toml hold.

The same check as `uv run lint-imports`: no app module imports config, front ends meet only
through the domain, every app stands on core, and no package's modules import each other in a
cycle.
"""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_imports_keep_every_contract(capsys):
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out
