"""Jinja filters and tests for copier.yml and the template, computed live instead of listed.

Copier loads this module through copier-template-extensions (`_jinja_extensions` in copier.yml),
which must be installed beside Copier: `uvx --with copier-template-extensions copier ...` or
`pip install copier copier-template-extensions`. It is not copied into generated projects.

    {{ project_name | python_slug }}              the default package name of a project
    {% if timezone is known_timezone %}           a name of the tz database of this Python
    {% if project_slug is python_keyword %}       a keyword (True, False and None in any case)
    {% if project_slug is reserved_module %}      a module the project imports: shadowing it breaks
    {{ _copier_answers | with_absolute_source }}  the answers, a relative local source made absolute
    {{ _copier_answers | update_command }}        the `copier update` that suits how it was made
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
import zoneinfo
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

SLUG_MAX_LENGTH = 30

# Letters that Unicode does not decompose into an ASCII letter and a mark.
FOLDED_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "þ": "th"}  # noqa: RUF001
)

# Top-level modules of Django, of the generated project and of every dependency a layer can add
# (beside the standard library, which comes from sys.stdlib_module_names): a project package of
# one of these names would shadow it on sys.path. tests/test_extensions.py holds this list to the
# dependencies in template/pyproject.toml.jinja.
PROJECT_MODULES = frozenset(
    {
        "aiohttp", "aiosmtpd", "allauth", "amqp", "anymail", "asgiref", "axes", "billiard",
        "celery", "certifi", "channels", "channels_redis", "config", "conftest", "corsheaders",
        "coverage", "csp", "daphne", "debug_toolbar", "django", "django_celery_beat",
        "django_filters", "django_stubs_ext", "drf_spectacular", "drf_spectacular_sidecar",
        "environ", "factory", "graphql", "grimp", "gunicorn", "httpx", "httpx_aiohttp",
        "importlinter", "ipware", "kombu", "manage", "mypy", "prometheus_client", "psycopg",
        "psycopg_binary", "psycopg_pool", "pytest", "pytest_asyncio", "pytest_cov",
        "pytest_django", "pythonjsonlogger", "redis", "rest_framework",
        "rest_framework_dataclasses", "rest_framework_simplejwt", "ruff", "sentry_sdk", "silk",
        "split_settings", "strawberry", "strawberry_django", "test", "tests", "uvicorn", "vine",
        "websockets", "whitenoise",
    }
)  # fmt: skip

# A tag Copier reads as a release: a PEP 440 version with at least major.minor (an abbreviated
# commit hash has no dot, `git describe` output after a tag ends in -<n>-g<hash>).
RELEASE_TAG = re.compile(r"v?\d+(\.\d+)+((a|b|rc)\d+)?(\.post\d+)?")
REMOTE_SOURCE = re.compile(r"^([a-z][a-z0-9+.-]*://|gh:|gl:|git@|git\+)", re.IGNORECASE)
EXTENSIONS_PACKAGE = "copier-template-extensions"


def python_slug(name: str) -> str:
    """A lowercase Python identifier derived from a human name, at most 30 characters."""
    folded = unicodedata.normalize("NFKD", name.lower().translate(FOLDED_LETTERS))
    ascii_only = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_") or "project"
    if slug[0].isdigit():
        slug = f"project_{slug}"
    return slug[:SLUG_MAX_LENGTH].rstrip("_")


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def known_timezone(name: Any) -> bool:
    """A name of the tz database, as this Python sees it (tzdata or the system's zoneinfo)."""
    timezones = _timezones()
    if not timezones:  # no tz database at all (Windows without tzdata): check the shape only
        return bool(re.fullmatch(r"[A-Z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*", str(name)))
    return str(name) in timezones


def python_keyword(name: Any) -> bool:
    return keyword.iskeyword(str(name)) or keyword.iskeyword(str(name).capitalize())


def reserved_module(name: Any) -> bool:
    return str(name) in sys.stdlib_module_names or str(name) in PROJECT_MODULES


def is_release_tag(commit: Any) -> bool:
    return bool(RELEASE_TAG.fullmatch(str(commit or "")))


def with_absolute_source(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to record, with a relative local template path made absolute.

    Copier records `_src_path` as typed: `copier copy . ../my-service` would record `.`, which a
    later `copier update` resolves against the folder it runs in, and fails. Copier renders from
    the folder the user ran it in, so the path is resolved against that folder now.
    """
    recorded = dict(answers)
    source = str(recorded.get("_src_path") or "")
    if source and not REMOTE_SOURCE.match(source):
        path = Path(source).expanduser()
        if not path.is_absolute() and path.is_dir():
            recorded["_src_path"] = path.resolve().as_posix()
    return recorded


def update_command(answers: Mapping[str, Any]) -> str:
    """`copier update` for this project: to the newest release if it was made from one (a tag),
    else to the newest commit of the template's default branch (HEAD)."""
    command = f"uvx --with {EXTENSIONS_PACKAGE} copier update --trust --defaults"
    return command if is_release_tag(answers.get("_commit")) else f"{command} --vcs-ref HEAD"


class DjangoProExtension(Extension):
    """Registers the filters and tests above in Copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            python_slug=python_slug,
            with_absolute_source=with_absolute_source,
            update_command=update_command,
        )
        environment.tests.update(
            known_timezone=known_timezone,
            python_keyword=python_keyword,
            reserved_module=reserved_module,
            release_tag=is_release_tag,
        )
