"""Every question's validator: bad answers are refused with a clear message and leave nothing.

These run the copier CLI as a user would, so the exit code and the printed message are what a
user sees.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.harness import TEMPLATE_ROOT

COPIER = [sys.executable, "-m", "copier"]


def copy(destination: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    return subprocess.run(
        [
            *COPIER,
            "copy",
            "--defaults",
            "--trust",
            "--quiet",
            *data,
            str(TEMPLATE_ROOT),
            str(destination),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


BAD_ANSWERS = [
    ("project_name", "", "project_name must not be empty"),
    ("project_name", 'Say "hi"', "must not contain double quotes"),
    ("project_name", "x" * 81, "at most 80 characters"),
    ("project_slug", "django", 'project_slug "django" would shadow the module'),
    ("project_slug", "test", 'project_slug "test" would shadow'),
    ("project_slug", "config", 'project_slug "config" would shadow'),
    ("project_slug", "celery", 'project_slug "celery" would shadow'),
    ("project_slug", "channels", 'project_slug "channels" would shadow'),
    ("project_slug", "strawberry", 'project_slug "strawberry" would shadow'),
    ("project_slug", "json", 'project_slug "json" would shadow'),
    ("project_slug", "class", "is a Python keyword"),
    ("project_slug", "1service", "must be a lowercase Python identifier"),
    ("project_slug", "My-Service", "must be a lowercase Python identifier"),
    ("description", "line\\one", "without double quotes or backslashes"),
    ("author_name", " ", "author_name must not be empty"),
    ("author_email", "not-an-email", 'author_email "not-an-email" is not a valid e-mail'),
    ("author_email", "a@b", "is not a valid e-mail"),
    ("domain_name", "https://example.com", "is not a valid lowercase domain name"),
    ("domain_name", "localhost", "is not a valid lowercase domain name"),
    ("domain_name", "exa mple.com", "is not a valid lowercase domain name"),
    ("timezone", "Mars/Olympus", 'timezone "Mars/Olympus" is not in the tz database'),
    ("timezone", "utc", "is not in the tz database"),
    ("python_version", "3.10", "3.10"),
    ("django_version", "6.0", "'6.0' is not in ['5.2', '6.1']"),
]


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    BAD_ANSWERS,
    ids=[f"{question}={answer[:20]!r}" for question, answer, _ in BAD_ANSWERS],
)
def test_bad_answer_is_refused_and_nothing_is_written(tmp_path, question, answer, message):
    destination = tmp_path / "project"
    result = copy(destination, **{question: answer})

    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]
    assert not destination.exists()


def test_django_6_on_python_3_11_is_refused(tmp_path):
    destination = tmp_path / "project"
    result = copy(destination, python_version="3.11", django_version="6.1")

    assert result.returncode != 0
    assert "Django 6.1 needs Python 3.12 or newer" in result.stderr, result.stderr[-2000:]
    assert not destination.exists()


def test_bad_answer_leaves_an_existing_folder_as_it_was(tmp_path):
    destination = tmp_path / "existing"
    destination.mkdir()
    (destination / "keep.txt").write_text("mine")

    result = copy(destination, author_email="nope")

    assert result.returncode != 0
    assert [path.name for path in destination.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("My Service", "my_service"),
        ("Café Ünïcode API", "cafe_unicode_api"),
        ("  spaced   out  ", "spaced_out"),
        ("2fast delivery", "project_2fast_delivery"),
        ("!!!", "project"),
        ("A" * 80, "a" * 30),
        ("Ökonomie & Straße", "okonomie_strasse"),
        ("2024", "project_2024"),  # only digits
        ("日本語サービス", "project"),  # no Latin letter at all
        ("— ✨ … —", "project"),  # only punctuation and symbols
        ("Long " * 16, ("long_" * 6).rstrip("_")),  # cut at 30, never ending in "_"
    ],
)
def test_unusual_names_derive_a_valid_slug(tmp_path, name, slug):
    destination = tmp_path / "project"
    result = copy(destination, project_name=name)

    assert result.returncode == 0, result.stderr[-2000:]
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["project_slug"] == slug
    assert (destination / slug / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Django", 'project_slug "django" would shadow the module'),
        ("Test", 'project_slug "test" would shadow'),
        ("Class", 'project_slug "class" is a Python keyword'),
    ],
)
def test_a_name_whose_slug_is_unusable_gets_a_clear_message(tmp_path, name, message):
    destination = tmp_path / "project"
    result = copy(destination, project_name=name)

    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]
    assert not destination.exists()


def test_every_question_has_help_and_a_default():
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    questions = {key: value for key, value in config.items() if not key.startswith("_")}
    required = {
        "project_name",
        "project_slug",
        "description",
        "author_name",
        "author_email",
        "domain_name",
        "timezone",
        "python_version",
        "django_version",
        "use_drf",
        "use_celery",
        "use_channels",
        "use_graphql",
        "use_docker",
    }
    assert required <= set(questions)
    for name, question in questions.items():
        if question.get("when") is False:
            continue  # derived from other answers, never asked
        assert question.get("help"), f"{name} has no help text"
        assert "default" in question, f"{name} has no default"
