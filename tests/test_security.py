"""Security checks of every combination's generated code: bandit, a secret scan, the audit in CI.

Reuses the matrix's generated projects (tests/conftest.py); nothing here builds an environment.
`check --deploy` with production settings, the security headers and the login lockout are
asserted by the generated project's own tests (tests/test_matrix.py keeps check --deploy there).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.harness import combination_params
from tests.test_rendering import rendered_files

# Directories that tools create in a project; bandit scans everything else, tests included (an
# assert or a subprocess call there is a low-severity finding, and only medium and up fail).
TOOL_DIRS = (".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", "staticfiles")

# --- the secret scan -----------------------------------------------------------------------
# Known token formats: any match is a finding.
TOKEN_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\."),
    "Sentry DSN with key": re.compile(r"https://[0-9a-f]{32}@[\w.-]*sentry\.io"),
}
# scheme://user:password@host (or scheme://:password@host).
URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://([^\s/:@'\"]*):([^\s/@'\"]+)@", re.I)
# A secret-named key given a literal: KEY = "value", key: value, KEY=value, key="value".
SECRET_NAME = (
    r"[\w-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credential)[\w-]*"
)
QUOTED_ASSIGNMENT = re.compile(
    rf"(?P<key>{SECRET_NAME})[\"']?\s*(?::\s*[\w\[\]|. ]+?\s*)?[=:]\s*[rbf]?"
    r"(?P<q>[\"'])(?P<value>[^\"'\n]*)(?P=q)",
    re.I,
)
# The same without quotes, as in .env, YAML and shell (not Python, where a bare value is a name).
BARE_ASSIGNMENT = re.compile(
    rf"^\s*(?:-\s*)?(?:export\s+)?(?P<key>{SECRET_NAME})\s*[=:][ \t]*"
    r"(?P<value>[^\s#\"'\[({][^\s#\"']*)[ \t]*(?:#.*)?$",
    re.I | re.M,
)
# What may stand where a secret would: placeholders, references, and the marked dev/test keys.
PLACEHOLDER = re.compile(
    r"""^(?:
        |[A-Z][A-Z0-9_]*                # PASSWORD, USER, DJANGO_SECRET_KEY
        |<[^>]*>|\$\{\{?[^}]*\}?\}      # <token>, ${VAR}, ${{ secrets.X }}
        |\$[A-Za-z_]\w*                 # $VAR
        |django-insecure-[\w-]*         # clearly marked development and test keys
        |\*+|x+|\.\.\.                  # masked
        |/[\w/.-]*                      # a URL path, such as a token endpoint
        |[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\.[A-Z][A-Za-z0-9]*  # a dotted path to a class
    )$""",
    re.X,
)


def looks_real(value: str) -> bool:
    """A value that could be a working credential: long enough, one token, not a placeholder."""
    value = value.strip()
    return len(value) >= 8 and not re.search(r"\s", value) and not PLACEHOLDER.match(value)


def code_references(value: str) -> bool:
    """`password: str = env(...)` style values are expressions, not literals."""
    return bool(re.match(r"^[\w.]+\(|^(?:str|int|bool|None|True|False)$", value))


def find_secrets(text: str, *, python: bool = False) -> list[str]:
    """Every likely secret in a file's text, as "line N: kind"."""
    findings: list[tuple[int, str]] = []
    for kind, pattern in TOKEN_PATTERNS.items():
        findings += [(match.start(), kind) for match in pattern.finditer(text)]
    for match in URL_CREDENTIALS.finditer(text):
        if not PLACEHOLDER.match(match.group(2)):
            findings.append((match.start(), "credentials in a URL"))
    for pattern in (QUOTED_ASSIGNMENT,) if python else (QUOTED_ASSIGNMENT, BARE_ASSIGNMENT):
        for match in pattern.finditer(text):
            value = match.group("value")
            if looks_real(value) and not code_references(value):
                findings.append((match.start(), f"{match.group('key')} set to a literal"))
    return [
        f"line {text.count(chr(10), 0, start) + 1}: {kind}" for start, kind in sorted(set(findings))
    ]


