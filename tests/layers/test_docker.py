"""The Docker layer: its files appear only when asked for, and validate without an engine.

No Docker engine or cluster runs here, so every check is offline: hadolint lints the Dockerfile,
the compose files are validated against the compose-spec JSON schema (tests/data/), the
Kubernetes manifests with kubernetes-validate's bundled schemas, and cross-checks tie the
container files to the generated project: the commands and modules they name exist, ports and
environment variable names agree with the settings, and the image's install step yields exactly
the locked runtime dependencies. The slow tests build the project's environment and run the
image's own commands (collectstatic, gunicorn, the health check) on loopback.
"""

from __future__ import annotations

import fnmatch
import http.client
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.harness import (
    ALL_COMBINATIONS,
    Combination,
    Project,
    clean_env,
    combination_params,
    free_port,
    python_for,
)

DOCKER_ON = [c for c in ALL_COMBINATIONS if c.docker]
DOCKER_PARAMS = combination_params(DOCKER_ON)
COMPOSE_SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "compose-spec.json").read_text()
)
# The oldest Kubernetes release still common in managed clusters, and the newest bundled.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
COMPOSE_FILES = ("compose.yaml", "compose.production.yaml")
K8S_BASE = Path("deploy/k8s/base")
TOOLS = Path(sys.executable).parent
VENV_IN_IMAGE = "/opt/venv/bin/"

