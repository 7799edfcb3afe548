"""django-silk, the opt-in profiler of local settings: off unless SILK=1, and then it records a
request with its queries and its profile. Production settings never load it."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent.parent
# Migrate silk's tables, make one request, print what silk recorded of it.
SCRIPT = """
import django
from django.core.management import call_command
from django.test import Client
django.setup()
from django.conf import settings
if "silk" not in settings.INSTALLED_APPS:
    print("off")
    raise SystemExit
call_command("migrate", verbosity=0)
settings.ALLOWED_HOSTS = ["testserver"]
assert Client().get("/health/live/").status_code == 200
from silk.models import Request
request = Request.objects.get(path="/health/live/")
profiled = request.prof_file != "" or request.pyprofile != ""
print(request.path, profiled, Client().get("/silk/").status_code)
"""


def run(tmp_path: Path, **env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COV_", "SILK")) and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'silk.sqlite3'}",
        **env,
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_silk_is_off_unless_asked_for(tmp_path):
    assert run(tmp_path) == "off"


def test_silk_records_requests_with_their_profile_when_asked_for(tmp_path):
    assert run(tmp_path, SILK="1") == "/health/live/ True 200"
