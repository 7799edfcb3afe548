"""`copier update` keeps a generated project current, and switches layers on and off.

The tests build a git repository of this template (tests/template_repo.py: a clone, history
included, with this checkout's changes committed) and put two commits on top, untagged as the
repository is published: OLD, with one template-owned line that differs and two files the
template later drops (a module and a page of notes), and NEW, which is this checkout again.
Copier exits 0 even when it leaves conflicts, so the tests look for conflict markers, *.rej files
and unmerged paths themselves. tests/test_update_history.py updates from real older commits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from copier import run_copy, run_update

from tests.harness import LAYERS, TEMPLATE_ROOT, Combination, Project
from tests.template_repo import (
    KEPT_SUFFIX,
    clone_this_checkout,
    commit_all,
    conflicts,
    git,
    kept_files,
    tree_differences,
)

REFERRER_OLD = 'SECURE_REFERRER_POLICY = "same-origin"'
REFERRER_NEW = 'SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"'
PRODUCTION = Path("config/settings/production.py")
# Files OLD renders and NEW does not; the user edits the first and not the second.
DROPPED_MODULE = "{{ project_slug }}/items/exports.py"
DROPPED_NOTES = "NOTES.md"
DROPPED_MODULE_TEXT = '"""CSV exports of items."""\n\nCOLUMNS = ("name", "price")\n'
MIGRATION = TEMPLATE_ROOT / "hooks" / "migrations" / "keep_user_files.py"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> tuple[Path, str, str]:
    """The repository, and the hashes of OLD and NEW."""
    repo = clone_this_checkout(tmp_path_factory.mktemp("template") / "django-pro")
    replace_in(repo / "template" / PRODUCTION, REFERRER_NEW, REFERRER_OLD)
    (repo / "template" / DROPPED_MODULE).write_text(DROPPED_MODULE_TEXT)
    (repo / "template" / DROPPED_NOTES).write_text("Notes of the team.\n")
    commit_all(repo, "OLD")
    old = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "revert", "--no-edit", "HEAD")
    return repo, old, git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(template_repo) -> Path:
    return template_repo[0]


@pytest.fixture
def old(template_repo) -> str:
    return template_repo[1]


@pytest.fixture
def new(template_repo) -> str:
    return template_repo[2]


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
    commit_all(destination, "generated")
    return destination


def fresh_generation(template: Path, destination: Path, ref: str, **answers) -> Path:
    """The newest version generated straight away, to compare an updated project with."""
    run_copy(str(template), destination, data=answers, defaults=True, unsafe=True, vcs_ref=ref)
    return destination


def update(project: Path, ref: str, **answers) -> None:
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


def test_update_keeps_user_edits_and_brings_template_changes(repo, old, new, tmp_path):
    project = generate(repo, tmp_path / "svc", old, project_name="Shop")
    slug = "shop"
    # The user's edits: a new app, a setting of their own, a changed template setting, a
    # changed test.
    (project / slug / "billing").mkdir()
    (project / slug / "billing" / "__init__.py").write_text("")
    (project / slug / "billing" / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass BillingConfig(AppConfig):\n"
        f'    name = "{slug}.billing"\n'
    )
    with (project / "config" / "settings" / "custom.py").open("a") as settings:
        settings.write(f'\nINSTALLED_APPS = ["{slug}.billing"]\nBILLING_CURRENCY = "EUR"\n')
    replace_in(project / PRODUCTION, "default=60 * 60 * 24 * 365", "default=60 * 60 * 24 * 730")
    replace_in(
        project / "tests" / "core" / "test_home.py",
        "    assert response.status_code == 200\n",
        "    assert response.status_code == 200\n"
        '    assert response["Content-Type"].startswith("text/html")\n',
    )
    commit_all(project, "user edits")

    update(project, new)

    assert conflicts(project) == []
    production = (project / PRODUCTION).read_text()
    assert REFERRER_NEW in production  # the template's change arrived
    assert "default=60 * 60 * 24 * 730" in production  # the user's change stayed
    assert 'BILLING_CURRENCY = "EUR"' in (project / "config" / "settings" / "custom.py").read_text()
    assert (project / slug / "billing" / "apps.py").is_file()
    assert "text/html" in (project / "tests" / "core" / "test_home.py").read_text()
    assert not (project / "NOTES.md").exists()  # dropped by the template, never edited
    commit = git(project, "show", "HEAD:.copier-answers.yml")  # the answers before the update
    assert old[:7] in commit and new[:7] in (project / ".copier-answers.yml").read_text()

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


def test_conflicting_edit_is_reported_and_keeps_both_sides(repo, old, new, tmp_path):
    project = generate(repo, tmp_path / "svc", old)
    replace_in(project / PRODUCTION, REFERRER_OLD, 'SECURE_REFERRER_POLICY = "no-referrer"')
    commit_all(project, "user prefers no-referrer")

    update(project, new)  # exits normally even though it leaves a conflict

    found = conflicts(project)
    assert f"conflict markers: {PRODUCTION}" in found  # inline markers, and unmerged in git
    assert all(str(PRODUCTION) in line for line in found), found  # nothing else conflicts
    production = (project / PRODUCTION).read_text()
    assert '"no-referrer"' in production  # the user's side
    assert REFERRER_NEW in production  # the template's side
    assert str(PRODUCTION) in git(project, "status", "--porcelain")


def run_migration_again(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MIGRATION), ".copier-answers.yml"],
        cwd=project,
        env={**os.environ, "STAGE": "after"},
        capture_output=True,
        text=True,
        check=True,
    )


def test_a_dropped_file_that_the_user_changed_is_kept_beside_its_path(
    repo, old, new, tmp_path, capfd
):
    project = generate(repo, tmp_path / "svc", old, project_name="Shop")
    exports = project / "shop" / "items" / "exports.py"
    mine = (
        exports.read_text()
        + "\n\ndef rows(items):\n    return [(i.name, i.price) for i in items]\n"
    )
    exports.write_text(mine)
    commit_all(project, "rows for the export")
    capfd.readouterr()

    update(project, new)

    kept = "shop/items/exports.py" + KEPT_SUFFIX
    assert kept_files(project) == [kept]
    assert (project / kept).read_text() == mine  # all of the user's version, nothing else
    assert not exports.exists()  # the template's file is gone, as the new version wants
    assert not (project / "NOTES.md").exists()  # dropped too, but never edited: not kept
    printed = capfd.readouterr().out
    assert f"kept   shop/items/exports.py -> {kept}" in printed
    assert conflicts(project) == []

    # Running it again (a second update, or by hand) changes nothing.
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    assert kept in run_migration_again(project).stdout
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_an_update_that_drops_no_file_leaves_the_users_files_alone(repo, new, tmp_path):
    # A project already on NEW has custom.py of its own and never had the dropped files.
    project = generate(repo, tmp_path / "svc", new)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project, new)

    assert 'MINE = "kept"' in custom.read_text()
    assert conflicts(project) == []
    assert kept_files(project) == []
    assert git(project, "status", "--porcelain") == ""
    assert run_migration_again(project).stdout == ""


@pytest.mark.parametrize("layer", LAYERS)
def test_switching_a_layer_on_matches_a_fresh_generation(repo, new, tmp_path, layer):
    project = generate(repo, tmp_path / "switched", new)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project, new, **{f"use_{layer}": True})

    fresh = fresh_generation(repo, tmp_path / "fresh", new, **{f"use_{layer}": True})
    assert conflicts(project) == []
    assert tree_differences(project, fresh) == ["config/settings/custom.py"]  # the user's edit
    assert 'MINE = "kept"' in custom.read_text()
    assert f"use_{layer}: true" in (project / ".copier-answers.yml").read_text()


@pytest.mark.parametrize("layer", LAYERS)
def test_switching_a_layer_off_removes_it_cleanly(repo, new, tmp_path, layer):
    project = generate(repo, tmp_path / "switched", new, **{f"use_{layer}": True})

    update(project, new, **{f"use_{layer}": False})

    fresh = fresh_generation(repo, tmp_path / "fresh", new)
    assert conflicts(project) == []
    assert tree_differences(project, fresh) == []


def files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def test_switching_a_layer_off_keeps_the_files_the_user_changed(repo, new, tmp_path, capfd):
    project = generate(repo, tmp_path / "svc", new, use_celery=True)
    without = fresh_generation(repo, tmp_path / "fresh", new)
    # Two of the layer's own files, whatever they are called: a module and a test.
    layer_files = sorted(files(project) - files(without))
    module = next(
        path for path in layer_files if path.startswith("config/") and path.endswith(".py")
    )
    test = next(path for path in layer_files if path.startswith("tests/") and path.endswith(".py"))
    for path in (module, test):
        (project / path).write_text((project / path).read_text() + "\n# The user's own line.\n")
    commit_all(project, "own lines in two Celery files")
    capfd.readouterr()

    update(project, new, use_celery=False)

    assert kept_files(project) == sorted([module + KEPT_SUFFIX, test + KEPT_SUFFIX])
    for path in (module, test):
        assert (project / (path + KEPT_SUFFIX)).read_text().endswith("# The user's own line.\n")
    printed = capfd.readouterr().out
    assert f"kept   {module} -> {module}{KEPT_SUFFIX}" in printed
    # Apart from the kept files, the project is what a project without Celery is.
    assert tree_differences(project, without) == sorted([module + KEPT_SUFFIX, test + KEPT_SUFFIX])
    assert conflicts(project) == []


def test_moving_to_django_6_1_matches_a_fresh_generation_and_passes(repo, new, tmp_path):
    layers = {f"use_{layer}": True for layer in LAYERS}
    project = generate(repo, tmp_path / "svc", new, project_name="Shop", **layers)
    custom = project / "config" / "settings" / "custom.py"
    custom.write_text(custom.read_text() + '\nMINE = "kept"\n')
    commit_all(project, "own setting")

    update(project, new, django_version="6.1")

    fresh = fresh_generation(
        repo, tmp_path / "fresh", new, project_name="Shop", django_version="6.1", **layers
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
