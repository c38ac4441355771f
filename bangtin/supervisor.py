"""`bangtin up`: one lock per DATA_DIR, the web app, the worker and the bot as child processes."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

from core.errors import AlreadyRunning


class InstanceLock:
    """An exclusive lock on DATA_DIR: a second `bangtin up` is told, not allowed to share the queue."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "bangtin-up.lock"
        self._handle: IO[str] | None = None

    def __enter__(self) -> InstanceLock:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"bangtin is already running on {self.path.parent} (pid {pid}); "
                "stop it first, or give this one its own BANGTIN_DATA_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def _spawn(command: str) -> subprocess.Popen[bytes]:
    # Each child in its own process group: a Ctrl-C reaches us once and we stop them in order.
    return subprocess.Popen([sys.executable, "-m", "bangtin.cli", command], start_new_session=True)


def wait_until_healthy(url: str, *, timeout_s: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def run_together(*, commands: list[str], public_url: str, on_ready: Callable[[], None]) -> int:
    """Start `commands`, announce readiness, and stop all of them when one stops or we are told to."""
    children = {name: _spawn(name) for name in commands}
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        if wait_until_healthy(public_url, timeout_s=90, alive=lambda: all(p.poll() is None for p in children.values())):
            on_ready()
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"bangtin: {name} stopped (exit {child.returncode}); stopping the others", file=sys.stderr)
                    code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code
