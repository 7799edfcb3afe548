"""mypy for a generated project, seeded with a warm cache of third-party modules.

A cold `mypy .` on the all-layers project spends 46 CPU-seconds, most of them on django-stubs, the
DRF and Celery stubs, allauth and the standard library; the project's own 221 files take the rest.
Each run therefore gets a cache directory of its own (a cache shared between concurrent runs once
gave a false error), filled first with a copy of a seed: the cache of the first run of this test
session with the same Python version, mypy and django-stubs, from which every entry of that
project's own files was removed. mypy checks every seeded entry against the file it now finds
(size, then content hash: the venvs differ) and its options, and checks again whatever is stale or
depends on something stale, as in any incremental run (13 CPU-seconds instead of 46 there).

The seed is written once, by renaming a finished directory into place, and only read after: no
two processes ever write the same cache. When a seeded run reports errors, a cold run gives the
verdict, so a stale cache can never fail a project; tests/test_harness.py checks that an injected
error is reported with a seed, exactly as without one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

from tests.harness import Project, clean_env, run_id


def seeds_root() -> Path:
    """This run's seeds: named by the run id, removed when the run ends (tests/conftest.py)."""
    return Path(tempfile.gettempdir()) / f"django-pro-mypy-seeds-{run_id()}"


def seed_key(project: Project) -> str:
    """What the seeded entries depend on beyond their files' contents: the Python version mypy
    targets (in its options), mypy (its cache format) and django-stubs (the plugin)."""
    site = sorted((project.path / ".venv" / "lib").glob("python*/site-packages"))
    wanted = ("mypy-", "django_stubs-")
    versions = sorted(
        entry.name.removesuffix(".dist-info")
        for directory in site
        for entry in directory.glob("*.dist-info")
        if entry.name.startswith(wanted)
    )
    return "_".join([f"py{project.answers['python_version']}", *versions])


def strip_project_modules(cache: Path) -> int:
    """Remove the entries of the project's own files (paths relative to the project, where the
    venv's are absolute): another project has other files under the same module names."""
    removed = 0
    for meta in list(cache.rglob("*.meta.json")):
        if json.loads(meta.read_text()).get("path", "/").startswith("/"):
            continue
        stem = meta.name.removesuffix(".meta.json")
        for entry in meta.parent.glob(f"{stem}.*"):
            if entry.name.startswith(stem + ".") and entry.is_file():
                entry.unlink()
        removed += 1
    return removed


def publish_seed(cache: Path, seed: Path) -> None:
    """Make this run's cache the seed for its key, unless another run already did."""
    if seed.exists():
        return
    seed.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{seed.name}.partial-", dir=seed.parent))
    try:
        shutil.copytree(cache, partial, dirs_exist_ok=True)  # copy2: mtimes kept, mypy reads them
        strip_project_modules(partial)
        os.rename(partial, seed)  # atomic; fails when another worker's seed got there first
    except OSError:
        pass
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def mypy(project: Project, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mypy .` in the project's venv with this cache directory, whatever its exit code."""
    project.build()
    env = {"PATH": f"{project.path / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        ["mypy", f"--cache-dir={cache}", *args, "."],
        cwd=project.path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


# A project's passing mypy run, by its path: a worker's tests share the project, and the harness
# test that needs a seed may have checked it already (the files are the same: it restores them).
_passed: dict[Path, subprocess.CompletedProcess[str]] = {}


def type_check(project: Project, seeded: bool = True) -> subprocess.CompletedProcess[str]:
    """mypy over the project, with a private cache seeded when a seed exists (see above). The
    result is the cold run's whenever the seeded one found errors."""
    if seeded and project.path in _passed:
        return _passed[project.path]
    result = _type_check(project, seeded)
    if seeded and result.returncode == 0:
        _passed[project.path] = result
    return result


def _type_check(project: Project, seeded: bool) -> subprocess.CompletedProcess[str]:
    project.build()
    seed = seeds_root() / seed_key(project)
    private = Path(tempfile.mkdtemp(prefix="django-pro-mypy-"))
    try:
        used_seed = seeded and seed.is_dir()
        if used_seed:
            shutil.copytree(seed, private, dirs_exist_ok=True)
        result = mypy(project, private)
        if result.returncode == 0:
            if seeded:
                publish_seed(private, seed)
            return result
        if not used_seed:
            return result
        shutil.rmtree(private)
        cold = mypy(project, Path(os.devnull))
        if cold.stdout != result.stdout:
            warnings.warn(
                f"[{project.combination.id}] mypy with a seeded cache said\n{result.stdout}\n"
                f"and without one\n{cold.stdout}\nthe latter counts",
                stacklevel=1,
            )
        return cold
    finally:
        shutil.rmtree(private, ignore_errors=True)
