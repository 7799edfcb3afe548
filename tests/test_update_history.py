"""Projects generated from older commits of this repository update to this checkout, the way users
run it: with the generated README's command, whether or not the repository carries tags.

The repository is published untagged: its main branch ships, Copier versions each commit as
0.0.0.post<n>.dev0+<hash>, and a `_migrations` entry gated on a version never runs. Tags may come
later. So each older commit is tried twice, in a clone of this repository (history included,
this checkout's changes committed on top): untagged as published, the project generated from the
commit's hash; and tagged (v0.1.0, v0.2.0, v0.3.0 on the older commits, v1.0.0 on this checkout),
the project generated from its release.

The user edits the project as the docs of its version said: an app of their own with a test,
their settings and URLs in the module the docs named (config/settings/project.py and
config/project_urls.py before the rename, custom.py and custom_urls.py after), and a line of a
template-owned file. After the update every edit is still there, nothing conflicts, nothing is
left behind, the new version's files arrived, and the project's own suite passes (run once per
older commit: the tagged update must end in the same files as the untagged one).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from copier import run_copy

from tests.harness import clean_env
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
    tree_differences,
)

# The older commits updated from: the first whose project installs and passes its tests, the
# last before the user-owned modules were renamed (d8763d9), and a recent one.
OLDER = {
    "first": "93c11988552140f2ff6a8725783d99fe40669f97",
    "before-rename": "bda3e5a1f6c99cd240413ae7d0d45d274684db32",
    "recent": "5c498bdd969159e546b19e7c4297ad77caaebc5c",
}
RELEASES = {"first": "v0.1.0", "before-rename": "v0.2.0", "recent": "v0.3.0"}
NEWEST_RELEASE = "v1.0.0"
ANSWERS = {"project_name": "Shop"}
SLUG = "shop"
UPDATE_SECTION = "## Update from the template"
# What uv sync and the project's suite leave in the tree, beside the rendered files.
TOOL_OUTPUT = {".venv", "uv.lock", ".pytest_cache", ".coverage", "db.sqlite3", "__pycache__"}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """For each world, the template repository and a project freshly generated from its newest
    version (the updated projects must match it, apart from the user's edits)."""
    require_history(*OLDER.values())
    found = {}
    for world in ("untagged", "tagged"):
        root = tmp_path_factory.mktemp(world)
        repo = clone_this_checkout(root / "django-pro")
        if world == "tagged":
            for name, tag in RELEASES.items():
                git(repo, "tag", tag, OLDER[name])
            git(repo, "tag", NEWEST_RELEASE, "HEAD")
        fresh = root / "fresh"
        run_copy(str(repo), fresh, data=ANSWERS, defaults=True, unsafe=True, quiet=True)
        found[world] = (repo, fresh)
    return found


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def edit_as_the_docs_say(project: Path) -> set[str]:
    """The user's edits; returns the paths they touched."""
    app = project / SLUG / "billing"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass BillingConfig(AppConfig):\n"
        f'    name = "{SLUG}.billing"\n'
    )
    (app / "views.py").write_text(
        "from django.conf import settings\nfrom django.http import HttpRequest, JsonResponse\n\n\n"
        "def currency(request: HttpRequest) -> JsonResponse:\n"
        '    return JsonResponse({"currency": settings.BILLING_CURRENCY})\n'
    )
    (app / "urls.py").write_text(
        f"from django.urls import path\n\nfrom {SLUG}.billing.views import currency\n\n"
        'urlpatterns = [path("currency/", currency)]\n'
    )
    tests = project / "tests" / "billing"
    tests.mkdir()
    (tests / "__init__.py").write_text("")
    (tests / "test_views.py").write_text(
        "def test_the_currency_comes_from_the_settings(client):\n"
        '    assert client.get("/billing/currency/").json() == {"currency": "EUR"}\n'
    )

    settings = project / "config" / "settings"
    if (settings / "custom.py").exists():  # the docs since the rename: lists are appended to
        settings_module, urls_module = settings / "custom.py", project / "config" / "custom_urls.py"
        append(settings_module, f'\nINSTALLED_APPS = ["{SLUG}.billing"]\n')
    else:  # before: "add them to INSTALLED_APPS in project.py (`INSTALLED_APPS += [...]`)"
        settings_module, urls_module = (
            settings / "project.py",
            project / "config" / "project_urls.py",
        )
        append(
            settings_module,
            "\nfrom config.settings.base import INSTALLED_APPS\n\n"
            f'INSTALLED_APPS += ["{SLUG}.billing"]\n',
        )
    append(settings_module, 'BILLING_CURRENCY = "EUR"\n')
    replace_in(
        urls_module,
        "import URLPattern, URLResolver",
        "import URLPattern, URLResolver, include, path",
    )
    replace_in(urls_module, "= []", f'= [path("billing/", include("{SLUG}.billing.urls"))]')

    # A line of a template-owned file: HSTS for two years instead of one.
    replace_in(
        settings / "production.py", "default=60 * 60 * 24 * 365", "default=60 * 60 * 24 * 730"
    )
    return {
        f"{SLUG}/billing",
        "tests/billing",
        "config/settings/custom.py",
        "config/custom_urls.py",
        "config/settings/production.py",
    }


