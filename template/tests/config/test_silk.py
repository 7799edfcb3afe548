"""django-silk, the opt-in profiler of local settings: off unless SILK=1, and then it records a
request with its queries and its profile. Production settings never load it."""

from ..probes import PROBES, Probe, answers, part

# Local settings with SILK=1, in a process of their own over an in-memory database: migrate
# silk's tables, make one request, read what silk recorded of it.
PROBES["silk"] = Probe(
    ("-c",),
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "SILK": "1",
        "DATABASE_URL": "sqlite://:memory:",
    },
)
part(
    "silk",
    "silk",
    """
import django
from django.core.management import call_command
from django.test import Client
django.setup()
from django.conf import settings
# The request below touches only silk's tables: the project's migrations run elsewhere.
call_command("migrate", "silk", verbosity=0)
settings.ALLOWED_HOSTS = ["testserver"]
assert Client().get("/health/live/").status_code == 200
from silk.models import Request
request = Request.objects.get(path="/health/live/")
profiled = request.prof_file != "" or request.pyprofile != ""
answer = [request.path, profiled, Client().get("/silk/").status_code]
""",
    __name__,
)
# Local settings as `manage.py runserver` reads them without SILK, imported in the settings probe.
part(
    "settings",
    "silk off",
    """
import importlib, os, sys

os.environ.pop("SILK", None)
for module in [module for module in sys.modules if module.partition(".")[0] == "config"]:
    del sys.modules[module]
local = importlib.import_module("config.settings.local")
answer = ["silk" in local.INSTALLED_APPS, "silk.middleware.SilkyMiddleware" in local.MIDDLEWARE]
""",
    __name__,
)


def test_silk_is_off_unless_asked_for():
    assert answers("settings")["silk off"] == [False, False]


def test_silk_records_requests_with_their_profile_when_asked_for():
    assert answers("silk")["silk"] == ["/health/live/", True, 200]
