"""Fetching a file from a channel straight into the media store, hashing as it arrives, with retries."""

from __future__ import annotations

import asyncio
import logging
import queue
from contextlib import suppress

from bot.protocol import ChannelPort, DownloadFailed
from core.intake.rules import IncomingFile
from core.storage import MediaStore, StoredObject

log = logging.getLogger("bot.download")
ATTEMPTS = 3
FIRST_DELAY = 0.5


class _Aborted(Exception):
    """The download side gave up; the store discards its temporary file."""


class StorePipe:
    """Written by the async download, read by `MediaStore.put_stream` in a worker thread."""

    def __init__(self) -> None:
        self._chunks: queue.SimpleQueue[bytes | BaseException | None] = queue.SimpleQueue()
        self._buffer = b""
        self._done = False
        self.written = 0

    def write(self, data: bytes) -> int:
        self._chunks.put(bytes(data))
        self.written += len(data)
        return len(data)

    def close(self) -> None:
        self._chunks.put(None)

    def abort(self, reason: BaseException) -> None:
        self._chunks.put(reason)

    def read(self, size: int = -1) -> bytes:
        """The next chunk as it came (a short read, which `put_stream` allows): no copying."""
        if self._buffer:
            out, self._buffer = self._buffer, b""
            return out
        if self._done:
            return b""
        item = self._chunks.get()
        if item is None:
            self._done = True
            return b""
        if isinstance(item, BaseException):
            raise _Aborted(str(item)) from item
        return item


async def fetch_into_store(
    port: ChannelPort, item: IncomingFile, store: MediaStore, *, attempts: int = ATTEMPTS, delay: float = FIRST_DELAY
) -> StoredObject:
    """Download `item` through the channel into the store; retry transient failures, then raise."""
    last: BaseException | None = None
    for attempt in range(1, attempts + 1):
        pipe = StorePipe()
        # StorePipe has the read() and write() that put_stream and download use, not the rest of BinaryIO.
        writer = asyncio.ensure_future(asyncio.to_thread(store.put_stream, pipe))  # type: ignore[arg-type]
        try:
            await port.download(item, pipe)  # type: ignore[arg-type]
        except DownloadFailed as exc:
            last = exc
            pipe.abort(exc)
            with suppress(_Aborted):
                await writer
            log.warning("media.download_retry", extra={"attempt": attempt, "ref": item.source_ref, "error": str(exc)})
            if attempt < attempts:
                await asyncio.sleep(delay * 2 ** (attempt - 1))
            continue
        except BaseException as exc:
            pipe.abort(exc)
            with suppress(_Aborted):
                await writer
            raise
        pipe.close()
        return await writer
    raise DownloadFailed(f"gave up after {attempts} attempts: {last}")
