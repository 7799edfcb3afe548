"""`copier copy` asked interactively, through a real pseudo-terminal: keys in, screen out.

Copier validates a menu pick differently from an answer given with --data (it calls a question's
validator for typed answers only), so what --data refuses must be tested in the menu too: the
refused combination (Django 6.1 on Python 3.11) is shown greyed out and cannot be picked. A whole
interactive run with non-default answers gives the same project as --data with those answers.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest
import yaml
from copier import run_copy

from tests.harness import TEMPLATE_ROOT
from tests.template_repo import clone_this_checkout, tree_differences

UP, DOWN, ENTER, CLEAR_LINE = "\x1b[A", "\x1b[B", "\r", "\x15"
COLUMNS, ROWS = 200, 60
QUESTIONS = {
    name: spec
    for name, spec in yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text()).items()
    if not name.startswith("_") and spec.get("when") is not False
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A clean clone: both runs of a comparison record the same _commit and _src_path."""
    return clone_this_checkout(tmp_path_factory.mktemp("prompts") / "django-pro")


class Terminal:
    """`copier copy` on a pseudo-terminal, read through a terminal emulator (pyte), so what a
    test sees is what a user's screen shows. Each question is recognised by its help text."""

    def __init__(self, template: Path, destination: Path) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "copier", "copy", "--trust", str(template), str(destination)],
            dimensions=(ROWS, COLUMNS),
            encoding="utf-8",
            # No cursor-position requests: nothing on this side of the pty answers them.
            env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1"},
        )

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, wanted: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in self.text():
            if time.monotonic() > deadline or not self.child.isalive():
                pytest.fail(f"never saw {wanted!r}; the screen shows:\n{self.text()}")
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.2))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                pytest.fail(f"copier ended before {wanted!r}; the screen shows:\n{self.text()}")

    def reach(self, question: str) -> None:
        self.wait_for(QUESTIONS[question]["help"][:60])

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.child.send(key)

    def type_answer(self, question: str, text: str) -> None:
        """Replace the pre-filled default with `text` and submit it."""
        self.reach(question)
        self.keys(CLEAR_LINE, text, ENTER)

    def finish(self) -> None:
        self.child.expect(pexpect.EOF, timeout=180)
        self.child.close()
        assert self.child.exitstatus == 0, self.text()


def answers_file(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_django_6_1_cannot_be_picked_after_python_3_11(template, tmp_path):
    terminal = Terminal(template, tmp_path / "project")
    for question in ("project_name", "project_slug", "description", "author_name"):
        terminal.reach(question)
        terminal.keys(ENTER)
    for question in ("author_email", "domain_name", "timezone"):
        terminal.reach(question)
        terminal.keys(ENTER)
    terminal.reach("python_version")
    terminal.keys(UP, UP, ENTER)  # 3.13 is the default; two up is 3.11
    terminal.reach("django_version")
    # The menu shows 6.1 with the reason it is refused; down, up and down again never land on it.
    terminal.wait_for("- 6.1 (Django 6.1 needs Python 3.12 or newer")
    terminal.keys(DOWN, UP, DOWN, DOWN, ENTER)
    for question in ("use_drf", "use_celery", "use_channels", "use_graphql", "use_docker"):
        terminal.reach(question)
        terminal.keys("n")
    terminal.finish()

    answers = answers_file(tmp_path / "project")
    assert (answers["python_version"], answers["django_version"]) == ("3.11", "5.2")


def test_an_interactive_run_equals_data_with_the_same_answers(template, tmp_path):
    answers = {
        "project_name": "Billing Engine",
        "project_slug": "billing_core",
        "description": "Invoices and payments",
        "author_name": "Ada Lovelace",
        "author_email": "ada@example.org",
        "domain_name": "billing.example.org",
        "timezone": "Europe/Paris",
        "python_version": "3.12",
        "django_version": "6.1",
        "use_drf": True,
        "use_celery": False,
        "use_channels": True,
        "use_graphql": False,
        "use_docker": True,
    }
    terminal = Terminal(template, tmp_path / "interactive")
    terminal.type_answer("project_name", answers["project_name"])
    # A refused typed answer keeps the question open with the validator's message.
    terminal.type_answer("project_slug", "django")
    terminal.wait_for('project_slug "django" would shadow the module')
    terminal.keys(CLEAR_LINE, answers["project_slug"], ENTER)
    for question in ("description", "author_name", "author_email", "domain_name"):
        terminal.type_answer(question, answers[question])
    terminal.type_answer("timezone", "Mars/Olympus")
    terminal.wait_for('timezone "Mars/Olympus" is not in the tz database')
    terminal.keys(CLEAR_LINE, answers["timezone"], ENTER)
    terminal.reach("python_version")
    terminal.keys(UP, ENTER)  # 3.13 -> 3.12
    terminal.reach("django_version")
    terminal.keys(DOWN, ENTER)  # 5.2 -> 6.1, allowed on 3.12
    for layer in ("drf", "celery", "channels", "graphql", "docker"):
        terminal.reach(f"use_{layer}")
        terminal.keys("y" if answers[f"use_{layer}"] else "n")
    terminal.finish()

    run_copy(str(template), tmp_path / "data", data=answers, defaults=True, unsafe=True, quiet=True)
    assert answers_file(tmp_path / "interactive") == answers_file(tmp_path / "data")
    assert tree_differences(tmp_path / "interactive", tmp_path / "data") == []
