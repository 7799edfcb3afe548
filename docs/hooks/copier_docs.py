"""MkDocs hook: the parts of the docs that copier.yml and template/ already say, built from them.

A page asks for a generated block with an HTML comment on a line of its own (indented to put
the block inside a tab or a list):

    <!-- questions:table -->            every question of copier.yml: type, default, help
    <!-- layer:files use_drf -->        the files a layer question switches on (from template/)
    <!-- layer:dependencies use_drf --> its block of template/pyproject.toml.jinja
    <!-- layer:env use_drf -->          its lines of .env.example (includes/env/<layer>.jinja)
    <!-- env:base -->                   the lines every project's .env.example has
    <!-- user-files -->                 the files Copier writes once (_skip_if_exists)

The questions page must also have one `### `name`` section per question and none for a question
that does not exist: anything else is a warning, which fails `mkdocs build --strict`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("mkdocs.hooks.copier_docs")

ROOT = Path(__file__).resolve().parent.parent.parent
QUESTIONS_PAGE = "questions.md"
MARKER = re.compile(
    r"^([ \t]*)<!-- ([a-z-]+(?::[a-z]+)?)(?: ([A-Za-z0-9_]+))? -->[ \t]*$", re.MULTILINE
)
SECTION = re.compile(r"^### `([^`]+)`", re.MULTILINE)
CONDITION = re.compile(r"\{%-?\s*if\s+(.+?)\s*-?%\}(.*?)\{%-?\s*endif\s*-?%\}")
JINJA = re.compile(r"\{\{|\{%")


# ---------------------------------------------------------------------------------------------
# What copier.yml and template/ say


def load_questions(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """The questions of copier.yml, in order (keys starting with _ are settings, not questions)."""
    config = yaml.safe_load((root / "copier.yml").read_text())
    return {
        name: spec
        for name, spec in config.items()
        # `when: false` marks a value derived from the answers, never asked.
        if not name.startswith("_") and spec.get("when") is not False
    }


def load_settings(root: Path = ROOT) -> dict[str, Any]:
    config = yaml.safe_load((root / "copier.yml").read_text())
    return {name: spec for name, spec in config.items() if name.startswith("_")}


def layer_name(question: str) -> str:
    return question.removeprefix("use_")


@dataclass(frozen=True)
class LayerPath:
    """A path of template/ that exists only when a condition on the answers holds."""

    shown: str  # as it appears in a generated project, with <project_slug>
    is_dir: bool
    files: int  # files under it, for a folder
    also: tuple[str, ...]  # other questions that must be on too
    negated: bool  # present when the question is off (the layer replaces it)


def _show(part: str) -> str:
    part = CONDITION.sub(lambda match: match.group(2), part)
    part = re.sub(r"\{\{\s*project_slug\s*\}\}", "<project_slug>", part)
    return part.removesuffix(".jinja")


def layer_paths(question: str, root: Path = ROOT) -> list[LayerPath]:
    """Files and folders of template/ whose names switch on `question` (the shallowest one)."""
    template = root / load_settings(root).get("_subdirectory", "template")
    found: dict[tuple[str, bool], LayerPath] = {}
    for path in sorted(template.rglob("*")):
        parts = path.relative_to(template).parts
        outer: list[str] = []  # questions that folders above must have on
        for depth, part in enumerate(parts):
            match = CONDITION.search(part)
            if not match:
                continue
            names = re.findall(r"(not\s+)?\b(use_[a-z_]+)\b", match.group(1))
            mine = [negation for negation, name in names if name == question]
            if not mine:
                outer += [name for negation, name in names if not negation]
                continue  # a condition on other questions: look deeper for this one's
            prefix = parts[: depth + 1]
            shown = "/".join(_show(p) for p in prefix)
            is_dir = depth + 1 < len(parts) or path.is_dir()
            if is_dir:
                shown += "/"
            key = (shown, bool(mine[0]))
            if key not in found:
                folder = template.joinpath(*prefix)
                count = sum(1 for f in folder.rglob("*") if f.is_file()) if is_dir else 1
                also = [name for negation, name in names if name != question and not negation]
                found[key] = LayerPath(
                    shown, is_dir, count, tuple(dict.fromkeys([*outer, *also])), bool(mine[0])
                )
            break
    return sorted(found.values(), key=_place)


def _place(item: LayerPath) -> tuple[int, str]:
    """Root files first, then config/, the package, and tests/ last, as in the layout."""
    top = item.shown.split("/")[0]
    order = {"config": 1, "<project_slug>": 2, "tests": 3}
    return order.get(top, 0) if "/" in item.shown else 0, item.shown


def layer_dependencies(question: str, root: Path = ROOT) -> dict[str, list[str]]:
    """The requirement strings in `question`'s blocks of template/pyproject.toml.jinja."""
    groups: dict[str, list[str]] = {"runtime": [], "development": []}
    group = ""
    inside = False
    for line in (root / "template" / "pyproject.toml.jinja").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("dependencies = ["):
            group = "runtime"
        elif stripped.startswith("dev = ["):
            group = "development"
        elif stripped == "]":
            group = ""
        match = re.match(r"\{%-?\s*if\s+(.+?)\s*-?%\}", stripped)
        if match:
            inside = bool(re.fullmatch(rf"{question}", match.group(1)))
        elif re.match(r"\{%-?\s*endif", stripped):
            inside = False
        elif inside and group and stripped.startswith('"'):
            groups[group].append(stripped.rstrip(",").strip('"'))
    return groups


