"""Regenerate the name lists that copier.yml's validators import from includes/.

Copier validators are Jinja expressions and cannot import Python, so the time zone database and
the module names a project slug must not shadow are written out as Jinja lists. Run this after
upgrading Python or tzdata; tests/test_includes.py fails when the lists are stale.

    uv run python hooks/refresh_includes.py
"""

from __future__ import annotations

import sys
import zoneinfo
from pathlib import Path

INCLUDES = Path(__file__).resolve().parent.parent / "includes"

# Top-level modules of Django, the generated project and every dependency a layer can add: a
# project package with one of these names would shadow it on sys.path.
PROJECT_MODULES = sorted(
    {
        "asgiref", "axes", "celery", "channels", "channels_redis", "config", "conftest", "csp",
        "daphne", "debug_toolbar", "django", "django_celery_beat", "django_filters",
        "drf_spectacular", "environ", "factory", "gunicorn", "httpx", "kombu", "manage", "mypy",
        "prometheus_client", "psycopg", "psycopg_pool", "pytest", "pytest_django", "redis",
        "rest_framework", "rest_framework_simplejwt", "sentry_sdk", "silk", "strawberry",
        "strawberry_django", "test", "tests", "uvicorn", "whitenoise", "graphql",
    }
)


def jinja_list(name: str, values: list[str]) -> str:
    body = "".join(f'  "{value}",\n' for value in values)
    return f"{{%- set {name} = [\n{body}] -%}}\n"


def render() -> dict[str, str]:
    reserved = sorted(set(sys.stdlib_module_names) | set(PROJECT_MODULES))
    return {
        "timezones.jinja": jinja_list("TIMEZONES", sorted(zoneinfo.available_timezones())),
        "reserved_modules.jinja": jinja_list("RESERVED_MODULES", reserved),
    }


def main() -> None:
    for filename, text in render().items():
        (INCLUDES / filename).write_text(text)
        print(f"wrote includes/{filename}")


if __name__ == "__main__":
    main()
