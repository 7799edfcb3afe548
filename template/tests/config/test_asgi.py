"""The ASGI entry point readies its worker as it is imported (config/asgi.py), as uvicorn does.

Runs in the production probe's process (tests/probes.py): importing config.asgi is what a
uvicorn worker does first.
"""

from ..probes import answers, part

part(
    "production",
    "asgi",
    """
import gc

import config.asgi
from django.urls import get_resolver

answer = {"frozen": gc.get_freeze_count(), "urlconf": "url_patterns" in vars(get_resolver())}
""",
    __name__,
)


def test_an_asgi_worker_loads_the_urlconf_and_freezes_what_it_loaded():
    asgi = answers("production")["asgi"]
    assert asgi["urlconf"]
    assert asgi["frozen"] > 0
