"""The app `celery -A config worker` loads: local settings, tasks found by autodiscovery, and no
eager execution (that is the test settings' shortcut). Asked in the local-settings probe
(tests/probes.py); this module holds no database test, so `-m services` does not start it."""

from ...probes import answers, part

part(
    "local",
    "worker app",
    """
from config.celery import app
app.loader.import_default_modules()
answer = [app.conf.task_always_eager, sorted(n for n in app.tasks if n.startswith("items."))]
""",
    __name__,
)


def test_the_app_loads_on_its_own_without_eager_execution():
    assert answers("local")["worker app"] == [
        False,
        ["items.reprice_collection", "items.warm_collection_summaries"],
    ]
