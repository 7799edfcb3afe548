"""gunicorn settings for the web process: `gunicorn -c config/gunicorn.py config.wsgi`.

Sized from the environment: WEB_CONCURRENCY worker processes (one or two per core) with
GUNICORN_THREADS threads each, so requests waiting on the database or an upstream do not block
a whole process. Every worker writes its metrics to PROMETHEUS_MULTIPROC_DIR, and /metrics adds
them up.
"""

import gc
import os
import shutil
import tempfile
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Worker heartbeats in memory (gunicorn's own advice): fast, and fine on a read-only root
# filesystem. Only gunicorn's heartbeat files go there, never data.
SHARED_MEMORY = "/dev/shm"  # noqa: S108  # nosec B108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
keepalive = 5
# Recycling workers after N requests contains a slow memory leak, but every restart costs a
# warm-up; off by default (0), set GUNICORN_MAX_REQUESTS if you need it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Our middleware logs requests with their ids; gunicorn's access log would repeat them.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "prometheus-web")
)


def on_starting(server: Any) -> None:
    """Start from an empty metrics directory: files of a previous run would be added up too."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded the application, what config/asgi.py does for uvicorn's."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  # loaded now rather than by the first requests
    gc.freeze()  # the objects loaded so far are left out of every later collection


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
