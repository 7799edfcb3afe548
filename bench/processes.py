"""Processes the benchmark starts: each in its own session, all stopped at the end, also when a
step fails or on Ctrl-C / SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import HOST


class Processes:
    """Started processes, each in its own session so its whole group can be stopped."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(
        self,
        cmd: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        log_file: Path,
        port: int,
        probe: str = "/",
    ) -> subprocess.Popen[bytes]:
        with log_file.open("ab") as output:
            process = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.started.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{cmd[0]} exited: see {log_file}\n{log_file.read_text()[-2000:]}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection((HOST, port), timeout=1),
            ):
                return process
            time.sleep(0.2)
        raise RuntimeError(f"{' '.join(cmd)} did not listen on {port} within 60 s")

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in reversed(list(self.started)):
            self.stop(process)


@contextlib.contextmanager
def processes() -> Iterator[Processes]:
    procs = Processes()

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield procs
    finally:
        procs.stop_all()
        signal.signal(signal.SIGTERM, previous)
