"""extensions/django_pro.py: the filters and tests copier.yml and the template use, and what a
user without copier-template-extensions sees."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from tests.harness import TEMPLATE_ROOT, clean_env

spec = importlib.util.spec_from_file_location(
    "django_pro_extension", TEMPLATE_ROOT / "extensions" / "django_pro.py"
)
assert spec and spec.loader
extension = importlib.util.module_from_spec(spec)
spec.loader.exec_module(extension)

# The same unusual names tests/test_questions.py gives the whole template.
SLUGS = [
    ("My Service", "my_service"),
    ("Café Ünïcode API", "cafe_unicode_api"),
    ("  spaced   out  ", "spaced_out"),
    ("2fast delivery", "project_2fast_delivery"),
    ("!!!", "project"),
    ("A" * 80, "a" * 30),
    ("Ökonomie & Straße", "okonomie_strasse"),
    ("2024", "project_2024"),
    ("日本語サービス", "project"),
    ("— ✨ … —", "project"),
    ("Long " * 16, ("long_" * 6).rstrip("_")),
    ("Łódź Œuvre Æsir Øre Đakovo", "lodz_oeuvre_aesir_ore_dakovo"),
]


@pytest.mark.parametrize(("name", "slug"), SLUGS)
def test_python_slug(name, slug):
    derived = extension.python_slug(name)
    assert derived == slug
    assert derived.isidentifier() and len(derived) <= 30 and not derived.endswith("_")


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"])
def test_known_timezones(name):
    assert extension.known_timezone(name)


@pytest.mark.parametrize("name", ["utc", "Mars/Olympus", "Europe/", "", "../etc/passwd"])
def test_unknown_timezones(name):
    assert not extension.known_timezone(name)


@pytest.mark.parametrize("name", ["class", "true", "none", "false", "async"])
def test_python_keywords(name):
    assert extension.python_keyword(name)


@pytest.mark.parametrize("name", ["json", "asyncio", "tomllib", "django", "celery", "config"])
def test_reserved_modules(name):
    assert extension.reserved_module(name)


def test_ordinary_names_are_not_reserved():
    assert not extension.reserved_module("billing")
    assert not extension.python_keyword("billing")


# Top-level modules of each distribution the template's pyproject.toml.jinja can name. A new
# dependency fails test_every_dependency_module_is_reserved until it is listed here and its
# modules are in PROJECT_MODULES.
DISTRIBUTION_MODULES = {
    "aiohttp": ["aiohttp"],
    "aiosmtpd": ["aiosmtpd"],
    "celery": ["celery", "kombu", "billiard", "amqp", "vine"],
    "celery-types": [],
    "certifi": ["certifi"],
    "channels": ["channels"],
    "channels-redis": ["channels_redis"],
    "coverage": ["coverage"],
    "daphne": ["daphne"],
    "django": ["django"],
    "django-allauth": ["allauth"],
    "django-anymail": ["anymail"],
    "django-axes": ["axes"],
    "django-cors-headers": ["corsheaders"],
    "django-csp": ["csp"],
    "django-debug-toolbar": ["debug_toolbar"],
    "django-environ": ["environ"],
    "django-filter": ["django_filters"],
    "django-ipware": ["ipware"],
    "django-silk": ["silk"],
    "django-split-settings": ["split_settings"],
    "django-stubs": [],
    "django-stubs-ext": ["django_stubs_ext"],
    "djangorestframework": ["rest_framework"],
    "djangorestframework-dataclasses": ["rest_framework_dataclasses"],
    "djangorestframework-simplejwt": ["rest_framework_simplejwt"],
    "djangorestframework-stubs": [],
    "drf-spectacular": ["drf_spectacular"],
    "drf-spectacular-sidecar": ["drf_spectacular_sidecar"],
    "factory-boy": ["factory"],
    "gunicorn": ["gunicorn"],
    "httpx": ["httpx"],
    "httpx-aiohttp": ["httpx_aiohttp"],
    "import-linter": ["importlinter", "grimp"],
    "mypy": ["mypy"],
    "prometheus-client": ["prometheus_client"],
    "psycopg": ["psycopg", "psycopg_binary", "psycopg_pool"],
    "pytest": ["pytest"],
    "pytest-asyncio": ["pytest_asyncio"],
    "pytest-cov": ["pytest_cov"],
    "pytest-django": ["pytest_django"],
    "python-json-logger": ["pythonjsonlogger"],
    "redis": ["redis"],
    "ruff": ["ruff"],
    "sentry-sdk": ["sentry_sdk"],
    "strawberry-graphql": ["strawberry", "graphql"],
    "strawberry-graphql-django": ["strawberry_django"],
    "types-channels": [],
    "types-django-filter": [],
    "uvicorn": ["uvicorn"],
    "websockets": ["websockets"],
    "whitenoise": ["whitenoise"],
}


def test_every_dependency_module_is_reserved():
    pyproject = (TEMPLATE_ROOT / "template" / "pyproject.toml.jinja").read_text()
    requirements = pyproject.split("\n[tool.", 1)[0]  # [project] and [dependency-groups]
    names = set(re.findall(r'^\s+"([A-Za-z][\w.-]*)(?:\[[^\]]*\])?\s*[<>=!~]', requirements, re.M))
    assert "django" in names and "celery" in names  # the pattern finds the dependencies
    unknown = sorted(names - DISTRIBUTION_MODULES.keys())
    assert unknown == [], f"list the top-level modules of {unknown} in DISTRIBUTION_MODULES"
    modules = {module for name in names for module in DISTRIBUTION_MODULES[name]}
    assert sorted(modules - extension.PROJECT_MODULES) == []


@pytest.mark.parametrize(
    ("commit", "release"),
    [
        ("v1.2.0", True),
        ("1.2", True),
        ("v2.0.0rc1", True),
        ("5c498bd", False),
        ("1234567", False),  # an abbreviated hash of digits only is no release
        ("v1.2.0-3-g5c498bd", False),
        (None, False),
    ],
)
def test_release_tags(commit, release):
    assert extension.is_release_tag(commit) is release
    command = extension.update_command({"_commit": commit})
    assert command.startswith("uvx --with copier-template-extensions copier update --trust")
    assert command.endswith("--vcs-ref HEAD") is not release


def test_a_relative_local_source_is_recorded_absolute(tmp_path, monkeypatch):
    (tmp_path / "django-pro").mkdir()
    monkeypatch.chdir(tmp_path)
    for typed in ("django-pro", "./django-pro"):
        answers = extension.with_absolute_source({"_src_path": typed, "_commit": "5c498bd"})
        assert answers == {"_src_path": (tmp_path / "django-pro").as_posix(), "_commit": "5c498bd"}
    for kept in ("gh:acme/django-pro", "https://example.com/acme/django-pro.git", "/srv/t"):
        assert extension.with_absolute_source({"_src_path": kept})["_src_path"] == kept


def test_without_copier_template_extensions_copier_says_what_is_missing(tmp_path):
    """A Copier installed alone stops before writing anything and names the package."""
    uv = shutil.which("uv")
    assert uv, "uv is needed to build a Copier without copier-template-extensions"
    venv = tmp_path / "copier-alone"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    import copier

    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
         f"copier=={copier.__version__}"],
        check=True,
        env=clean_env(),
    )  # fmt: skip
    destination = tmp_path / "project"
    result = subprocess.run(
        [str(venv / "bin" / "copier"), "copy", "--trust", "--defaults",
         str(TEMPLATE_ROOT), str(destination)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "No module named 'copier_template_extensions'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not destination.exists()
