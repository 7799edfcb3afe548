"""The DRF layer: checks of its own, run on every combination that has it.

The generated project's suite already exercises every endpoint (tests/api/); this checks what a
user of the template relies on from outside that suite: the layer's pieces are where the README
says they are. (The schema's validation runs in that suite, tests/api/test_schema.py.)
"""

from __future__ import annotations

import pytest

from tests.harness import ALL_COMBINATIONS, combination_params

WITH_DRF = [combination for combination in ALL_COMBINATIONS if combination.drf]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params(WITH_DRF)),
]


def test_layer_files_are_in_place(projects, combination):
    project = projects(combination)
    for relative in (
        "config/settings/components/drf.py",
        "config/layer_urls/drf.py",
        f"{project.slug}/core/api/exceptions.py",
        f"{project.slug}/core/api/docs.py",
        f"{project.slug}/templates/api/redoc.html",
        f"{project.slug}/items/api/views.py",
        f"{project.slug}/users/api/views.py",
        "tests/api/test_schema.py",
    ):
        assert (project.path / relative).is_file(), relative
    pyproject = (project.path / "pyproject.toml").read_text()
    for requirement in (
        "djangorestframework",
        "drf-spectacular",
        "drf-spectacular-sidecar",
        "django-filter",
    ):
        assert f'"{requirement}' in pyproject, requirement


def test_the_rest_api_is_the_one_http_api(projects, combination):
    """With DRF, the hand-rolled JSON API is not generated; the async example view stays."""
    project = projects(combination)
    package = project.path / project.slug
    for relative in (
        "items/views.py",
        "items/forms.py",
        "items/job_views.py",
        "core/json_views.py",
        "core/task_views.py",
    ):
        assert not (package / relative).exists(), relative
    assert not (project.path / "config" / "layer_urls" / "celery.py").exists()
    assert (package / "items" / "async_views.py").is_file()
    assert "async_views.item_price" in (package / "items" / "urls.py").read_text()
