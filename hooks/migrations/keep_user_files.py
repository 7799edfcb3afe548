"""Copier migration, after every update: a file the update deleted never takes your changes along.

Copier deletes every file that the old version of the template rendered and the new one does
not (a file the template dropped or renamed, or the files of a layer switched off), even one you
changed, with no conflict and no warning. This runs after each update, in the project's root,
and puts back each such file that held changes of yours:

- where the template renamed the file (RENAMES) and the update has just created the new name,
  your content goes to the new name, replacing the placeholder the template wrote there;
- otherwise it goes beside its old path as `<name>.removed-from-template`, which no tool of the
  project reads (not a module, not a test), for you to move what you need into your own code.

"Changed" means: the file's content in your last commit (the update needs a clean tree, so that
commit is what the update started from) differs from what the old version rendered for your old
answers, which this renders again. A file it cannot compare is kept. Running it twice, or on a
project that never had the old files, changes nothing; it never overwrites a file.

    python keep_user_files.py <answers file>        (Copier passes it; STAGE must be "after")
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import yaml

KEPT_SUFFIX = ".removed-from-template"
# Files the template renamed: old path -> new path (v0.2.0 gave the user-owned modules clearer
# names, in d8763d9).
RENAMES = {
    "config/settings/project.py": "config/settings/custom.py",
    "config/project_urls.py": "config/custom_urls.py",
}


def git(*args: str, binary: bool = False) -> str | bytes:
    result = subprocess.run(["git", *args], capture_output=True, check=True)
    return result.stdout if binary else result.stdout.decode()


@dataclass(frozen=True)
class Tracked:
    path: str  # relative to the project's root
    mode: str  # git's file mode, 100644 or 100755


def tracked_before_update() -> list[Tracked]:
    """The regular files of the last commit under the project's root (it may be a subfolder)."""
    prefix = str(git("rev-parse", "--show-prefix")).strip()
    listing = str(git("ls-tree", "-r", "-z", "--full-tree", "HEAD"))
    files = []
    for entry in filter(None, listing.split("\0")):
        meta, full_path = entry.split("\t", 1)
        mode, kind, _ = meta.split()
        if kind == "blob" and mode in {"100644", "100755"} and full_path.startswith(prefix):
            files.append(Tracked(full_path[len(prefix) :], mode))
    return files


def committed(path: str) -> bytes:
    return bytes(git("cat-file", "blob", f"HEAD:./{path}", binary=True))


def render_old_version(answers_file: str, destination: Path) -> bool:
    """Render the version the project was on, with its answers then, as Copier's update did."""
    from copier import run_copy  # the Copier running this migration

    answers = yaml.safe_load(committed(answers_file)) or {}
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_copy(
                str(answers["_src_path"]),
                destination,
                data=data,
                vcs_ref=str(answers["_commit"]),
                defaults=True,
                overwrite=True,
                unsafe=True,
                quiet=True,
                skip_tasks=True,
            )
        except Exception as error:  # whatever it is, every deleted file will be kept
            print(f"django-pro: could not render the previous version ({error})", file=sys.stderr)
            return False
    return True


def free_path(wanted: Path, content: bytes) -> Path | None:
    """`wanted`, or a numbered variant if another file is there; None if it already holds it."""
    candidate, number = wanted, 1
    while candidate.exists():
        if candidate.is_file() and candidate.read_bytes() == content:
            return None
        number += 1
        candidate = wanted.with_name(f"{wanted.name}-{number}")
    return candidate


def write(path: Path, content: bytes, mode: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if mode == "100755":
        path.chmod(path.stat().st_mode | 0o111)


def keep(answers_file: str) -> list[str]:
    """Put back the changed files the update deleted; return one report line for each."""
    tracked = tracked_before_update()
    deleted = [file for file in tracked if not os.path.lexists(file.path)]
    if not deleted:
        return []
    before = {file.path for file in tracked}
    report = []
    with tempfile.TemporaryDirectory(prefix="django-pro-previous.") as scratch:
        old = Path(scratch) / "project"
        rendered = render_old_version(answers_file, old)
        for file in deleted:
            content = committed(file.path)
            original = old / file.path
            if rendered and original.is_file() and original.read_bytes() == content:
                continue  # the template's own version, unchanged: let it go
            renamed = RENAMES.get(file.path)
            if renamed and renamed not in before and Path(renamed).is_file():
                # The update just created the new name with the template's placeholder.
                if Path(renamed).read_bytes() != content:
                    write(Path(renamed), content, file.mode)
                report.append(f"  moved  {file.path} -> {renamed} (its new name)")
                continue
            target = free_path(Path(file.path + KEPT_SUFFIX), content)
            if target is not None:
                write(target, content, file.mode)
            shown = target or Path(file.path + KEPT_SUFFIX)
            report.append(f"  kept   {file.path} -> {shown.as_posix()}")
    return report


def main() -> None:
    if os.environ.get("STAGE") != "after":
        raise SystemExit("keep_user_files.py runs after an update (STAGE=after)")
    report = keep(sys.argv[1] if len(sys.argv) > 1 else ".copier-answers.yml")
    if not report:
        return
    print(
        "\ndjango-pro: the new version no longer has these files, which held your changes;"
        " nothing of yours is lost:",
        *report,
        sep="\n",
    )
    if any(KEPT_SUFFIX in line for line in report):
        print(
            f"Move what you still need from the *{KEPT_SUFFIX} files into modules of your own,"
            " then delete them (README.md, 'Update from the template')."
        )


if __name__ == "__main__":
    main()
