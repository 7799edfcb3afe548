"""The REST API, fuzzed by schemathesis from its own OpenAPI schema, with every check it has.

For the smallest DRF combination and the one with every layer, the generated project is served
as in production (tests/serving.py: gunicorn over a fresh PostgreSQL database, with a private
Redis for the one with every layer), with throttle rates no run reaches (throttling is tested by
the project's own suite; the benchmark sets its rates the same way). A user signs in for a JWT,
and `st run --checks all` sends every operation of /api/schema/ generated requests, valid and
invalid, in all four phases (examples, coverage, fuzzing, and the stateful phase, which chains
operations through the links schemathesis infers: create then read, update, delete...). Every
check must pass on every case: no server error; statuses, content types, headers and bodies as
documented; invalid data refused and valid data accepted; a deleted object gone; a created one
there; auth enforced where the schema says so.

Two settings of the run say what the schema cannot:
- negative_data_rejection also counts a 414 as a refusal: an invalid request can be longer than
  the HTTP server reads (gunicorn: 4094 bytes), which answers before Django does;
- no NUL character in generated text: PostgreSQL stores none, and every text field and the
  metadata refuse it with a 400 (tests/api/test_items.py in the project), which JSON Schema
  cannot say of a free-form object.

The command, the cases and the failures of each check are printed; a failure lists schemathesis'
own report of it, with a curl command to replay it against a project served the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.harness import combination_params, database_name, matrix_combination
from tests.serving import Site, served, sign_in

COMBINATIONS = [
    matrix_combination(drf=True),
    matrix_combination(drf=True, celery=True, channels=True, graphql=True, docker=True),
]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params(COMBINATIONS), scope="module"),
]

# Generated requests per operation and phase: enough for each operation's error paths and its
# valid requests, bounded so that one combination's run stays under a minute here.
MAX_EXAMPLES = 50
SEED = 18  # the same cases on every run
USERNAME = "fuzzer"
# schemathesis' own list of refusals, and 414.
REFUSALS = [400, 401, 403, 404, 405, 406, 409, 414, 415, 422, 428, 429]
CONFIG = f"""
[checks.negative_data_rejection]
expected-statuses = {json.dumps([str(status) for status in REFUSALS])}
"""


@pytest.fixture(scope="module")
def site(projects, combination):
    project = projects(combination)
    # Celery's messages go to the private Redis; no worker takes them, nothing needs one to.
    with served(
        project,
        database=database_name(combination, "fuzz"),
        users=[USERNAME],
        redis=combination.celery,
    ) as site:
        yield site


def schemathesis_command(site: Site, token: str, reports: Path) -> list[str]:
    config = reports / "schemathesis.toml"
    config.write_text(CONFIG)
    return [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(config),
        "run",
        site.base_url + "/api/schema/",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--generation-allow-x00",
        "false",
        "--generation-database",
        "none",
        "--header",
        f"Authorization: Bearer {token}",
        "--no-color",
        "--report",
        "ndjson,json",
        "--report-ndjson-path",
        str(reports / "events.ndjson"),
        "--report-json-path",
        str(reports / "run.json"),
    ]


def checks_of(ndjson: Path) -> tuple[Counter[str], Counter[str], dict[str, Counter[int]]]:
    """Cases per check, failures per check, and the statuses each operation answered."""
    cases: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    statuses: dict[str, Counter[int]] = {}
    for line in ndjson.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        answered = statuses.setdefault(recorder["label"], Counter())
        for interaction in recorder.get("interactions", {}).values():
            response = interaction.get("response") or {}
            if "status_code" in response:
                answered[response["status_code"]] += 1
        for results in recorder.get("checks", {}).values():
            for result in results:
                cases[result["name"]] += 1
                failures[result["name"]] += result["status"] == "failure"
    return cases, failures, statuses


def test_schemathesis_with_every_check_and_the_stateful_phase_finds_no_failure(
    site, combination, tmp_path
):
    token = sign_in(site, USERNAME).token
    command = schemathesis_command(site, token, tmp_path)
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    output = result.stdout + result.stderr
    report = json.loads((tmp_path / "run.json").read_text())
    cases, failures, statuses = checks_of(tmp_path / "events.ndjson")

    shown = " ".join(command).replace(token, "$TOKEN")
    table = "\n".join(
        f"  {name:<30} {cases[name]:>6} cases {failures[name]:>3} failures"
        for name in sorted(cases)
    )
    print(
        f"\n[{combination.id}] {shown}\n"
        f"  {report['operations']['tested']} operations, {report['test_cases']['generated']} "
        f"test cases, in {report['running_time']:.0f} s\n{table}"
    )
    assert result.returncode == 0, output[-20000:]
    assert report["complete"] and not report["errors"], output[-5000:]
    assert report["phases"]["stateful"]["status"] == "success", report["phases"]
    assert report["operations"]["tested"] == report["operations"]["total"] >= 12
    assert len(cases) >= 14, cases  # every check ran
    assert sum(failures.values()) == 0, output[-20000:]
    # Every operation got past authentication and the throttles to its own answers.
    for operation, answered in statuses.items():
        assert set(answered) - {401, 429}, (operation, answered)