def differences_from(project: Path, fresh: Path) -> set[str]:
    """What differs from a fresh generation, leaving out what uv and pytest wrote."""
    return {
        path
        for path in tree_differences(project, fresh)
        if not TOOL_OUTPUT.intersection(path.split("/"))
        and not path.rsplit("/", 1)[-1].startswith(".coverage")
    }


def update_as_the_readme_says(
    worlds: dict[str, tuple[Path, Path]], world: str, older: str, project: Path, suite: bool
) -> Path:
    """Generate `project` from the `older` version in `world`, edit it as its docs said, and
    update it with the newest README's commands, as written; `suite=False` stops before the
    last line's `uv run pytest`. Checks what the update must bring and keep."""
    repo, fresh = worlds[world]
    ref = RELEASES[older] if world == "tagged" else OLDER[older]
    run_copy(str(repo), project, data=ANSWERS, defaults=True, unsafe=True, vcs_ref=ref, quiet=True)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from django-pro")
    edited = edit_as_the_docs_say(project)
    commit_all(project, "Billing app, its settings and routes; HSTS for two years")

    # The command the generated README gives for a project made this way (from a commit or from
    # a release), run as written: it ends with `uv sync && uv run pytest`.
    block = bash_block((fresh / "README.md").read_text(), UPDATE_SECTION).rstrip()
    assert ("--vcs-ref HEAD" in block) is (world == "untagged")
    assert block.endswith("\nuv sync && uv run pytest")
    result = run_block(block if suite else block.removesuffix(" && uv run pytest"), project)

    assert conflicts(project) == []
    assert kept_files(project) == []
    if older != "recent":  # the user's modules moved to their new names by the migration
        assert "moved  config/settings/project.py -> config/settings/custom.py" in result.stdout
        assert not (project / "config" / "settings" / "project.py").exists()
        assert not (project / "config" / "project_urls.py").exists()
    custom = (project / "config" / "settings" / "custom.py").read_text()
    assert 'BILLING_CURRENCY = "EUR"' in custom and f'"{SLUG}.billing"' in custom
    assert "billing.urls" in (project / "config" / "custom_urls.py").read_text()
    production = (project / "config" / "settings" / "production.py").read_text()
    assert "default=60 * 60 * 24 * 730" in production
    assert (project / SLUG / "billing" / "views.py").is_file()
    # The new version's files arrived and the old ones left: apart from the user's edits, the
    # project is what the newest version generates.
    assert differences_from(project, fresh) == edited
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert git(repo, "rev-parse", answers["_commit"]) == git(repo, "rev-parse", "HEAD")
    if world == "tagged":
        assert answers["_commit"] == NEWEST_RELEASE
    if suite:
        assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
        assert " failed" not in result.stdout
    return project


