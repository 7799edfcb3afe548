"""Rewrites a project's config/settings/custom.py from the old merge rule to plain Python.

custom.py used to be merged into the settings by a rule of its own: `INSTALLED_APPS = [...]`
there was appended to the template's list (so were MIDDLEWARE, HEALTH_CHECKS and
SENTRY_INTEGRATIONS), and `LEADING_APPS = [...]` went to the front of INSTALLED_APPS. It now runs
in the settings' namespace (django-split-settings), where such a line would replace the list.
This rewrites each such assignment into what it meant:

    INSTALLED_APPS = ["shop.billing"]   ->  INSTALLED_APPS += ["shop.billing"]
    LEADING_APPS = ["daphne"]           ->  INSTALLED_APPS = [*["daphne"], *INSTALLED_APPS]

and declares those names for linters and mypy (an import under `typing.TYPE_CHECKING`). It is
idempotent: a file already in the new form, or with nothing to convert, is left unchanged. A
name assigned twice in a row is left as it is and reported, for a person to convert: the
project then refuses to start with an error naming it (config/settings/custom_check.py).

Run it in a project's root (`python hooks/migrations/settings_upgrade.py`, or with the
project's path), or as a Copier migration: with STAGE set, it acts at the `after` stage only.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

CUSTOM_SETTINGS = Path("config/settings/custom.py")
# The docstring the template wrote into custom.py under the old rule: it would mislead now, so an
# unedited one is replaced by the template's current one.
OLD_DOCSTRING = (
    "Your project's own settings, merged after the template's base settings and layers.\n\n"
    "Copier creates this file once and never updates it, so what you write here never conflicts "
    "with\n`copier update`. Upper-case names replace the settings of the same name; "
    "INSTALLED_APPS,\nMIDDLEWARE, HEALTH_CHECKS and SENTRY_INTEGRATIONS are appended to, for "
    'example:\n\n    INSTALLED_APPS = ["my_project.billing"]\n\n'
    "Environment-specific values still belong in local.py, test.py or production.py.\n"
)
TEMPLATE_CUSTOM_SETTINGS = Path(__file__).resolve().parents[2] / "template" / CUSTOM_SETTINGS
APPENDED = ("INSTALLED_APPS", "MIDDLEWARE", "HEALTH_CHECKS", "SENTRY_INTEGRATIONS")
LEADING = "LEADING_APPS"
# Statements whose bodies run at module level, as the old merge saw them.
BLOCKS = (ast.If, ast.Try, ast.With)
LINE_LENGTH = 100  # the generated project's (ruff)


@dataclass
class Upgrade:
    text: str
    converted: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    new_docstring: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.converted) or self.new_docstring


def _module_level_assignments(body: list[ast.stmt]) -> list[tuple[list[ast.stmt], ast.stmt]]:
    """(enclosing body, statement) for each plain or annotated assignment run at module level."""
    found: list[tuple[list[ast.stmt], ast.stmt]] = []
    for statement in body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            found.append((body, statement))
        elif isinstance(statement, BLOCKS):
            for name in ("body", "orelse", "finalbody"):
                found.extend(_module_level_assignments(getattr(statement, name, [])))
            for handler in getattr(statement, "handlers", []):
                found.extend(_module_level_assignments(handler.body))
    return found


def _target(statement: ast.stmt) -> str | None:
    """The one name a statement assigns, if it assigns one name only."""
    if isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        targets = statement.targets
    else:
        return None
    return targets[0].id if isinstance(targets[0], ast.Name) else None


def _reads(node: ast.AST, name: str) -> bool:
    return any(isinstance(child, ast.Name) and child.id == name for child in ast.walk(node))


def _offset(lines: list[str], line: int, column: int) -> int:
    """Character offset of a (1-based line, 0-based UTF-8 byte column) position."""
    start = sum(len(text) for text in lines[: line - 1])
    return start + len(lines[line - 1].encode()[:column].decode())


def upgrade(text: str) -> Upgrade:
    """The new text of a custom.py, what was converted, and what was left for a person."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    wanted = {*APPENDED, LEADING}
    by_name: dict[str, list[tuple[list[ast.stmt], ast.stmt, ast.expr]]] = {}
    for body, statement in _module_level_assignments(tree.body):
        name = _target(statement)
        value = getattr(statement, "value", None)
        # An assignment that reads the list's current value already says what it does.
        if name in wanted and value is not None and not _reads(value, name):
            by_name.setdefault(name, []).append((body, statement, value))

    result = Upgrade(text)
    edits: list[tuple[int, int, str]] = []
    docstring = _docstring(tree)
    current = _current_docstring()
    if docstring and current and ast.get_docstring(tree, clean=False) == OLD_DOCSTRING:
        start = _offset(lines, docstring.lineno, docstring.col_offset)
        end = _offset(lines, docstring.end_lineno or 0, docstring.end_col_offset or 0)
        edits.append((start, end, current))
        result.new_docstring = True
    for name, found in sorted(by_name.items()):
        bodies = [id(body) for body, _, _ in found]
        if len(set(bodies)) < len(bodies):
            # Set twice in one block: only the last value was ever merged. Not guessed at.
            result.left.append(name)
            continue
        for _, statement, value in found:
            start = _offset(lines, statement.lineno, statement.col_offset)
            if name == LEADING:
                end = _offset(lines, statement.end_lineno or 0, statement.end_col_offset or 0)
                edits.append((start, end, f"INSTALLED_APPS = {_in_front(text, value)}"))
            else:
                # `NAME = value` (or `NAME: type = value`) becomes `NAME += value`.
                edits.append((start, _offset(lines, value.lineno, value.col_offset), f"{name} += "))
        result.converted.append(name)
    if not edits:
        return result

    new = text
    for start, end, replacement in sorted(edits, reverse=True):
        new = new[:start] + replacement + new[end:]
    declared = sorted({"INSTALLED_APPS" if name == LEADING else name for name in result.converted})
    result.text = _declare(new, declared) if declared else new
    return result


