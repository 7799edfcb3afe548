"""The `closed_port` fixture (conftest.py): where tests find Redis or a broker unreachable."""

import socket

import pytest


def test_a_connection_to_it_is_refused(closed_port):
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", closed_port), timeout=1)


def test_no_other_process_can_take_it_while_the_test_runs(closed_port):
    with socket.socket() as other, pytest.raises(OSError, match="in use"):
        other.bind(("127.0.0.1", closed_port))
