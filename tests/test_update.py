"""`copier update` keeps a generated project current, and switches layers on and off.

The tests build a git repository of this template with two tagged versions: v0.2.0 is this
checkout (uncommitted changes included) and v0.1.0 is the same with the changes of v0.2.0 undone
(the user-owned modules under their old names, which hooks/migrations/v0_2_0.py carries over,
and one template-owned line that differs). Copier exits 0 even when it leaves conflicts, so the
tests look for conflict markers, *.rej files and unmerged paths themselves.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from copier import run_copy, run_update

from tests.harness import LAYERS, TEMPLATE_ROOT, Combination, Project

OLD, NEW = "v0.1.0", "v0.2.0"
REFERRER_OLD = 'SECURE_REFERRER_POLICY = "same-origin"'
REFERRER_NEW = 'SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"'
PRODUCTION = Path("config/settings/production.py")
CONFLICT_MARKER = re.compile(r"^(<{7}|>{7}) ", flags=re.MULTILINE)


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Template Tests")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tests@example.com")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    """This checkout as a repository with v0.1.0 (the changes of v0.2.0 undone) and v0.2.0."""
    repo = tmp_path_factory.mktemp("template") / "repo"
    files = git(TEMPLATE_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, files.split("\0")):
        if (TEMPLATE_ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_ROOT / name, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "this checkout")

    # v0.1.0: the user-owned modules under their old names, and the old referrer policy.
    config = repo / "template" / "config"
    git(repo, "mv", "template/config/settings/custom.py", "template/config/settings/project.py")
    git(repo, "mv", "template/config/custom_urls.py", "template/config/project_urls.py")
    replace_in(
        config / "settings" / "base.py.jinja",
        '"config.settings.custom"',
        '"config.settings.project"',
    )
    replace_in(config / "urls.py.jinja", '"config.custom_urls"', '"config.project_urls"')
    replace_in(repo / "copier.yml", "config/settings/custom.py", "config/settings/project.py")
    replace_in(repo / "copier.yml", "config/custom_urls.py", "config/project_urls.py")
    replace_in(config / "settings" / "production.py", REFERRER_NEW, REFERRER_OLD)
    git(repo, "commit", "-qam", "v0.1.0")
    git(repo, "tag", OLD)

    git(repo, "revert", "--no-edit", "HEAD")
    git(repo, "tag", NEW)
    return repo


def generate(template: Path, destination: Path, ref: str, **answers) -> Path:
    run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
    )
    git(destination, "init", "-q", "-b", "main")
    git(destination, "add", "-A")
    git(destination, "commit", "-qm", "generated")
    return destination


def fresh_generation(template: Path, destination: Path, **answers) -> Path:
    """The newest version generated straight away, to compare an updated project with."""
    run_copy(str(template), destination, data=answers, defaults=True, unsafe=True, vcs_ref=NEW)
    return destination


def update(project: Path, ref: str = NEW, **answers) -> None:
    run_update(
        project,
        data=answers,
        defaults=True,
        overwrite=True,
        unsafe=True,
        vcs_ref=ref,
        conflict="inline",
        quiet=True,
    )


def conflicts(project: Path) -> list[str]:
    """Every sign of an unresolved merge: markers, .rej files, unmerged index entries."""
    found = [f"unmerged: {line}" for line in git(project, "ls-files", "-u").splitlines()]
    for path in project.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej":
            found.append(f"rejected hunk: {path.relative_to(project)}")
        elif CONFLICT_MARKER.search(path.read_text(errors="ignore")):
            found.append(f"conflict markers: {path.relative_to(project)}")
    return found


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-qm", message)


def test_update_keeps_user_edits_and_brings_template_changes(template_repo, tmp_path):
    project = generate(template_repo, tmp_path / "svc", OLD, project_name="Shop")
    slug = "shop"
    # The user's edits: a new app, a setting of their own, a changed template setting, a
    # changed test.
    (project / slug / "billing").mkdir()
    (project / slug / "billing" / "__init__.py").write_text("")
    (project / slug / "billing" / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass BillingConfig(AppConfig):\n"
        f'    name = "{slug}.billing"\n'
    )
    with (project / "config" / "settings" / "project.py").open("a") as settings:
        settings.write(f'\nINSTALLED_APPS = ["{slug}.billing"]\nBILLING_CURRENCY = "EUR"\n')
    replace_in(project / PRODUCTION, "default=60 * 60 * 24 * 365", "default=60 * 60 * 24 * 730")
    replace_in(
        project / "tests" / "core" / "test_home.py",
        "    assert response.status_code == 200\n",
        "    assert response.status_code == 200\n"
        '    assert response["Content-Type"].startswith("text/html")\n',
    )
    commit_all(project, "user edits")

    update(project)

    assert conflicts(project) == []
    production = (project / PRODUCTION).read_text()
    assert REFERRER_NEW in production  # the template's change arrived
    assert "default=60 * 60 * 24 * 730" in production  # the user's change stayed
    custom = (project / "config" / "settings" / "custom.py").read_text()
    assert 'BILLING_CURRENCY = "EUR"' in custom  # carried over by the v0.2.0 migration
    assert not (project / "config" / "settings" / "project.py").exists()
    assert not (project / "config" / "project_urls.py").exists()
    assert (project / "config" / "custom_urls.py").is_file()
    assert (project / slug / "billing" / "apps.py").is_file()
    assert "text/html" in (project / "tests" / "core" / "test_home.py").read_text()
    assert f"_commit: {NEW}" in (project / ".copier-answers.yml").read_text()

    # The updated project works, the user's app included.
    updated = Project(Combination(), project, {"project_slug": slug, "python_version": "3.13"})
    updated.manage("check", "--fail-level", "WARNING")
    result = updated.manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.BILLING_CURRENCY, settings.INSTALLED_APPS[-1])",
    )
    assert f"EUR {slug}.billing" in result.stdout
    assert " passed" in updated.venv("pytest", "-p", "no:cacheprovider", "-q").stdout


def test_conflicting_edit_is_reported_and_keeps_both_sides(template_repo, tmp_path):
    project = generate(template_repo, tmp_path / "svc", OLD)
    replace_in(project / PRODUCTION, REFERRER_OLD, 'SECURE_REFERRER_POLICY = "no-referrer"')
    commit_all(project, "user prefers no-referrer")

    update(project)  # exits normally even though it leaves a conflict

    found = conflicts(project)
    assert f"conflict markers: {PRODUCTION}" in found  # inline markers, and unmerged in git
    assert all(str(PRODUCTION) in line for line in found), found  # nothing else conflicts
    production = (project / PRODUCTION).read_text()
    assert '"no-referrer"' in production  # the user's side
    assert REFERRER_NEW in production  # the template's side
    assert str(PRODUCTION) in git(project, "status", "--porcelain")


def test_migration_runs_only_when_crossing_its_version(template_repo, tmp_path):
    # A project already on v0.2.0 has custom.py of its own; an update must leave it alone.
    project = generate(template_repo, tmp_path / "svc", NEW)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project)

    assert 'MINE = "kept"' in custom.read_text()
    assert conflicts(project) == []


def tree_differences(left: Path, right: Path) -> list[str]:
    """Paths whose presence or content differs between two generated projects."""
    ignored = {".git", ".copier-answers.yml"}
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


@pytest.mark.parametrize("layer", LAYERS)
def test_switching_a_layer_on_matches_a_fresh_generation(template_repo, tmp_path, layer):
    project = generate(template_repo, tmp_path / "switched", NEW)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project, **{f"use_{layer}": True})

    fresh = fresh_generation(template_repo, tmp_path / "fresh", **{f"use_{layer}": True})
    assert conflicts(project) == []
    assert tree_differences(project, fresh) == ["config/settings/custom.py"]  # the user's edit
    assert 'MINE = "kept"' in custom.read_text()
    assert f"use_{layer}: true" in (project / ".copier-answers.yml").read_text()


@pytest.mark.parametrize("layer", LAYERS)
def test_switching_a_layer_off_removes_it_cleanly(template_repo, tmp_path, layer):
    project = generate(template_repo, tmp_path / "switched", NEW, **{f"use_{layer}": True})

    update(project, **{f"use_{layer}": False})

    fresh = fresh_generation(template_repo, tmp_path / "fresh")
    assert conflicts(project) == []
    assert tree_differences(project, fresh) == []


def test_moving_to_django_6_1_matches_a_fresh_generation_and_passes(template_repo, tmp_path):
    layers = {f"use_{layer}": True for layer in LAYERS}
    project = generate(template_repo, tmp_path / "svc", NEW, project_name="Shop", **layers)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project, django_version="6.1")

    fresh = fresh_generation(
        template_repo, tmp_path / "fresh", project_name="Shop", django_version="6.1", **layers
    )
    assert conflicts(project) == []
    assert tree_differences(project, fresh) == ["config/settings/custom.py"]  # the user's edit
    assert 'MINE = "kept"' in custom.read_text()
    assert "django_version: '6.1'" in (project / ".copier-answers.yml").read_text()

    upgraded = Project(
        Combination(*layers.values(), django="6.1"),
        project,
        {"project_slug": "shop", "python_version": "3.13"},
    )
    version = upgraded.venv("python", "-c", "import django; print(django.get_version())")
    assert version.stdout.startswith("6.1."), version.stdout
    upgraded.manage("check", "--fail-level", "WARNING")
    assert " passed" in upgraded.venv("pytest", "-p", "no:cacheprovider", "-q").stdout