# Variables the containers set that no Django setting reads, and who reads them instead.
NOT_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "Django itself",
    "WEB_CONCURRENCY": "gunicorn (worker processes)",
    "PORT": "deploy/docker/healthcheck.py",
    "POSTGRES_DB": "the postgres image",
    "POSTGRES_USER": "the postgres image",
    "POSTGRES_PASSWORD": "the postgres image",
    "POSTGRES_HOST_AUTH_METHOD": "the postgres image",
    "RABBITMQ_URL": "the Celery layer's broker integration test",
}
# Image plumbing, not application configuration.
IMAGE_ONLY = re.compile(r"^(PATH|PYTHON\w*|UV_\w+)$")
SETTING_READ = re.compile(
    r"""(?:env(?:\.\w+)?\(|os\.environ(?:\.get)?[(\[]|os\.getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def docker_files(combination: Combination) -> set[str]:
    files = {
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "compose.production.yaml",
        "deploy/docker/healthcheck.py",
        "deploy/k8s/base/kustomization.yaml",
        "deploy/k8s/base/configmap.yaml",
        "deploy/k8s/base/migrate-job.yaml",
        "deploy/k8s/base/web.yaml",
        "tests/core/test_wait_for_db.py",
    }
    if combination.celery:
        files |= {"deploy/k8s/base/worker.yaml", "deploy/k8s/base/beat.yaml"}
    if combination.channels:
        files.add("deploy/k8s/base/asgi.yaml")
    return files


# --- reading the container files ---------------------------------------------------------------


@dataclass
class Stage:
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [rest for key, rest in self.instructions if key == keyword]


def dockerfile_stages(path: Path) -> dict[str, Stage]:
    """The Dockerfile's stages by name, each with its (KEYWORD, arguments) instructions."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    stages: dict[str, Stage] = {}
    current = Stage("")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            current = Stage(rest.split()[-1] if " AS " in rest.upper() else rest)
            stages[current.name] = current
        current.instructions.append((keyword, rest.strip()))
    return stages


def env_names(instruction: str) -> list[str]:
    return re.findall(r"(?:^|\s)([A-Z_][A-Z0-9_]*)=", instruction)


def exec_form(value: str) -> list[str]:
    argv = json.loads(value)
    assert isinstance(argv, list), f"not an exec-form JSON array: {value}"
    return argv


def split_shell(argv: list[str]) -> list[list[str]]:
    """`sh -c "a && b"` becomes [a, b]; any other argv stays as it is."""
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from the project's image (not PostgreSQL or Redis)."""
    return {name: svc for name, svc in compose["services"].items() if "build" in svc}


def manifests(root: Path) -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((root / K8S_BASE / "kustomization.yaml").read_text())
    return [
        doc
        for resource in kustomization["resources"]
        for doc in load_yaml_documents(root / K8S_BASE / resource)
    ]


def containers(docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            pod = doc["spec"]["template"]["spec"]
            found += [(doc["metadata"]["name"], c) for c in pod["containers"]]
    return found


def container_commands(root: Path) -> list[tuple[str, list[str]]]:
    """Every command the project's image runs, from each file that names one, with its source."""
    stages = dockerfile_stages(root / "Dockerfile")
    commands: list[tuple[str, list[str]]] = []
    for stage_name in ("dev", "runtime"):
        stage = stages[stage_name]
        for cmd in stage.all("CMD"):
            commands.append((f"Dockerfile {stage_name} CMD", exec_form(cmd)))
        for check in stage.all("HEALTHCHECK"):
            commands.append(("Dockerfile HEALTHCHECK", exec_form(check.split(" CMD ", 1)[1])))
    for run in stages["build"].all("RUN"):
        words = [w for w in shlex.split(run) if not w.startswith("--mount=")]
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            words.pop(0)
        if words and words[0].startswith(VENV_IN_IMAGE):
            commands.append(
                ("Dockerfile build RUN", [words[0].removeprefix(VENV_IN_IMAGE), *words[1:]])
            )
    for file in COMPOSE_FILES:
        for name, svc in app_services(yaml.safe_load((root / file).read_text())).items():
            if "command" in svc:
                commands += [(f"{file} {name}", argv) for argv in split_shell(svc["command"])]
            test = svc.get("healthcheck", {}).get("test")
            if test and test[0] == "CMD":
                commands.append((f"{file} {name} healthcheck", test[1:]))
            elif test and test[0] == "CMD-SHELL":
                commands.append((f"{file} {name} healthcheck", shlex.split(test[1])))
    for name, container in containers(manifests(root)):
        if "command" in container:
            commands += [(f"k8s {name}", argv) for argv in split_shell(container["command"])]
        probe = container.get("livenessProbe", {}).get("exec")
        if probe:
            commands += [(f"k8s {name} probe", argv) for argv in split_shell(probe["command"])]
    return commands


def listen_port(argv: list[str]) -> int | None:
    """The port a server command binds to, or None for a command that serves nothing."""
    if argv[:3] == ["python", "manage.py", "runserver"]:
        return int(argv[3].rsplit(":", 1)[1])
    if argv[0] == "gunicorn":
        return int(argv[argv.index("--bind") + 1].rsplit(":", 1)[1])
    if argv[0] == "uvicorn":
        return int(argv[argv.index("--port") + 1])
    return None


# --- the layer's files --------------------------------------------------------------------------


@pytest.mark.parametrize("combination", combination_params())
def test_files_appear_only_with_docker(projects, combination):
    root = projects(combination).path
    expected = docker_files(Combination(**{**combination.layers, "docker": True}))
    present = {
        f
        for f in expected | docker_files(Combination(True, True, True, True, True))
        if (root / f).exists()
    }
    present |= {str(p.relative_to(root)) for p in root.rglob("deploy/**/*") if p.is_file()}
    command = root / projects(combination).slug / "core/management/commands/wait_for_db.py"
    if combination.docker:
        assert present == expected
        assert command.is_file()
    else:
        assert present == set()
        assert not command.exists()


# --- Dockerfile ---------------------------------------------------------------------------------


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_hadolint_reports_nothing(projects, combination):
    dockerfile = projects(combination).path / "Dockerfile"
    result = subprocess.run(
        [str(TOOLS / "hadolint"), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_dockerfile_shape(projects, combination):
    project = projects(combination)
    stages = dockerfile_stages(project.path / "Dockerfile")
    assert list(stages)[-1] == "runtime", "the last stage is the default build target"
    image = f"python:{project.answers['python_version']}-slim"
    assert {"build", "dev", "runtime"} <= set(stages)
    text = (project.path / "Dockerfile").read_text()
    assert f"ARG PYTHON_IMAGE={image}\n" in text
    build = stages["build"].instructions
    # Dependencies from pyproject.toml + uv.lock alone, in a layer before the code is copied.
    sync = next(i for i, (k, rest) in enumerate(build) if k == "RUN" and "uv sync" in rest)
    copy_code = build.index(("COPY", ". ."))
    assert sync < copy_code
    assert "--locked" in build[sync][1] and "--no-dev" in build[sync][1]
    assert "collectstatic" in build[copy_code + 1][1]
    runtime = stages["runtime"]
    # Non-root, by number so that Kubernetes' runAsNonRoot can verify it.
    assert runtime.all("USER") == ["10001:10001"]
    assert stages["dev"].all("USER") == ["10001:10001"]
    (healthcheck,) = runtime.all("HEALTHCHECK")
    assert exec_form(healthcheck.split(" CMD ", 1)[1])[-1] == "/health/live/"
    command = exec_form(runtime.all("CMD")[0])
    assert command[0] == "gunicorn"
    assert command[-1] == "config.wsgi:application"
    assert command[1:3] == ["-c", "config/gunicorn.py"]  # workers, threads, metrics directory


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_no_secret_in_any_layer_or_the_build_context(projects, combination):
    root = projects(combination).path
    stages = dockerfile_stages(root / "Dockerfile")
    secretish = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$")
    for stage in stages.values():
        for name in [n for i in stage.all("ENV") + stage.all("ARG") for n in env_names(i + "=")]:
            assert not secretish.search(name), f"{stage.name}: {name} would be stored in the image"
        for run in stage.all("RUN"):
            for name, value in re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", run):
                if secretish.search(name):
                    assert "not-a-secret" in value, f"{stage.name}: {name}={value} in a RUN"
    git_ignored = dockerignore_patterns(root, ".gitignore")
    assert is_ignored(".env.production", git_ignored), "the production env file would be committed"
    ignored = dockerignore_patterns(root)
    for path in (
        ".env",
        ".env.production",
        ".venv/bin/python",
        ".git/config",
        "x/__pycache__/m.pyc",
        ".mypy_cache/x",
        ".pytest_cache/x",
        "db.sqlite3",
    ):
        assert is_ignored(path, ignored), f"{path} would be sent to the build"
    slug = projects(combination).slug
    for path in (
        "pyproject.toml",
        "uv.lock",
        "manage.py",
        "config/wsgi.py",
        f"{slug}/core/views.py",
        "deploy/docker/healthcheck.py",
        ".env.example",
    ):
        assert not is_ignored(path, ignored), f"{path} is needed by the image but ignored"


def dockerignore_patterns(root: Path, name: str = ".dockerignore") -> list[str]:
    lines = (root / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def is_ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore semantics, enough for these patterns: the last matching line wins."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if pattern.startswith("**/"):
            hit = any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes)
        if hit:
            ignored = not negate
    return ignored


# --- compose ------------------------------------------------------------------------------------


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_compose_files_validate_against_the_compose_spec(projects, combination):
    root = projects(combination).path
    expected = {"db", "redis", "release", "web"}
    if combination.celery:
        expected |= {"worker", "beat"}
    if combination.channels:
        expected.add("asgi")
    for file in COMPOSE_FILES:
        compose = yaml.safe_load((root / file).read_text())
        errors = sorted(jsonschema.Draft7Validator(COMPOSE_SCHEMA).iter_errors(compose), key=str)
        assert not errors, f"{file}: " + "\n".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
        )
        services = compose["services"]
        # Development catches mail in Mailpit; production sends it out.
        assert set(services) == expected | ({"mailpit"} if file == "compose.yaml" else set()), file
        for name, svc in services.items():
            for dependency, rule in svc.get("depends_on", {}).items():
                if rule["condition"] == "service_healthy":
                    assert "healthcheck" in services[dependency], f"{file}: {dependency}"
                elif rule["condition"] == "service_completed_successfully":
                    assert dependency == "release", f"{file}: {name} waits on {dependency}"
            if name not in ("db", "redis", "release", "mailpit"):
                assert svc["depends_on"]["release"]["condition"] == (
                    "service_completed_successfully"
                ), f"{file}: {name} starts before the migrations ran"
        for name in ("db", "redis", "web"):
            assert "test" in services[name]["healthcheck"], f"{file}: {name} has no health check"


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_compose_development_mounts_code_and_production_does_not(projects, combination):
    root = projects(combination).path
    dev = yaml.safe_load((root / "compose.yaml").read_text())
    prod = yaml.safe_load((root / "compose.production.yaml").read_text())
    for name, svc in app_services(dev).items():
        assert ".:/app" in svc["volumes"], f"compose.yaml: {name} has no code mount"
        assert svc["build"]["target"] == "dev"
    for name, svc in prod["services"].items():
        for volume in svc.get("volumes", []):
            assert not volume.startswith((".", "/")), f"production {name} mounts {volume}"
        if "build" in svc:
            assert svc["build"]["target"] == "runtime"
            assert svc["env_file"] == ".env.production", (
                f"production {name}: secrets not from a file"
            )
            for key in svc.get("environment", {}):
                assert not re.search("SECRET|PASSWORD|DATABASE_URL", key), f"{name}: {key} inline"
    if combination.celery:
        for compose in (dev, prod):
            assert "deploy" not in compose["services"]["beat"]
            assert "scale" not in compose["services"]["beat"]


# --- Kubernetes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_kubernetes_manifests_validate_offline(projects, combination):
    root = projects(combination).path
    kustomization = yaml.safe_load((root / K8S_BASE / "kustomization.yaml").read_text())
    files = {p.name for p in (root / K8S_BASE).glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files, "kustomization.yaml lists every manifest"
    docs = manifests(root)
    for version in KUBERNETES_VERSIONS:
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{doc['kind']}/{doc['metadata']['name']} on {version}: {error}")


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_kubernetes_manifests_shape(projects, combination):
    project = projects(combination)
    docs = manifests(project.path)
    name = project.slug.replace("_", "-")
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    assert "Secret" not in by_kind, "the manifests reference the Secret but never contain it"
    deployments = {f"{name}-web"}
    autoscaled = {f"{name}-web"}
    if combination.celery:
        deployments |= {f"{name}-worker", f"{name}-beat"}
        autoscaled.add(f"{name}-worker")
    if combination.channels:
        deployments.add(f"{name}-asgi")
    assert set(by_kind["Deployment"]) == deployments
    assert {
        h["spec"]["scaleTargetRef"]["name"] for h in by_kind["HorizontalPodAutoscaler"].values()
    } == autoscaled
    for deployment in autoscaled:
        assert "replicas" not in by_kind["Deployment"][deployment]["spec"], "the autoscaler owns it"
    if combination.celery:
        beat = by_kind["Deployment"][f"{name}-beat"]["spec"]
        assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    (job,) = by_kind["Job"].values()
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert split_shell(migrate["command"]) == [
        ["python", "manage.py", "wait_for_db", "--timeout", "300"],
        ["python", "manage.py", "migrate", "--noinput"],
    ]
    config = by_kind["ConfigMap"][f"{name}-config"]["data"]
    allowed_hosts = config["DJANGO_ALLOWED_HOSTS"].split(",")
    image = yaml.safe_load((project.path / K8S_BASE / "kustomization.yaml").read_text())["images"][
        0
    ]
    for owner, container in containers(docs):
        assert container["image"] == image["name"], owner
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"]), owner
        refs = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert refs == {f"{name}-config", f"{name}-secrets"}, owner
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        if owner.endswith(("-web", "-asgi")):
            live, ready = container["livenessProbe"], container["readinessProbe"]
            assert live["httpGet"]["path"] == "/health/live/"
            assert ready["httpGet"]["path"] == "/health/ready/"
            for probe in (live, ready):
                (host,) = [
                    h["value"] for h in probe["httpGet"]["httpHeaders"] if h["name"] == "Host"
                ]
                assert host in allowed_hosts, f"{owner}: probe Host {host} is not allowed"


# --- agreement with the project -----------------------------------------------------------------


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_ports_agree(projects, combination):
    root = projects(combination).path
    stages = dockerfile_stages(root / "Dockerfile")
    runtime_cmd = exec_form(stages["runtime"].all("CMD")[0])
    dev_cmd = exec_form(stages["dev"].all("CMD")[0])
    assert stages["runtime"].all("EXPOSE") == [str(listen_port(runtime_cmd))] == ["8000"]
    assert stages["dev"].all("EXPOSE") == [str(listen_port(dev_cmd))]
    assert re.search(
        r'os\.environ\.get\("PORT", "8000"\)', (root / "deploy/docker/healthcheck.py").read_text()
    )
    for file, default in (("compose.yaml", dev_cmd), ("compose.production.yaml", runtime_cmd)):
        compose = yaml.safe_load((root / file).read_text())
        for name, svc in app_services(compose).items():
            port = listen_port(svc.get("command", default)) if name != "release" else None
            published = [int(p.split(":")[1]) for p in svc.get("ports", [])]
            if port is None:
                assert not published, f"{file}: {name} publishes a port it does not serve"
            else:
                assert published == [port], f"{file}: {name} listens on {port}, maps {published}"
        dev_env = app_services(compose)["web"].get("environment", {})
        if "DATABASE_URL" in dev_env:
            db = compose["services"]["db"]["environment"]
            # Development runs the database on trust auth: the URL carries no password.
            assert db["POSTGRES_HOST_AUTH_METHOD"] == "trust"
            assert dev_env["DATABASE_URL"] == (
                f"postgres://{db['POSTGRES_USER']}@db:5432/{db['POSTGRES_DB']}"
            )
            assert dev_env["REDIS_URL"].startswith("redis://redis:6379/")
    docs = manifests(root)
    for owner, container in containers(docs):
        port = listen_port(container.get("command", runtime_cmd))
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        if owner.endswith(("-worker", "-beat", "-migrate")):
            assert not ports, owner
        else:
            assert ports == {"http": port}, f"{owner}: serves {port}, declares {ports}"
    for service in (d for d in docs if d["kind"] == "Service"):
        assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]


def settings_variables(root: Path) -> set[str]:
    """Every environment variable the project's Python code reads (outside tests)."""
    names: set[str] = set()
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "deploy"}:
            continue
        names |= set(SETTING_READ.findall(path.read_text()))
    return names


def example_variables(root: Path) -> set[str]:
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", (root / ".env.example").read_text(), re.M))


@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_environment_variable_names_agree_with_the_settings(projects, combination):
    root = projects(combination).path
    read = settings_variables(root)
    documented = example_variables(root)
    known = read | set(NOT_SETTINGS)
    used: dict[str, str] = {}
    stages = dockerfile_stages(root / "Dockerfile")
    for stage in ("dev", "runtime"):
        for instruction in stages[stage].all("ENV"):
            used |= {
                n: f"Dockerfile {stage}" for n in env_names(instruction) if not IMAGE_ONLY.match(n)
            }
    for file in COMPOSE_FILES:
        for name, svc in yaml.safe_load((root / file).read_text())["services"].items():
            used |= {key: f"{file} {name}" for key in svc.get("environment", {})}
    for doc in manifests(root):
        if doc["kind"] == "ConfigMap":
            used |= {key: "configmap.yaml" for key in doc["data"]}
    unknown = {n: where for n, where in used.items() if n not in known}
    assert not unknown, f"set by the containers but read by nothing: {unknown}"
    undocumented = {n: where for n, where in used.items() if n not in documented}
    assert not undocumented, f"not in .env.example: {undocumented}"
    assert documented <= known, f".env.example documents unread names: {documented - known}"
    # What production refuses to start without reaches Kubernetes (ConfigMap or the Secret the
    # README creates) and the production env file (from .env.example).
    required = set(
        re.findall(
            r'env(?:\.\w+)?\("([A-Z0-9_]+)"\)', (root / "config/settings/production.py").read_text()
        )
    )
    readme = (root / "README.md").read_text()
    secret_command = readme[readme.index("kubectl create secret") :].split("```")[0]
    for name in required | {"DATABASE_URL", "REDIS_URL"}:
        assert name in documented
        assert used.get(name) == "configmap.yaml" or f"--from-literal={name}=" in secret_command, (
            name
        )


# --- commands, modules and the image's install (these build the project's environment) ----------

CHECK_NAMES = r"""
import importlib, json, sys
import django
django.setup()
from django.core.management import get_commands
from django.urls import Resolver404, resolve
wanted = json.loads(sys.argv[1])
problems = []
for name in wanted["manage"]:
    if name not in get_commands():
        problems.append(f"manage.py {name}: no such command")
for spec in wanted["apps"]:
    module, _, attribute = spec.partition(":")
    try:
        if not callable(getattr(importlib.import_module(module), attribute)):
            problems.append(f"{spec}: not callable")
    except Exception as error:
        problems.append(f"{spec}: {error!r}")
for path in wanted["paths"]:
    try:
        resolve(path)
    except Resolver404:
        problems.append(f"{path}: no URL matches")
for name in wanted["celery"]:
    from celery import Celery
    from celery.app.utils import find_app
    if not isinstance(find_app(name), Celery):
        problems.append(f"celery -A {name}: no Celery app")
print(json.dumps(problems))
"""


@pytest.mark.slow
@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_every_named_command_and_module_exists(projects, combination):
    project = projects(combination)
    root = project.path
    wanted: dict[str, set[str]] = {"manage": set(), "apps": set(), "paths": set(), "celery": set()}
    executables: set[str] = set()
    problems = []
    for source, argv in container_commands(root):
        program = argv[0]
        if program == "python" and argv[1] == "manage.py":
            wanted["manage"].add(argv[2])
        elif program == "python" and argv[1].endswith(".py"):
            if not (root / argv[1]).is_file():
                problems.append(f"{source}: {argv[1]} does not exist")
            wanted["paths"] |= {a for a in argv[2:] if a.startswith("/")}
        elif program in ("gunicorn", "uvicorn"):
            wanted["apps"] |= {
                a for a in argv[1:] if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", a)
            }
            executables.add(program)
        elif program == "celery":
            wanted["celery"].add(argv[argv.index("-A") + 1])
            executables.add(program)
        else:
            problems.append(f"{source}: unrecognised command {argv}")
    for program in executables:
        if not (root / ".venv/bin" / program).exists():
            project.build()
            if not (root / ".venv/bin" / program).exists():
                problems.append(f"{program} is not installed by the project's dependencies")
    assert {"wait_for_db", "migrate", "collectstatic"} <= wanted["manage"]
    assert "config.wsgi:application" in wanted["apps"]
    assert ("config.asgi:application" in wanted["apps"]) == combination.channels
    assert bool(wanted["celery"]) == combination.celery
    if wanted["celery"] and not (root / "config" / "celery.py").exists():
        # The Celery layer provides config/celery.py; until it is merged, say so and check the rest.
        print(
            f"[{combination.id}] config/celery.py does not exist yet: celery -A config not checked"
        )
        wanted["celery"] = set()
    result = project.venv(
        "python",
        "-c",
        CHECK_NAMES,
        json.dumps({k: sorted(v) for k, v in wanted.items()}),
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    problems += json.loads(result.stdout.strip().splitlines()[-1])
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_image_installs_exactly_the_locked_runtime_dependencies(projects, combination, tmp_path):
    project = projects(combination)
    project.build()  # uv sync writes the uv.lock the image is built from
    (run,) = [
        r
        for r in dockerfile_stages(project.path / "Dockerfile")["build"].all("RUN")
        if "uv sync" in r
    ]
    words = shlex.split(run)
    # The step sees only its bind mounts: copy just those files, as the build would.
    context = tmp_path / "context"
    context.mkdir()
    for mount in (w for w in words if w.startswith("--mount=type=bind")):
        options = dict(part.split("=", 1) for part in mount.removeprefix("--mount=").split(","))
        shutil.copy(project.path / options["source"], context / options["target"])
    assert sorted(p.name for p in context.iterdir()) == ["pyproject.toml", "uv.lock"]
    argv = [w for w in words if not w.startswith("--mount=")]
    venv = tmp_path / "venv"
    env = clean_env(
        UV_PROJECT_ENVIRONMENT=str(venv), UV_PYTHON=python_for(project.answers["python_version"])
    )
    subprocess.run(
        argv, cwd=context, env=env, check=True, capture_output=True, text=True, timeout=600
    )
    listed = subprocess.run(
        ["uv", "pip", "list", "--format", "json", "--python", str(venv / "bin/python")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    installed = {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    exported = project.run(
        "uv",
        "export",
        "--frozen",
        "--no-dev",
        "--no-hashes",
        "--no-emit-project",
        "--format",
        "requirements-txt",
    ).stdout
    marker_env = {
        "python_version": project.answers["python_version"],
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
    }
    locked = {}
    for line in exported.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line.strip())
        if requirement.marker is None or requirement.marker.evaluate(marker_env):
            locked[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix(
                "=="
            )
    assert installed == locked
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    for dependency in pyproject["project"]["dependencies"]:
        assert canonicalize_name(Requirement(dependency).name) in installed, dependency
    # Dev tools stay out, unless a runtime package needs them too (uvicorn[standard] brings
    # websockets, which the Channels tests also use as a client): those are in `locked` above.
    for dependency in pyproject["dependency-groups"]["dev"]:
        name = canonicalize_name(Requirement(dependency).name)
        assert name not in installed or name in locked, dependency


def shell_assignments(run: str) -> tuple[dict[str, str], list[str]]:
    words = shlex.split(run)
    assignments = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        key, _, value = words.pop(0).partition("=")
        assignments[key] = value
    return assignments, words


@pytest.mark.slow
@pytest.mark.parametrize("combination", DOCKER_PARAMS)
def test_image_commands_serve_the_health_checks(projects, combination):
    """collectstatic as the build runs it, then the image's gunicorn command and HEALTHCHECK."""
    project: Project = projects(combination)
    root = project.path
    stages = dockerfile_stages(root / "Dockerfile")
    bin_dir = root / ".venv" / "bin"
    (collect,) = [r for r in stages["build"].all("RUN") if "collectstatic" in r]
    build_env, argv = shell_assignments(collect)
    project.venv(str(bin_dir / argv[0].removeprefix(VENV_IN_IMAGE)), *argv[1:], env=build_env)

    configmap = next(d for d in manifests(root) if d["kind"] == "ConfigMap")["data"]
    port = free_port()
    env = clean_env(
        **{
            **configmap,
            "DJANGO_SECRET_KEY": "x" * 50,
            "WEB_CONCURRENCY": "1",
            "PORT": str(port),
            "PATH": f"{bin_dir}:{clean_env()['PATH']}",
        }
    )
    command = exec_form(stages["runtime"].all("CMD")[0])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    healthcheck = exec_form(stages["runtime"].all("HEALTHCHECK")[0].split(" CMD ", 1)[1])
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            check = subprocess.run(
                healthcheck, cwd=root, env=env, capture_output=True, text=True, check=False
            )
            if check.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.5)
        assert check.returncode == 0, check.stderr
        ready = subprocess.run(
            [*healthcheck[:-1], "/health/ready/"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ready.returncode == 0, ready.stderr
        # Everything but /health/ is redirected to HTTPS: the probes' exemption is a narrow one.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/", headers={"Host": configmap["DJANGO_ALLOWED_HOSTS"]})
        response = connection.getresponse()
        assert response.status == 301
        assert response.getheader("Location", "").startswith("https://")
        connection.close()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Booting worker" in output, output
