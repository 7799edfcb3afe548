"""What a web worker does once, before its first request: config/gunicorn.py and config/asgi.py
call prepare_worker()."""

import gc

from django.urls import get_resolver


def prepare_worker() -> None:
    """Load the URLconf (and the views it imports) now rather than on the worker's first
    requests, then leave everything loaded so far out of the garbage collector's walks
    (gc.freeze): a full collection then walks what requests made, not the 170,000 objects of
    Django and the project, which took a tenth of a second while the worker's requests waited
    (docs/scaling.md)."""
    get_resolver().url_patterns  # noqa: B018  # imported on first use otherwise
    gc.freeze()
