"""`bangtin up`: one lock per DATA_DIR, the web app, the worker and the bot as child processes.

Every process of an instance (the supervisor, web, worker, bot and their own children) holds the
DATA_DIR lock shared; `restore` and a second `bangtin up` need it exclusively, so they wait for all
of them, not only for the supervisor. Children die with the supervisor (Linux parent-death signal),
so a `kill -9` of `bangtin up` leaves no orphan. A child that crashes is restarted with backoff; the
others keep running.
"""

from __future__ import annotations

import ctypes
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


DATA_LOCK = "bangtin-data.lock"
PR_SET_PDEATHSIG = 1


class DataDirLock:
    """The DATA_DIR lock: shared by every process of a running instance, exclusive for a restore."""

    def __init__(self, data_dir: Path, *, exclusive: bool, wait_s: float = 0.0) -> None:
        self.path = data_dir / DATA_LOCK
        self.exclusive, self.wait_s = exclusive, wait_s
        self._handle: IO[str] | None = None

    def __enter__(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        mode = fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise AlreadyRunning(
                        f"processes of a bangtin instance still run on {self.path.parent} (web, worker or bot): "
                        "stop them first (or wait for them to end)") from None
                time.sleep(0.2)
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def hold_shared(data_dir: Path) -> DataDirLock:
    """Take the DATA_DIR lock shared for the life of this process (web, worker, bot)."""
    lock = DataDirLock(data_dir, exclusive=False)
    lock.__enter__()
    return lock  # released when the process exits (the kernel closes the file)


def die_with_parent() -> None:
    """In a freshly forked queue worker process: end with the consumer that forked it. SIGKILL, since the
    consumer's own SIGTERM handling, inherited at fork, does not stop a worker process; its job's lease
    lets another worker take the job up."""
    _die_with_parent(os.getppid(), signal.SIGKILL)()


def _die_with_parent(parent: int, sig: int = signal.SIGTERM) -> Callable[[], None]:
    def set_signal() -> None:  # runs in the child between fork and exec
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        except (OSError, AttributeError):  # not Linux: the pipe below still tells the child
            pass
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)
    return set_signal


def _spawn(command: str) -> subprocess.Popen[bytes]:
    # Each child in its own process group: a Ctrl-C reaches us once and we stop them in order. The
    # parent-death signal ends it if we are killed outright (kill -9), so nothing is orphaned.
    return subprocess.Popen([sys.executable, "-m", "bangtin.cli", command], start_new_session=True,
                            preexec_fn=_die_with_parent(os.getpid()))  # noqa: PLW1509 - the supervisor runs no threads


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


BACKOFF_FIRST, BACKOFF_MAX, STABLE_AFTER = 1.0, 60.0, 60.0


def run_together(*, commands: list[str], public_url: str, on_ready: Callable[[], None]) -> int:
    """Start `commands`, announce readiness, restart a crashed one with backoff; stop all when told to."""
    children = {name: _spawn(name) for name in commands}
    started = {name: time.monotonic() for name in commands}
    backoff = dict.fromkeys(commands, BACKOFF_FIRST)
    restart_at: dict[str, float] = {}
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if wait_until_healthy(public_url, timeout_s=90, alive=lambda: not stopping):
            on_ready()
        while not stopping:
            now = time.monotonic()
            for name, child in children.items():
                if name in restart_at:
                    if now >= restart_at[name]:
                        del restart_at[name]
                        children[name], started[name] = _spawn(name), now
                        print(f"bangtin: {name} restarted", file=sys.stderr)
                    continue
                if child.poll() is not None:
                    # A child that ran a while before it crashed starts again at once-ish; one that
                    # keeps crashing waits longer each time (1 s, 2 s, 4 s … 60 s).
                    if now - started[name] > STABLE_AFTER:
                        backoff[name] = BACKOFF_FIRST
                    print(f"bangtin: {name} stopped (exit {child.returncode}); restarting in {backoff[name]:.0f} s",
                          file=sys.stderr)
                    restart_at[name] = now + backoff[name]
                    backoff[name] = min(BACKOFF_MAX, backoff[name] * 2)
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
    return 0
