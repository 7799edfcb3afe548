"""hooks/migrations/settings_upgrade.py: an old-rule custom.py keeps its meaning.

custom.py used to be merged so that `INSTALLED_APPS = [...]` there was appended to the template's
list (MIDDLEWARE, HEALTH_CHECKS and SENTRY_INTEGRATIONS too; LEADING_APPS went in front). It now
runs as plain Python in the settings, where that line would replace the list. The hook rewrites
such a file; the generated project refuses to start with one it could not rewrite.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.migrations import settings_upgrade as upgrade_hook
from tests.harness import TEMPLATE_ROOT, Combination, combination_params

HOOK = TEMPLATE_ROOT / "hooks" / "migrations" / "settings_upgrade.py"
upgrade = upgrade_hook.upgrade

OLD_TEMPLATE_FILE = f'"""{upgrade_hook.OLD_DOCSTRING}"""\n'
DECLARATION = "import typing\n\nif typing.TYPE_CHECKING:"


def test_each_appended_list_becomes_an_explicit_addition():
    result = upgrade(
        '"""Mine."""\n\n'
        'INSTALLED_APPS = ["shop.billing"]\n'
        "MIDDLEWARE: list[str] = [\n"
        '    "shop.billing.middleware.PlanMiddleware",\n'
        "]\n"
        'HEALTH_CHECKS = ("shop.billing.health.check_payments",)\n'
        'SENTRY_INTEGRATIONS = ["sentry_sdk.integrations.httpx.HttpxIntegration"]\n'
        'BILLING_CURRENCY = "EUR"\n'
    )
    assert result.text == (
        '"""Mine."""\n\n'
        "import typing\n\n"
        "if typing.TYPE_CHECKING:  # set by base.py, in whose namespace this file runs\n"
        "    from config.settings.base import HEALTH_CHECKS, INSTALLED_APPS, MIDDLEWARE, "
        "SENTRY_INTEGRATIONS\n\n"
        'INSTALLED_APPS += ["shop.billing"]\n'
        "MIDDLEWARE += [\n"
        '    "shop.billing.middleware.PlanMiddleware",\n'
        "]\n"
        'HEALTH_CHECKS += ("shop.billing.health.check_payments",)\n'
        'SENTRY_INTEGRATIONS += ["sentry_sdk.integrations.httpx.HttpxIntegration"]\n'
        'BILLING_CURRENCY = "EUR"\n'
    )
    assert result.left == []


def test_leading_apps_go_in_front_of_installed_apps():
    result = upgrade('LEADING_APPS = ["daphne", "whitenoise.runserver_nostatic"]\n')
    assert result.text.endswith(
        '\nINSTALLED_APPS = ["daphne", "whitenoise.runserver_nostatic", *INSTALLED_APPS]\n'
    )
    assert "from config.settings.base import INSTALLED_APPS\n" in result.text
    split = upgrade("LEADING_APPS = [\n    FIRST,\n]\n").text
    assert split.endswith("INSTALLED_APPS = [*[\n    FIRST,\n], *INSTALLED_APPS]\n")


def test_the_declaration_goes_after_the_docstring_and_future_imports():
    text = upgrade(
        '"""Mine."""\n\nfrom __future__ import annotations\n\nimport os\n\n'
        'INSTALLED_APPS = [os.environ["EXTRA_APP"]]\n'
    ).text
    assert text.index("from __future__") < text.index(DECLARATION) < text.index("import os")


def test_a_conditional_assignment_stays_conditional():
    text = upgrade(
        'if DEBUG:\n    INSTALLED_APPS = ["silk"]\nelse:\n    INSTALLED_APPS = []\n'
    ).text
    assert 'if DEBUG:\n    INSTALLED_APPS += ["silk"]\nelse:\n    INSTALLED_APPS += []\n' in text


def test_an_unedited_old_docstring_is_replaced_by_the_new_one():
    result = upgrade(OLD_TEMPLATE_FILE)
    assert result.new_docstring
    assert "are appended to" not in result.text
    assert "INSTALLED_APPS += [" in result.text  # the new docstring's example
    assert DECLARATION not in result.text  # no list to declare
    edited = upgrade(OLD_TEMPLATE_FILE.replace("Copier creates", "We keep"))
    assert not edited.changed  # a docstring of the user's own is theirs


def test_what_is_already_explicit_or_ambiguous_is_left_alone():
    explicit = (
        '"""Mine."""\n\nimport typing\n\n'
        "if typing.TYPE_CHECKING:\n    from config.settings.base import INSTALLED_APPS\n\n"
        'INSTALLED_APPS += ["a"]\nINSTALLED_APPS = [*INSTALLED_APPS, "b"]\n'
        "INSTALLED_APPS.append('c')\n"
    )
    assert not upgrade(explicit).changed
    twice = upgrade('INSTALLED_APPS = ["a"]\nINSTALLED_APPS = ["a", "b"]\nHEALTH_CHECKS = ["c"]\n')
    assert twice.left == ["INSTALLED_APPS"]
    assert 'INSTALLED_APPS = ["a"]\nINSTALLED_APPS = ["a", "b"]\n' in twice.text
    assert 'HEALTH_CHECKS += ["c"]' in twice.text
    inside_a_function = "def apps():\n    INSTALLED_APPS = ['x']\n    return INSTALLED_APPS\n"
    assert not upgrade(inside_a_function).changed


def test_it_is_idempotent():
    once = upgrade(OLD_TEMPLATE_FILE + 'INSTALLED_APPS = ["shop.billing"]\nLEADING_APPS = ["x"]\n')
    assert once.changed
    assert not upgrade(once.text).changed


def test_the_command_rewrites_the_file_at_the_after_stage_only(tmp_path):
    custom = tmp_path / "config" / "settings" / "custom.py"
    custom.parent.mkdir(parents=True)
    custom.write_text('INSTALLED_APPS = ["shop.billing"]\n')

    def run(stage: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(HOOK)],
            cwd=tmp_path,
            env={"STAGE": stage, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )

    run("before")
    assert custom.read_text() == 'INSTALLED_APPS = ["shop.billing"]\n'
    assert "INSTALLED_APPS now adds to the list" in run("after").stdout
    assert 'INSTALLED_APPS += ["shop.billing"]' in custom.read_text()
    assert run("after").stdout == ""  # nothing left to do


# The generated project: the old file, rewritten, gives the lists the old rule gave.

# As base.py leaves them, where custom.py is merged; the environment modules then change them
# the same way whatever custom.py holds.
LISTS = (
    "import json; from django.conf import settings; from config.settings import base; "
    "print(json.dumps({name: list(getattr(base, name)) for name in "
    "('INSTALLED_APPS', 'MIDDLEWARE', 'HEALTH_CHECKS', 'SENTRY_INTEGRATIONS')}))"
)
AXES = "axes.middleware.AxesMiddleware"


def old_rule(settings: dict[str, list[str]], custom: dict[str, list[str]]) -> dict[str, list[str]]:
    """What config/settings/layering.py's merge_settings() made of `custom` (before this change)."""
    merged = {name: [*entries, *custom.get(name, [])] for name, entries in settings.items()}
    merged["INSTALLED_APPS"] = [*custom.get("LEADING_APPS", []), *merged["INSTALLED_APPS"]]
    middleware = merged["MIDDLEWARE"]
    merged["MIDDLEWARE"] = [entry for entry in middleware if entry != AXES] + [AXES]
    return merged