# Planted examples the scan must catch, and near misses it must let through. Tokens are split so
# this file itself holds none.
MUST_FIND = [
    "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow...",
    "aws_key = '" + "AKIA" + "Q" * 16 + "'",
    "GITHUB = '" + "ghp_" + "a1B2" * 9 + "'",
    "DATABASE_URL: postgres://postgres:" + "postgres@localhost:5432/app",
    "BROKER=amqp://guest:" + "guest@127.0.0.1:5672//",
    "REDIS_URL=redis://:" + "s3cr3tpass@cache:6379/0",
    'SECRET_KEY = "' + "k3Jd9-fQ2xLm8vZp0aWe7" + '"',
    "POSTGRES_PASSWORD: " + "hunter2hunter2",
    "api_key=" + "0123456789abcdef0123",
    'TOKEN = "' + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXBhcnQ" + '"',
]
MUST_PASS = [
    "DJANGO_SECRET_KEY=",
    'SECRET_KEY = "django-insecure-test-only"  # noqa: S105',
    'SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")',
    'METRICS_TOKEN: str = env("METRICS_TOKEN", default="")',
    "# PostgreSQL: postgres://USER:PASSWORD@HOST:5432/NAME",
    "DATABASE_URL: postgres://postgres@localhost:5432/app",
    "POSTGRES_HOST_AUTH_METHOD: trust",
    "token: ${{ secrets.CODECOV_TOKEN }}",
    'PASSWORD = "correct horse battery staple"  # the factories\' test passphrase',
    "password = factory.django.Password(PASSWORD)",
    'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]',
    '"DJANGO_SECRET_KEY": secrets.token_urlsafe(50),',
    'TOKEN = "/api/v1/auth/token/"  # an endpoint, not a token',
    'HEADLESS_TOKEN_STRATEGY = "my_project.core.api.tokens.TokenPairStrategy"  # noqa: S105',
]


@pytest.mark.parametrize("text", MUST_FIND)
def test_secret_scan_finds_planted_secrets(text):
    assert find_secrets(text), text


@pytest.mark.parametrize("text", MUST_PASS)
def test_secret_scan_lets_placeholders_through(text):
    assert find_secrets(text) == [], text


def test_secret_scan_reads_python_names_as_names():
    text = "token = settings.METRICS_TOKEN\n"
    assert find_secrets(text, python=True) == []
    assert find_secrets(text)  # in a .env file the same line would be a value


# --- the checks, per combination ------------------------------------------------------------
@pytest.mark.parametrize("combination", combination_params())
def test_no_secret_in_any_rendered_file(projects, combination):
    root = projects(combination).path
    files = rendered_files(root)
    problems = [
        f"{path.relative_to(root)} {finding}"
        for path in files
        for finding in find_secrets(path.read_text(errors="replace"), python=path.suffix == ".py")
    ]
    print(f"[{combination.id}] secret scan: {len(files)} files, {len(problems)} findings")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("combination", combination_params())
def test_bandit_finds_nothing_of_medium_or_high_severity(projects, combination):
    root: Path = projects(combination).path
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "--recursive",
            ".",
            "--format",
            "json",
            "--quiet",
            "--exclude",
            ",".join(f"./{name}" for name in TOOL_DIRS),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    totals = report["metrics"]["_totals"]
    serious = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
        f"{issue['issue_severity']}: {issue['issue_text']}"
        for issue in report["results"]
        if issue["issue_severity"] in {"MEDIUM", "HIGH"}
    ]
    print(
        f"[{combination.id}] bandit: {totals['loc']} lines, high {totals['SEVERITY.HIGH']}, "
        f"medium {totals['SEVERITY.MEDIUM']}, low {totals['SEVERITY.LOW']}"
    )
    assert totals["loc"] > 1000  # the scan really read the project
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("combination", combination_params())
def test_ci_workflow_audits_the_resolved_dependencies(projects, combination):
    """pip-audit needs PyPI's and OSV's vulnerability data, out of reach here: CI runs it."""
    workflow = yaml.safe_load(
        (projects(combination).path / ".github" / "workflows" / "ci.yml").read_text()
    )
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    audits = [step for step in steps if "pip-audit" in step.get("run", "")]
    assert len(audits) == 1, "the workflow must run pip-audit"
    command = audits[0]["run"]
    assert "--strict" in command
    assert "uv export" in command  # the locked, resolved versions, not the loose ranges
    assert not audits[0].get("continue-on-error"), "a vulnerability must fail the build"
