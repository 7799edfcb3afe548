"""The REST API, fuzzed by schemathesis from its own OpenAPI schema, while served for real.

For the smallest DRF combination and the one with every layer, the generated project runs under
gunicorn with production settings over a fresh PostgreSQL database, with a user who owns a few
objects. The user signs in for a JWT, and schemathesis sends every operation of /api/schema/ a
bounded number of generated requests, valid and invalid ones, signed in with that token. Each
answer must be no server error, have a status the schema documents for the operation, and a body
(and content type) that matches what the schema says of that status. A failure lists the cases,
as curl commands to replay them against a project served the same way.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.harness import (
    LOOPBACK,
    POSTGRES_PORT,
    combination_params,
    database_name,
    matrix_combination,
    require_service,
)
from tests.services import Server, gunicorn

COMBINATIONS = [
    matrix_combination(drf=True),
    matrix_combination(drf=True, celery=True, channels=True, graphql=True, docker=True),
]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params(COMBINATIONS)),
]

# Generated requests per operation: enough for each operation's error paths, bounded so that one
# combination's run stays well under two minutes.
MAX_EXAMPLES = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
USERNAME = "fuzzer"
SEED = """
from {slug}.items.models import Collection, Item
from {slug}.users.models import User

user = User.objects.create_user("{username}", "fuzzer@example.com", "{password}")
for number in range(3):
    collection = Collection.objects.create(owner=user, name=f"Collection {{number}}")
    Item.objects.create(
        collection=collection, created_by=user, name=f"Item {{number}}", price="9.99"
    )
"""


@pytest.fixture
def served(projects, combination) -> Iterator[tuple[Server, str]]:
    require_service("PostgreSQL", LOOPBACK, POSTGRES_PORT)
    project = projects(combination)
    project.build()
    workdir = Path(tempfile.mkdtemp(prefix="django-pro-fuzz-"))
    database = database_name(combination, "fuzz")
    password = secrets.token_urlsafe(16)
    generous = "100000/minute"  # throttling is tested by the project's suite, not here
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": LOOPBACK,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@{LOOPBACK}:{POSTGRES_PORT}/{database}",
        "API_THROTTLE_ANON": generous,
        "API_THROTTLE_USER": generous,
        "API_THROTTLE_AUTH": generous,
        "JWT_ACCESS_TOKEN_MINUTES": "30",
        # Celery's messages stay in the web process: nothing reaches a shared broker.
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "WEB_CONCURRENCY": "1",
    }
    project.postgres(f"CREATE DATABASE {database}")  # this run's own (database_name)
    try:
        project.manage("migrate", "--noinput", settings="production", env=env)
        seed = SEED.format(slug=project.slug, username=USERNAME, password=password)
        project.manage("shell", "-c", seed, settings="production", env=env)
        with gunicorn(project, env, workdir) as server:
            yield server, password
    finally:
        project.drop_databases(database)


def obtain_token(server: Server, password: str) -> str:
    request = urllib.request.Request(
        server.base_url + "/api/v1/auth/token/",
        data=json.dumps({"username": USERNAME, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as answer:
        return str(json.load(answer)["access"])


def fuzz(operation, headers: dict[str, str], failures: list[str]) -> int:
    """Send `operation` up to MAX_EXAMPLES valid and invalid requests; return how many."""
    sent = 0
    cases = strategies.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def send(case) -> None:
        nonlocal sent
        sent += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)
        except (Exception, BaseExceptionGroup) as error:  # failed checks, or no answer at all
            command = case.as_curl_command(headers=headers)
            failures.append(f"{operation.label}: {error}\n  {command}")

    send()
    return sent


def test_schemathesis_finds_no_failure(served, combination):
    server, password = served
    headers = {"Authorization": f"Bearer {obtain_token(server, password)}"}
    schema = schemathesis.openapi.from_url(server.base_url + "/api/schema/")
    schema.config.update(base_url=server.base_url)
    failures: list[str] = []
    started = time.monotonic()

    sent = {
        result.ok().label: fuzz(result.ok(), headers, failures)
        for result in schema.get_all_operations()
    }

    print(
        f"[{combination.id}] schemathesis: {len(sent)} operations, {sum(sent.values())} test "
        f"cases, {len(failures)} failures, in {time.monotonic() - started:.0f} s"
    )
    assert len(sent) >= 9, sent
    assert not failures, "\n\n".join(failures[:30])
