"""The probe processes (tests/probes.py) start only in runs that read them."""

import pytest

from .probes import PROBES


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