@pytest.mark.slow
@pytest.mark.parametrize("older", list(OLDER))
def test_an_older_project_updates_with_the_readme_command(worlds, older, tmp_path):
    """Untagged, as published, the README's commands run as written, the project's suite last.
    Tagged, the same commands but the suite: the updated project must be the untagged one, file
    for file, so the suite that passed there is this project's suite on the same code. Only the
    README differs (its update command follows releases instead of the main branch), and what
    uv, pytest and .copier-answers.yml record."""
    published = update_as_the_readme_says(
        worlds, "untagged", older, tmp_path / "untagged" / SLUG, suite=True
    )
    released = update_as_the_readme_says(
        worlds, "tagged", older, tmp_path / "tagged" / SLUG, suite=False
    )
    assert differences_from(released, published) == {"README.md"}


@pytest.mark.slow
def test_an_old_readme_command_without_the_extension_package_changes_nothing(worlds, tmp_path):
    """Projects generated before the template needed copier-template-extensions carry a README
    whose command (`uvx copier update --trust`) lacks it: Copier stops with the missing module's
    name before it changes anything (docs/updating.md gives the new command)."""
    repo, _ = worlds["untagged"]
    project = tmp_path / SLUG
    run_copy(str(repo), project, data=ANSWERS, defaults=True, unsafe=True, vcs_ref=OLDER["recent"])
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from django-pro")
    old_command = bash_block((project / "README.md").read_text(), UPDATE_SECTION).splitlines()[1]
    assert old_command.startswith("uvx copier update --trust")

    result = subprocess.run(
        ["bash", "-c", old_command],
        cwd=project,
        env=clean_env(**IDENTITY),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert "No module named 'copier_template_extensions'" in result.stderr, result.stderr
    assert git(project, "status", "--porcelain") == ""


USER_CODE = '\n\ndef export_csv_of_items() -> str:\n    return "the user\'s own code"\n'


@pytest.mark.slow
@pytest.mark.parametrize("drf", [True, False], ids=["drf", "nodrf"])
def test_code_the_user_added_to_files_the_one_http_api_retires_is_kept(worlds, drf, tmp_path):
    """The one-HTTP-API change stops rendering the hand-rolled JSON views with DRF on
    (items/views.py, items/forms.py) and moves the async price view out of items/views.py in
    every combination. Code the user added there before is never lost: with DRF it is kept
    beside the retired files and listed, and the project passes its tests; without DRF it stays
    in items/views.py, where the update shows a conflict next to the moved view, which the
    README's own check reports."""
    repo, fresh = worlds["untagged"]
    project = tmp_path / SLUG
    answers = {**ANSWERS, "use_drf": drf}
    run_copy(str(repo), project, data=answers, defaults=True, unsafe=True, vcs_ref=OLDER["recent"])
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Generate from django-pro")
    views, forms = project / SLUG / "items" / "views.py", project / SLUG / "items" / "forms.py"
    append(views, USER_CODE)
    append(forms, USER_CODE)
    commit_all(project, "Code of our own in the items app")

    # The newest README's update commands, as written.
    block = bash_block((fresh / "README.md").read_text(), UPDATE_SECTION)
    update, check = block.split("git diff --check", 1)
    result = run_block(update, project)
    if drf:
        assert conflicts(project) == []
        retired = [f"{SLUG}/items/forms.py", f"{SLUG}/items/views.py"]
        assert kept_files(project) == [f"{path}.removed-from-template" for path in retired]
        for path in retired:
            assert f"kept   {path} -> {path}.removed-from-template" in result.stdout
            assert USER_CODE in (project / f"{path}.removed-from-template").read_text()
            assert not (project / path).exists()
        suite = run_block(f"git diff --check{check}", project)
        assert re.search(r"\d+ passed", suite.stdout), suite.stdout[-2000:]
        assert " failed" not in suite.stdout
    else:
        assert kept_files(project) == []
        assert USER_CODE in forms.read_text()  # merged cleanly
        assert USER_CODE.strip() in views.read_text()
        assert conflicts(project) == [
            f"unmerged: {line}" for line in git(project, "ls-files", "-u").splitlines()
        ] + [f"conflict markers: {SLUG}/items/views.py"]
        stopped = subprocess.run(
            ["bash", "-c", "git diff --check"], cwd=project, capture_output=True, text=True
        )
        assert stopped.returncode != 0
        assert f"{SLUG}/items/views.py" in stopped.stdout
