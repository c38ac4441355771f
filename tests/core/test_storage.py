"""The media store: content-addressed, deduplicated, and never half-written."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest

from core.storage import LocalMediaStore


def test_content_is_stored_under_its_sha256_once(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    data = "Thông báo của xã Thu Lũm".encode() * 1000
    first = store.put_bytes(data)
    second = store.put_stream(io.BytesIO(data))
    assert first == second
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.size_bytes == len(data)
    assert store.local_path(first.sha256).read_bytes() == data
    files = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert files == [store.local_path(first.sha256)]


class _BrokenStream(io.RawIOBase):
    """Delivers some bytes, then fails like a dropped connection."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.sent >= 3:
            raise ConnectionResetError("connection dropped")
        self.sent += 1
        return b"x" * 1024


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    with pytest.raises(ConnectionResetError):
        store.put_stream(_BrokenStream())  # type: ignore[arg-type]
    leftovers = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert leftovers == []


def test_concurrent_writers_of_the_same_content_agree(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    data = bytes(range(256)) * 4096
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.put_bytes(data))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.sha256 for r in results}) == 1
    assert store.local_path(results[0].sha256).read_bytes() == data


def test_paths_cannot_escape_the_store(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    with pytest.raises(ValueError):
        store.local_path("../../etc/passwd")
