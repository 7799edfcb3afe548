"""Rendered files look hand-written, and a layer that is off leaves no trace.

Reuses the matrix's generated projects (tests/conftest.py), reading only what Copier wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.harness import combination_params

pytestmark = pytest.mark.parametrize("combination", combination_params())

# What the checks and tests of a project leave behind; not part of the rendering.
GENERATED_BY_TOOLS = {
    ".venv",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "staticfiles",
    ".coverage",
    "uv.lock",
    "db.sqlite3",
}
# GitHub Actions expressions (${{ ... }}) are not Jinja.
JINJA_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#|%\}|#\}")
# Words only a layer's own files may contain, matched case-insensitively.
LAYER_WORDS = {
    "drf": r"rest_framework|drf|spectacular|simplejwt",
    "celery": r"celery",
    "channels": r"channels|channel_layer|websocket",
    "graphql": r"graphql|strawberry",
    "docker": r"docker|kubernetes|kustomiz",
}


def rendered_files(root: Path) -> list[Path]:
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not GENERATED_BY_TOOLS.intersection(path.relative_to(root).parts)
        and not path.name.startswith(".coverage")
    ]


def test_no_jinja_leftovers_or_blank_line_clutter(projects, combination):
    root = projects(combination).path
    problems = []
    for path in rendered_files(root):
        text = path.read_text()
        name = path.relative_to(root)
        # Django templates use {{ }} and {% %} themselves.
        if path.suffix != ".html" and JINJA_LEFTOVER.search(text):
            problems.append(f"{name}: Jinja syntax left in the output")
        if "\n\n\n\n" in text:
            problems.append(f"{name}: three or more blank lines in a row")
        if text and not text.endswith("\n"):
            problems.append(f"{name}: no newline at the end")
        if text.startswith("\n"):
            problems.append(f"{name}: starts with a blank line")
        if re.search(r"[ \t]+\n", text):
            problems.append(f"{name}: trailing whitespace")
        if text.endswith("\n\n"):
            problems.append(f"{name}: blank lines at the end")
    assert not problems, "\n".join(problems)


def test_layers_that_are_off_leave_no_trace(projects, combination):
    root = projects(combination).path
    off = [layer for layer, on in combination.layers.items() if not on]
    problems = []
    # The answers file names every question, whatever the answer: Copier needs it that way.
    for path in (p for p in rendered_files(root) if p.name != ".copier-answers.yml"):
        text = f"{path.relative_to(root)}\n{path.read_text()}"
        for layer in off:
            found = re.search(LAYER_WORDS[layer], text, flags=re.IGNORECASE)
            if found:
                name = path.relative_to(root)
                problems.append(f"{name}: mentions {found.group()!r} ({layer} is off)")
    assert not problems, "\n".join(problems)


def test_layers_list_names_exactly_the_chosen_django_layers(projects, combination):
    text = (projects(combination).path / "config" / "layers.py").read_text()
    for layer in ("drf", "celery", "channels", "graphql"):
        assert (f'"{layer}"' in text) == combination.layers[layer], layer


def test_answers_reach_the_project(projects, combination):
    """Every answer lands where it should (the matrix rotates names, time zones and Pythons)."""
    project = projects(combination)
    answers = project.answers
    base = (project.path / "config" / "settings" / "base.py").read_text()
    pyproject = (project.path / "pyproject.toml").read_text()
    assert f'PROJECT_NAME = "{answers["project_name"]}"' in base
    assert f'PROJECT_DESCRIPTION = "{answers["description"]}"' in base
    assert f'default="{answers["timezone"]}"' in base
    if combination.django == "5.2":
        assert f'ADMINS = [("{answers["author_name"]}", "{answers["author_email"]}")]' in base
    else:
        assert f'ADMINS = ["{answers["author_email"]}"]' in base
    assert f'requires-python = ">={answers["python_version"]}"' in pyproject
    assert f'email = "{answers["author_email"]}"' in pyproject
    assert (project.path / "README.md").read_text().startswith(f"# {answers['project_name']}\n")
    assert answers["domain_name"] in (project.path / ".env.example").read_text()
