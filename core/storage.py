"""The media store: content-addressed by sha256, atomic writes (temp file + rename), never half-written."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredObject:
    sha256: str
    size_bytes: int


class MediaStore(Protocol):
    """What every store offers; a local directory today, an S3-compatible bucket later."""

    def put_stream(self, stream: BinaryIO) -> StoredObject: ...

    def put_file(self, path: Path) -> StoredObject: ...

    def put_bytes(self, data: bytes) -> StoredObject: ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def local_path(self, sha256: str) -> Path: ...

    def digests(self) -> Iterator[str]: ...


def _is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _valid_digest(sha256: str) -> str:
    if not _is_digest(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class LocalMediaStore:
    """Files at `root/ab/cd/<sha256>`; writing the same content twice stores it once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / ".tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def local_path(self, sha256: str) -> Path:
        digest = _valid_digest(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.local_path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.local_path(sha256).open("rb")

    def digests(self) -> Iterator[str]:
        """Every stored file's sha256, in order (temporary files are not listed)."""
        for path in sorted(self.root.glob("??/??/*")):
            if _is_digest(path.name):
                yield path.name

    def put_bytes(self, data: bytes) -> StoredObject:
        with self._temp_file() as (tmp, handle):
            handle.write(data)
            return self._commit(tmp, handle, hashlib.sha256(data).hexdigest(), len(data))

    def put_file(self, path: Path) -> StoredObject:
        with path.open("rb") as stream:
            return self.put_stream(stream)

    def put_stream(self, stream: BinaryIO) -> StoredObject:
        digest = hashlib.sha256()
        size = 0
        with self._temp_file() as (tmp, handle):
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
            return self._commit(tmp, handle, digest.hexdigest(), size)

    @contextmanager
    def _temp_file(self) -> Iterator[tuple[Path, BinaryIO]]:
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="incoming-")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield tmp, handle
        finally:
            tmp.unlink(missing_ok=True)  # already renamed on success

    def _commit(self, tmp: Path, handle: BinaryIO, sha256: str, size: int) -> StoredObject:
        handle.flush()
        os.fsync(handle.fileno())
        target = self.local_path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)  # atomic on one filesystem: readers see all or nothing
        return StoredObject(sha256=sha256, size_bytes=size)

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free
