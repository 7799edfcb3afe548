"""The probe processes (tests/probes.py) start only in runs that read them, and run below the
test run's priority."""

import os

import pytest

from .probes import PROBES, answers, part

part("settings", "niceness", "import os\nanswer = os.nice(0)", __name__)


def test_no_module_that_reads_a_probe_holds_a_test_of_the_services_run(
    request: pytest.FixtureRequest,
) -> None:
    """A probe starts when a selected test's module reads it (tests/conftest.py): a database
    test beside the reader would start it in every `-m services` run, which never reads it."""
    readers = set().union(*(probe.modules for probe in PROBES.values()))
    mixed = [
        item.nodeid
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.module.__name__ in readers
        and item.get_closest_marker("services")
    ]
    assert mixed == []


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priorities are POSIX's os.nice")
def test_probes_take_only_the_cpu_the_test_run_leaves() -> None:
    assert answers("settings")["niceness"] == min(os.nice(0) + 10, 19)  # 19: the lowest