@pytest.mark.slow
@pytest.mark.parametrize(
    "combination", combination_params([Combination(), Combination(True, True, True, True, True)])
)
def test_an_old_custom_py_gives_the_same_lists_once_rewritten(projects, combination):
    project = projects(combination)
    slug = project.slug
    custom = project.path / "config" / "settings" / "custom.py"
    app = project.path / slug / "billing"
    template_custom = custom.read_text()
    old_values = {
        "INSTALLED_APPS": [f"{slug}.billing"],
        "MIDDLEWARE": [f"{slug}.billing.middleware.PlanMiddleware"],
        "HEALTH_CHECKS": [f"{slug}.billing.health.check_payments"],
        "SENTRY_INTEGRATIONS": ["sentry_sdk.integrations.httpx.HttpxIntegration"],
        "LEADING_APPS": ["whitenoise.runserver_nostatic"],
    }
    old_file = OLD_TEMPLATE_FILE + "".join(
        f"{name} = {json.dumps(values)}\n" for name, values in old_values.items()
    )

    def lists() -> dict[str, list[str]]:
        result = project.manage("shell", "-c", LISTS)
        return json.loads(result.stdout.strip().splitlines()[-1])

    try:
        app.mkdir()
        (app / "__init__.py").write_text("")
        baseline = lists()

        custom.write_text(old_file)
        refused = project.venv("sh", "-c", "python manage.py check 2>&1; true")
        assert "config/settings/custom.py sets" in refused.stdout
        assert "the old way" in refused.stdout

        project.venv("python", str(HOOK), str(project.path))
        assert lists() == old_rule(baseline, old_values)
        project.venv("ruff", "check", "config/settings/custom.py")
        project.venv("ruff", "format", "--check", "config/settings/custom.py")
        project.venv("mypy", "config/settings/custom.py")
    finally:
        custom.write_text(template_custom)
        shutil.rmtree(app, ignore_errors=True)


def test_the_hook_knows_the_docstring_the_template_used_to_write():
    # The rule's old text is kept in the hook, and the template's custom.py no longer has it.
    current = (TEMPLATE_ROOT / "template" / "config" / "settings" / "custom.py").read_text()
    assert upgrade_hook.OLD_DOCSTRING not in current
    assert Path(upgrade_hook.TEMPLATE_CUSTOM_SETTINGS).is_file()
