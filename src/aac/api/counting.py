"""A file handle that reports each chunk the HTTP client reads from it, for an upload's progress."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import BinaryIO


class CountingReader(io.IOBase):
    """Reads through to `raw`, telling `on_bytes` the size of each chunk (the client sends it next).

    httpx reads an upload in 64 KiB chunks after seeking to 0, and sizes it with fileno(): both
    pass through, so the request is the same as with the bare file. A resend seeks back: the
    bytes counted for the lost attempt are taken back.
    """

    def __init__(self, raw: BinaryIO, on_bytes: Callable[[int], None]) -> None:
        super().__init__()
        self.raw = raw
        self.on_bytes = on_bytes
        self.position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        if chunk:
            self.position += len(chunk)
            self.on_bytes(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        before = self.position
        self.position = self.raw.seek(offset, whence)
        if self.position < before:
            self.on_bytes(self.position - before)
        return self.position

    def tell(self) -> int:
        return self.raw.tell()

    def fileno(self) -> int:
        return self.raw.fileno()
