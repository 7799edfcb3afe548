"""The documentation site agrees with copier.yml and template/, and builds with no warning.

docs/questions.md has one `### `name`` section per question of copier.yml; its table and each
layer's lists of files, dependencies and variables are generated from the template at build
time by docs/hooks/copier_docs.py. These tests fail when a question is added, renamed or
removed without its documentation, and when `mkdocs build --strict` warns about anything.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.harness import LAYERS, TEMPLATE_ROOT

# One worker builds the site once for every test here.

DOCS = TEMPLATE_ROOT / "docs"
QUESTIONS_PAGE = DOCS / "questions.md"
# Where the docs name a question: a layer question anywhere, or any question passed with --data.
QUESTION_MENTION = re.compile(r"\b(use_[a-z_]+)\b|--data[ =]([a-z_]+)=")


def questions() -> list[str]:
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    return [
        name
        for name, spec in config.items()
        if not name.startswith("_") and spec.get("when") is not False  # derived, never asked
    ]


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def load_hook() -> ModuleType:
    path = DOCS / "hooks" / "copier_docs.py"
    spec = importlib.util.spec_from_file_location("copier_docs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_every_question_has_a_section_and_every_section_a_question():
    sections = re.findall(r"^### `([^`]+)`", QUESTIONS_PAGE.read_text(), flags=re.MULTILINE)
    asked = questions()

    assert [q for q in asked if q not in sections] == [], "questions without a docs section"
    assert [s for s in sections if s not in asked] == [], "docs sections for no question"
    assert len(sections) == len(set(sections)), "a question is documented twice"


def test_the_docs_name_no_question_that_does_not_exist():
    asked = set(questions())
    unknown = []
    for page in [*pages(), TEMPLATE_ROOT / "README.md"]:
        for match in QUESTION_MENTION.finditer(page.read_text()):
            name = match.group(1) or match.group(2)
            if name not in asked:
                unknown.append(f"{page.relative_to(TEMPLATE_ROOT)}: {name}")
    assert unknown == []


def test_every_layer_question_has_its_generated_lists():
    text = QUESTIONS_PAGE.read_text()
    for layer in LAYERS:
        for kind in ("files", "dependencies", "env"):
            assert f"<!-- layer:{kind} use_{layer} -->" in text, f"{kind} of use_{layer}"


def test_the_hook_reports_a_question_missing_from_the_docs_and_one_too_many():
    hook = load_hook()
    text = QUESTIONS_PAGE.read_text()
    assert hook.section_problems(text) == []

    without_celery = text.replace("### `use_celery`", "### Celery")
    assert any("use_celery" in p for p in hook.section_problems(without_celery))
    extra = text + "\n### `use_kafka`\n"
    assert any("use_kafka" in p for p in hook.section_problems(extra))


def test_the_generated_table_has_one_row_per_question():
    table = load_hook().questions_table()
    rows = [line for line in table.splitlines() if line.startswith("| [`")]
    assert [re.search(r"\[`([^`]+)`\]", row).group(1) for row in rows] == questions()


def test_user_owned_files_named_in_the_docs_are_the_ones_copier_skips():
    """The files `copier update` never touches: the docs must name them as copier.yml does."""
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    skipped = config.get("_skip_if_exists", [])
    template = TEMPLATE_ROOT / config.get("_subdirectory", "template")
    text = "\n".join(page.read_text() for page in pages())
    for path in skipped:
        assert f"`{path}`" in text or "<!-- user-files -->" in text, path
        assert (template / path).exists() or (template / f"{path}.jinja").exists(), path
    # A config/ path the docs name is one a generated project can have (layer files come with
    # their layer), or an old name that a migration of hooks/migrations/ moves to its new one.
    show = load_hook()._show
    rendered = {
        "/".join(show(part) for part in path.relative_to(template).parts)
        for path in template.rglob("*")
    }
    migrations = "\n".join(p.read_text() for p in (TEMPLATE_ROOT / "hooks").rglob("*.py"))
    missing = []
    for path in set(re.findall(r"`(config/[\w./-]+)`", text)):
        if any(layer in path for layer in LAYERS) or path in migrations:
            continue
        if path.rstrip("/") not in rendered:
            missing.append(path)
    assert missing == [], "the docs name config/ files the template does not have"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built with --strict: a warning (a broken link, a drifted question) fails."""
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--clean",
            "--config-file",
            str(TEMPLATE_ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site_dir),
        ],
        cwd=TEMPLATE_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-6000:]}"
    return site_dir


