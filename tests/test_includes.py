"""The name lists copier.yml's validators import are current (hooks/refresh_includes.py)."""

from __future__ import annotations

import importlib.util

from tests.harness import TEMPLATE_ROOT


def test_include_lists_match_this_python_and_tz_database():
    spec = importlib.util.spec_from_file_location(
        "refresh_includes", TEMPLATE_ROOT / "hooks" / "refresh_includes.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for filename, text in module.render().items():
        committed = (TEMPLATE_ROOT / "includes" / filename).read_text()
        assert committed == text, f"includes/{filename} is stale: run hooks/refresh_includes.py"
