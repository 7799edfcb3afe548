"""Wait until the database accepts connections: the first step of a release, before migrate.

Containers start in any order, so the release step (compose's `release` service, the
Kubernetes migration Job) runs `manage.py wait_for_db && manage.py migrate`.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections


class Command(BaseCommand):
    help = "Wait until the database accepts connections, or fail after --timeout seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--timeout", type=float, default=60.0)
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        deadline = time.monotonic() + options["timeout"]
        while True:
            try:
                connection.ensure_connection()
            except OperationalError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"the database did not answer within {options['timeout']:g}s: {error}"
                    ) from error
                self.stderr.write(f"waiting for the database: {error}")
                time.sleep(options["interval"])
            else:
                break
        self.stdout.write(self.style.SUCCESS("the database is accepting connections"))