def test_mkdocs_build_strict_passes_and_fills_every_marker(site):
    built = {path: path.read_text() for path in site.rglob("*.html")}
    assert (site / "index.html").is_file()
    assert not [str(p) for p, html in built.items() if re.search(r"<!-- [a-z-]+:[a-z]+", html)]
    questions_html = (site / "questions" / "index.html").read_text()
    for name in questions():
        assert f'id="{name}"' in questions_html, f"no section anchor for {name}"
        assert f'href="#{name}"' in questions_html, f"no table row for {name}"


def test_the_built_site_loads_nothing_from_the_network(site):
    for path in site.rglob("*.html"):
        html = path.read_text()
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert remote == [], f"{path.relative_to(site)} loads {remote}"
    architecture = (site / "architecture" / "index.html").read_text()
    assert '<pre class="mermaid">' in architecture
    assert "mermaid.tiny.js" in architecture


def test_the_hook_lists_a_layers_files_dependencies_and_variables(tmp_path):
    """On a small template: folders count their files, shared conditions are named."""
    (tmp_path / "copier.yml").write_text(
        "_subdirectory: template\nuse_a:\n  type: bool\n  default: false\n"
        "use_b:\n  type: bool\n  default: false\n"
    )
    files = [
        "config/settings/components/{% if use_a %}a.py{% endif %}.jinja",
        "{{ project_slug }}/items/{% if use_a %}api{% endif %}/views.py",
        "{{ project_slug }}/items/{% if use_a %}api{% endif %}/urls.py.jinja",
        "{{ project_slug }}/items/{% if use_b %}b{% endif %}/{% if use_a %}both.py{% endif %}",
        "config/{% if not use_a %}asgi.py{% endif %}",
        "config/{% if not use_a %}wsgi.py{% endif %}",
        "config/{% if use_a %}wsgi.py{% endif %}.jinja",
        "config/{% if use_b %}b.py{% endif %}",
    ]
    for name in files:
        path = tmp_path / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    (tmp_path / "template" / "pyproject.toml.jinja").write_text(
        'dependencies = [\n    "django",\n'
        '{% if use_a %}\n    # A\n    "a-lib>=1",\n{% endif %}\n]\n'
        '[dependency-groups]\ndev = [\n{% if use_a %}\n    "a-stubs",\n{% endif %}\n'
        '{% if use_b %}\n    "b-lib",\n{% endif %}\n]\n'
    )
    (tmp_path / "includes" / "env").mkdir(parents=True)
    (tmp_path / "includes" / "env" / "a.jinja").write_text("# What A needs.\nA_URL=\n")
    hook = load_hook()

    assert hook.files_block("use_a", tmp_path).splitlines() == [
        "- `config/settings/components/a.py`",
        "- `config/wsgi.py` (in place of the plain one of a project without it)",
        "- `<project_slug>/items/api/` (2 files)",
        "- `<project_slug>/items/b/both.py` — only when `use_b` is on too",
        "- replaces the plain `config/asgi.py` of a project without it",
    ]
    assert hook.dependencies_block("use_a", tmp_path).splitlines() == [
        "- runtime: `a-lib>=1`",
        "- development: `a-stubs`",
    ]
    assert "A_URL=" in hook.render_marker("layer:env", "use_a", tmp_path)
    assert hook.render_marker("layer:env", "use_b", tmp_path) == "*No variables of its own.*"
    with pytest.raises(ValueError, match="not a layer question"):
        hook.render_marker("layer:files", "use_c", tmp_path)


def test_the_settings_lists_custom_py_adds_to_are_the_ones_its_check_guards():
    """docs/architecture.md names every list custom_check.py guards (EXTENDED_LISTS)."""
    check = (TEMPLATE_ROOT / "template" / "config" / "settings" / "custom_check.py").read_text()
    guarded = re.search(r"^EXTENDED_LISTS = \(([^)]*)\)", check, flags=re.MULTILINE)
    assert guarded, "custom_check.py has no EXTENDED_LISTS tuple"
    text = (DOCS / "architecture.md").read_text()
    for name in re.findall(r'"([A-Z_]+)"', guarded.group(1)):
        assert f"`{name}`" in text, f"architecture.md does not name {name}"
