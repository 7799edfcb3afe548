"""Copier migration to v0.2.0: the user-owned modules got clearer names.

    config/settings/project.py  ->  config/settings/custom.py
    config/project_urls.py      ->  config/custom_urls.py

Both are the user's own files (Copier writes them once, `_skip_if_exists`). Left to itself the
update would delete the old ones, because they left the template, and create the new ones empty:
the user's settings and routes would be lost. So before the update this saves them inside the
project's git directory (untracked, invisible to the update), and after it writes them to the new
names. Copier runs it with STAGE=before and STAGE=after, in the project's root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

RENAMES = {
    Path("config/settings/project.py"): Path("config/settings/custom.py"),
    Path("config/project_urls.py"): Path("config/custom_urls.py"),
}


def stash_dir() -> Path:
    git_dir = subprocess.run(
        ["git", "rev-parse", "--git-dir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return Path(git_dir) / "django-pro-migrations" / "v0.2.0"


def before(stash: Path) -> None:
    for old in RENAMES:
        if old.is_file():
            (stash / old).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, stash / old)


def after(stash: Path) -> None:
    for old, new in RENAMES.items():
        saved = stash / old
        if saved.is_file():
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(saved, new)
            print(f"django-pro v0.2.0: moved your {old} to {new}")
        old.unlink(missing_ok=True)
    shutil.rmtree(stash, ignore_errors=True)


def main() -> None:
    stage = os.environ.get("STAGE", "")
    stash = stash_dir()
    if stage == "before":
        before(stash)
    elif stage == "after":
        after(stash)
    else:
        raise SystemExit(f"unknown migration stage {stage!r}: expected before or after")


if __name__ == "__main__":
    main()
