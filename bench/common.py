"""What every part of the benchmark uses: where things are, running commands, generating and
syncing a project. Environments and ports come from the template's harness (tests/harness.py),
so the benchmark and the suite start a project's commands alike."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.harness import LAYERS, LOOPBACK, clean_env, free_port

__all__ = ["HOST", "LAYERS", "clean_env", "free_port"]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
# uv may not download an interpreter here: name the one projects are synced with.
PYTHON = "/root/.pyenv/versions/3.13.0/bin/python3.13"
HOST = LOOPBACK


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        cmd, cwd=cwd, env=env, text=True, capture_output=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}"
        )
    return result


def timed(cmd: list[str], **kwargs: Any) -> float:
    started = time.perf_counter()
    run(cmd, **kwargs)
    return time.perf_counter() - started


def available_layers() -> list[str]:
    """The layers this checkout of the template has files for (a layer is switched by names)."""
    names = [str(path) for path in (ROOT / "template").rglob("*")]
    return [layer for layer in LAYERS if any(f"use_{layer} " in name for name in names)]


def copier_copy(dst: Path, layers: bool | list[str]) -> None:
    """Generate with every layer off (False), on (True), or on for the listed ones."""
    shutil.rmtree(dst, ignore_errors=True)
    chosen = LAYERS if layers is True else layers or []
    data = [
        arg for layer in LAYERS for arg in ("--data", f"use_{layer}={str(layer in chosen).lower()}")
    ]
    copier = str(Path(sys.executable).parent / "copier")
    run(
        [copier, "copy", "-q", "--trust", "--defaults", *data, str(ROOT), str(dst)], env=clean_env()
    )


def uv_sync(project: Path) -> None:
    run(["uv", "sync", "-q", "-p", PYTHON], cwd=project, env=clean_env())


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    )
    return result.stdout.strip() or "?"
