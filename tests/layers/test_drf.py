"""The DRF layer: checks of its own, run on every combination that has it.

The generated project's suite already exercises every endpoint (tests/api/); these check what a
user of the template relies on from outside that suite: the published OpenAPI schema validates
without a warning, and the layer's pieces are where the README says they are.
"""

from __future__ import annotations

import json

import pytest

from tests.harness import ALL_COMBINATIONS, combination_params

WITH_DRF = [combination for combination in ALL_COMBINATIONS if combination.drf]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params(WITH_DRF)),
]


def test_openapi_schema_validates_without_warnings(projects, combination, tmp_path):
    schema = tmp_path / "openapi.json"
    projects(combination).manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(schema),
    )
    paths = json.loads(schema.read_text())["paths"]
    assert {"/api/v1/items/", "/api/v1/users/me/", "/api/v1/auth/token/"} <= set(paths)


def test_layer_files_are_in_place(projects, combination):
    project = projects(combination)
    for relative in (
        "config/settings/components/drf.py",
        "config/layer_urls/drf.py",
        f"{project.slug}/core/api/exceptions.py",
        f"{project.slug}/items/api/views.py",
        f"{project.slug}/users/api/views.py",
        "tests/api/test_schema.py",
    ):
        assert (project.path / relative).is_file(), relative
    pyproject = (project.path / "pyproject.toml").read_text()
    for requirement in ("djangorestframework", "drf-spectacular", "django-filter"):
        assert f'"{requirement}' in pyproject, requirement