def env_example(path: Path) -> str:
    """An .env.example fragment as a generated project gets it, answers shown as <question>.

    Shown whole rather than as a table: its comments say which variables they cover.
    """
    lines = [line for line in path.read_text().splitlines() if not JINJA.match(line.strip())]
    text = "\n".join(lines).strip()
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"<\1>", text)
    return text if re.search(r"^[A-Z][A-Z0-9_]*=", text, re.MULTILINE) else ""


# ---------------------------------------------------------------------------------------------
# Markdown


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _default(name: str, spec: dict[str, Any], questions: dict[str, Any]) -> str:
    default = spec.get("default")
    if isinstance(default, bool):
        return "no" if not default else "yes"
    if isinstance(default, str) and JINJA.search(default):
        sources = [other for other in questions if other != name and other in default]
        if not sources:
            return "computed"
        return "derived from " + ", ".join(f"`{other}`" for other in sources)
    return f"`{default}`" if default not in (None, "") else "(empty)"


def questions_table(root: Path = ROOT) -> str:
    questions = load_questions(root)
    rows = [
        "| question | type | default | asks | answers accepted |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, spec in questions.items():
        kind = spec.get("type", "str")
        if "choices" in spec:
            accepted = ", ".join(f"`{choice}`" for choice in spec["choices"])
        elif kind == "bool":
            accepted = "yes / no"
        elif spec.get("validator"):
            accepted = "checked by a validator"
        else:
            accepted = "any"
        rows.append(
            f"| [`{name}`](#{name}) | {kind} | {_default(name, spec, questions)} "
            f"| {_cell(spec.get('help', ''))} | {accepted} |"
        )
    return "\n".join(rows)


def files_block(question: str, root: Path = ROOT) -> str:
    paths = layer_paths(question, root)
    added = [p for p in paths if not p.negated]
    swapped = {p.shown for p in paths if p.negated} & {p.shown for p in added}
    replaced = [p for p in paths if p.negated and p.shown not in swapped]
    if not added:
        return "*No files of its own yet.*"
    lines = []
    for item in added:
        detail = f" ({item.files} files)" if item.is_dir else ""
        if item.shown in swapped:
            detail += " (in place of the plain one of a project without it)"
        if item.also:
            detail += " — only when " + " and ".join(f"`{q}`" for q in item.also) + " is on too"
        lines.append(f"- `{item.shown}`{detail}")
    if replaced:
        shown = ", ".join(f"`{p.shown}`" for p in replaced)
        lines.append(f"- replaces the plain {shown} of a project without it")
    return "\n".join(lines)


def dependencies_block(question: str, root: Path = ROOT) -> str:
    groups = layer_dependencies(question, root)
    lines = [
        f"- {group}: " + ", ".join(f"`{requirement}`" for requirement in requirements)
        for group, requirements in groups.items()
        if requirements
    ]
    return "\n".join(lines) or "*No dependencies of its own.*"


def env_block(text: str) -> str:
    return f"```bash\n{text}\n```" if text else "*No variables of its own.*"


def user_files_block(root: Path = ROOT) -> str:
    paths = load_settings(root).get("_skip_if_exists", [])
    return "\n".join(f"- `{path}`" for path in paths)


def render_marker(kind: str, argument: str | None, root: Path = ROOT) -> str:
    questions = load_questions(root)
    if kind.startswith("layer:"):
        if argument not in questions or not argument.startswith("use_"):
            raise ValueError(f"{argument!r} is not a layer question of copier.yml")
        if kind == "layer:files":
            return files_block(argument, root)
        if kind == "layer:dependencies":
            return dependencies_block(argument, root)
        if kind == "layer:env":
            fragment = root / "includes" / "env" / f"{layer_name(argument)}.jinja"
            return env_block(env_example(fragment) if fragment.is_file() else "")
    elif kind == "questions:table":
        return questions_table(root)
    elif kind == "env:base":
        return env_block(env_example(root / "template" / ".env.example.jinja"))
    elif kind == "user-files":
        return user_files_block(root)
    raise ValueError(f"unknown marker <!-- {kind} -->")


def section_problems(markdown: str, root: Path = ROOT) -> list[str]:
    """Where the questions page's sections and copier.yml's questions disagree."""
    questions = list(load_questions(root))
    sections = SECTION.findall(markdown)
    problems = [
        f"copier.yml asks `{q}` but {QUESTIONS_PAGE} has no section for it"
        for q in questions
        if q not in sections
    ]
    problems += [
        f"{QUESTIONS_PAGE} documents `{s}`, which copier.yml does not ask"
        for s in sections
        if s not in questions
    ]
    return problems


# ---------------------------------------------------------------------------------------------
# MkDocs events


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    source = page.file.src_uri
    if source == QUESTIONS_PAGE:
        for problem in section_problems(markdown):
            log.warning(problem)

    def replace(match: re.Match[str]) -> str:
        indent, kind, argument = match.groups()
        try:
            block = render_marker(kind, argument)
        except ValueError as error:
            log.warning(f"{source}: {error}")
            return match.group(0)
        # Indented like the marker, so a block inside a tab or a list stays there.
        return "\n".join(indent + line if line else line for line in block.splitlines())

    return MARKER.sub(replace, markdown)
