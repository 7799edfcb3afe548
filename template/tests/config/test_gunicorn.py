"""The web process's gunicorn settings (config/gunicorn.py), as gunicorn reads them."""

import gc
import runpy

from django.conf import settings
from django.urls import clear_url_caches, get_resolver


def test_a_worker_loads_the_urlconf_then_freezes_what_it_loaded(monkeypatch, tmp_path):
    # Reading the file sets PROMETHEUS_MULTIPROC_DIR when it is unset: keep it this test's own.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    clear_url_caches()  # as in a worker that has answered nothing yet
    try:
        config["post_worker_init"](worker=None)
        assert "url_patterns" in vars(get_resolver())  # loaded, not left to the first request
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
