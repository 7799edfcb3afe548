"""The container's health check: GET a health endpoint of the local server, exit 0 when it is 200.

Usage: python deploy/docker/healthcheck.py [/health/live/]. The request carries a Host header
taken from DJANGO_ALLOWED_HOSTS, so production settings accept it; /health/ is exempt from the
HTTPS redirect. The standard library only: the check must not load Django.
"""

import http.client
import os
import sys


def probe_host() -> str:
    """The first allowed host, made a concrete name (".example.com" allows example.com)."""
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts else "localhost"
    return "localhost" if host == "*" else host


def main(path: str = "/health/live/") -> int:
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        connection.request("GET", path, headers={"Host": probe_host()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"health check failed: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"health check failed: {path} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