def _docstring(tree: ast.Module) -> ast.Expr | None:
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _current_docstring() -> str | None:
    """The source of the docstring of the template's own custom.py, next to this hook."""
    if not TEMPLATE_CUSTOM_SETTINGS.is_file():
        return None
    text = TEMPLATE_CUSTOM_SETTINGS.read_text(encoding="utf-8")
    docstring = _docstring(ast.parse(text))
    return ast.get_source_segment(text, docstring) if docstring else None


def _in_front(text: str, value: ast.expr) -> str:
    """A list of `value`'s apps followed by INSTALLED_APPS'."""
    source = ast.get_source_segment(text, value) or ""
    if isinstance(value, ast.List | ast.Tuple) and "\n" not in source:
        items = [ast.get_source_segment(text, element) or "" for element in value.elts]
        return f"[{', '.join([*items, '*INSTALLED_APPS'])}]"
    return f"[*{source}, *INSTALLED_APPS]"


def _declare(text: str, names: list[str]) -> str:
    """Insert the TYPE_CHECKING import of `names` after the docstring and __future__ imports."""
    tree = ast.parse(text)
    after = 0
    for statement in tree.body:
        is_docstring = statement is _docstring(tree)
        is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if not (is_docstring or is_future):
            break
        after = statement.end_lineno or statement.lineno
    # Its own `import typing`, used at once: harmless next to one of the file's.
    imported = f"    from config.settings.base import {', '.join(names)}\n"
    if len(imported) > LINE_LENGTH:
        listed = "".join(f"        {name},\n" for name in names)
        imported = f"    from config.settings.base import (\n{listed}    )\n"
    block = (
        "import typing\n\n"
        "if typing.TYPE_CHECKING:  # set by base.py, in whose namespace this file runs\n"
        f"{imported}"
    )
    lines = text.splitlines(keepends=True)
    head, tail = "".join(lines[:after]), "".join(lines[after:]).lstrip("\n")
    if head and not head.endswith("\n"):
        head += "\n"
    return (f"{head}\n{block}" if head else block) + (f"\n{tail}" if tail else "")


def upgrade_file(path: Path) -> Upgrade | None:
    """Rewrite `path` in place if it needs it; None when there is no such file."""
    if not path.is_file():
        return None
    result = upgrade(path.read_text(encoding="utf-8"))
    if result.changed:
        path.write_text(result.text, encoding="utf-8")
    return result


def main(argv: list[str]) -> int:
    if os.environ.get("STAGE", "after") != "after":
        return 0
    root = Path(argv[1]) if len(argv) > 1 else Path.cwd()
    path = root / CUSTOM_SETTINGS
    try:
        result = upgrade_file(path)
    except SyntaxError as error:
        print(f"django-pro: {CUSTOM_SETTINGS} does not parse ({error}); left as it is.")
        return 0
    if result is None:
        return 0
    for name in result.converted:
        if name == LEADING:
            print(f"django-pro: {CUSTOM_SETTINGS}: {LEADING} now go in front of INSTALLED_APPS.")
        else:
            print(f"django-pro: {CUSTOM_SETTINGS}: {name} now adds to the list (+=).")
    if result.new_docstring:
        print(f"django-pro: {CUSTOM_SETTINGS}: its docstring now says the new rule.")
    for name in result.left:
        print(
            f"django-pro: {CUSTOM_SETTINGS} sets {name} more than once: change it by hand to "
            f"`{name} += [...]` (the project will not start until then)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
