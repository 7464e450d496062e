"""A file handle that hashes and counts each chunk the HTTP client reads from it: the bytes an upload sends."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from typing import BinaryIO


class CountingReader(io.IOBase):
    """Reads through to `raw`, hashing each chunk (the client sends it next) and telling `on_bytes` its size.

    httpx reads an upload in 64 KiB chunks after seeking to 0, and sizes it with fileno(): both
    pass through, so the request is the same as with the bare file. A resend seeks back: the
    bytes counted for the lost attempt are taken back, and the digest starts again.
    """

    def __init__(self, raw: BinaryIO, on_bytes: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.raw = raw
        self.on_bytes = on_bytes
        self.position = 0
        self._digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        chunk = self.raw.read(-1 if size is None else size)
        if chunk:
            self.position += len(chunk)
            self._digest.update(chunk)
            if self.on_bytes is not None:
                self.on_bytes(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        before = self.position
        self.position = self.raw.seek(offset, whence)
        if self.position < before and self.on_bytes is not None:
            self.on_bytes(self.position - before)
        if self.position == 0:
            self._digest = hashlib.sha256()
        return self.position

    def tell(self) -> int:
        return self.raw.tell()

    def fileno(self) -> int:
        return self.raw.fileno()

    def hexdigest(self) -> str:
        """SHA-256 of the bytes read since the start: what was sent."""
        return self._digest.hexdigest()
