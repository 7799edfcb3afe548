"""The README's quick start, run as written, gives a project that later takes the template's
changes with the commands of its own README, run as written.

Copier records the template's path as typed: `copier copy . ../my-service` used to record `.`,
which a later `copier update` resolved against the project itself ("Unknown revision") or, from
another folder, against that folder ("Updating is only supported in git-tracked templates").
The answers file now records the absolute path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.template_repo import (
    IDENTITY,
    bash_block,
    clone_this_checkout,
    commit_all,
    conflicts,
    git,
    kept_files,
    run_block,
)

PROBE = "# A change made to the template after the project was generated.\n"


def change_the_template(template: Path) -> None:
    production = template / "template" / "config" / "settings" / "production.py"
    production.write_text(production.read_text() + PROBE)
    (template / "template" / "NOTICE.md").write_text("Generated with django-pro.\n")
    commit_all(template, "A template change for the update to bring")


def recorded(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def assert_the_change_arrived(template: Path, project: Path) -> None:
    assert (project / "config" / "settings" / "production.py").read_text().endswith(PROBE)
    assert (project / "NOTICE.md").read_text() == "Generated with django-pro.\n"
    assert conflicts(project) == []
    assert kept_files(project) == []
    commit = recorded(project)["_commit"]
    assert git(template, "rev-parse", commit) == git(template, "rev-parse", "HEAD")


@pytest.mark.slow
def test_the_quick_start_project_updates_with_its_readme_commands(tmp_path):
    template = clone_this_checkout(tmp_path / "django-pro")
    quick_start = bash_block((template / "README.md").read_text(), "## Quick start")
    run_block(quick_start, template)
    project = tmp_path / "my-service"
    assert recorded(project)["_src_path"] == template.as_posix()
    assert git(project, "status", "--porcelain") == ""

    change_the_template(template)
    update = bash_block((project / "README.md").read_text(), "## Update from the template")
    result = run_block(update, project)

    assert_the_change_arrived(template, project)
    assert " passed" in result.stdout and " failed" not in result.stdout


def copier(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("where", ["inside the project", "from another folder"])
def test_a_project_copied_from_a_relative_path_updates(tmp_path, where):
    template = clone_this_checkout(tmp_path / "django-pro")
    copied = copier("copy", "--trust", "--defaults", "--quiet", ".", "../svc", cwd=template)
    assert copied.returncode == 0, copied.stderr[-3000:]
    project = tmp_path / "svc"
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from django-pro")
    change_the_template(template)

    update = ["update", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD"]
    if where == "inside the project":
        result = copier(*update, cwd=project)
    else:
        result = copier(*update, "svc", cwd=tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    assert_the_change_arrived(template, project)
