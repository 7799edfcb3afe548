"""Helpers of the update tests: this checkout as a template repository of its own, and the
commands a user runs in a generated project (git, the README's blocks, conflict checks).

Update tests never render this checkout directly: Copier records the commit it rendered, and a
checkout with uncommitted changes yields a commit that exists nowhere. They clone the repository,
history included, commit the checkout's changes on top, and tag there when they need tags.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import IS_CI, TEMPLATE_ROOT, clean_env, python_for

CONFLICT_MARKER = re.compile(r"^(<{7}|>{7}) ", flags=re.MULTILINE)
KEPT_SUFFIX = ".removed-from-template"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **IDENTITY}
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result.stdout


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-qm", message)


def require_history(*commits: str) -> None:
    """Fail (never skip) when the repository lacks the history these tests update from."""
    shallow = git(TEMPLATE_ROOT, "rev-parse", "--is-shallow-repository").strip() == "true"
    missing = [
        commit
        for commit in commits
        if subprocess.run(
            ["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=TEMPLATE_ROOT, check=False
        ).returncode
    ]
    if shallow or missing:
        where = "CI's checkout" if IS_CI else "this checkout"
        pytest.fail(
            f"{where} lacks the repository's history (shallow: {shallow}; missing commits: "
            f"{', '.join(missing) or 'none'}). The update tests update projects generated from "
            "older commits: clone with full history (`git fetch --unshallow`).",
            pytrace=False,
        )


def clone_this_checkout(destination: Path) -> Path:
    """This repository with its history, plus one commit holding the checkout's own changes."""
    git(TEMPLATE_ROOT.parent, "clone", "-q", "--no-hardlinks", str(TEMPLATE_ROOT), str(destination))
    listed = git(TEMPLATE_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    wanted = {name for name in listed.split("\0") if name and (TEMPLATE_ROOT / name).is_file()}
    for name in filter(None, git(destination, "ls-files", "-z").split("\0")):
        if name not in wanted:
            (destination / name).unlink()
    for name in wanted:
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / name, destination / name)
    if git(destination, "status", "--porcelain").strip():
        commit_all(destination, "this checkout")
    return destination


def conflicts(project: Path) -> list[str]:
    """Every sign of an unresolved merge: markers, .rej files, unmerged index entries."""
    found = [f"unmerged: {line}" for line in git(project, "ls-files", "-u").splitlines()]
    for path in project.rglob("*"):
        if ".git" in path.parts or ".venv" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej":
            found.append(f"rejected hunk: {path.relative_to(project)}")
        elif CONFLICT_MARKER.search(path.read_text(errors="ignore")):
            found.append(f"conflict markers: {path.relative_to(project)}")
    return found


def kept_files(project: Path) -> list[str]:
    return sorted(
        path.relative_to(project).as_posix()
        for path in project.rglob(f"*{KEPT_SUFFIX}*")
        if ".git" not in path.parts
    )


def bash_block(markdown: str, heading: str) -> str:
    """The first ```bash block under `heading` of a Markdown text, as written there."""
    section = markdown.split(f"\n{heading}\n", 1)
    assert len(section) == 2, f"no section {heading!r}"
    found = re.search(r"```bash\n(.*?)```", section[1], flags=re.DOTALL)
    assert found, f"no bash block under {heading!r}"
    return found.group(1)


def run_block(
    block: str,
    cwd: Path,
    python_version: str = "3.13",
    timeout: float = 900,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a README's commands as they are written, stopping at the first that fails. uv may not
    download interpreters here, so UV_PYTHON names the installed one the project targets; `env`
    adds to the environment."""
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=cwd,
        env=clean_env(UV_PYTHON=python_for(python_version), **IDENTITY, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"the commands exited {result.returncode} in {cwd}:\n{block}\n"
        f"--- stdout ---\n{result.stdout[-8000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
    )
    return result


def tree_differences(left: Path, right: Path) -> list[str]:
    """Paths whose presence or content differs between two generated projects."""
    ignored = {".git", ".copier-answers.yml", ".venv"}
    differences: list[str] = []

    def walk(comparison: filecmp.dircmp, prefix: str = "") -> None:
        differences.extend(
            f"{prefix}{name}"
            for name in comparison.left_only + comparison.right_only + comparison.diff_files
            if name not in ignored
        )
        for name, sub in comparison.subdirs.items():
            if name not in ignored:
                walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]))
    return sorted(differences)
