"""Progress of uploads and indexing on stderr.

Not a TTY (CI logs): one line per event. A TTY: one compact line, rewritten in place,
cleared before anything else is printed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from aac.output import Output, human_bytes, plural


@dataclass
class Progress:
    out: Output
    live_line: bool = False  # True on a TTY: one updating line instead of a line per event
    uploads_total: int = 0
    stores_total: int = 0
    uploads_done: int = 0
    stores_done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _shown: bool = False

    @classmethod
    def for_output(cls, out: Output) -> Progress:
        isatty = getattr(out.stderr, "isatty", None)
        return cls(out, live_line=bool(isatty and isatty()))

    def uploaded(self, path: str, size: int, file_id: str, reused: bool = False) -> None:
        with self._lock:
            self.uploads_done += 1
            verb = "reused" if reused else "uploaded"
            self._event(f"{verb} {path} ({human_bytes(size)}) as {file_id}")

    def indexing(self, store: str, count: int) -> None:
        with self._lock:
            self._event(f"indexing {plural(count, 'file')} in vector_store.{store}")

    def indexed(self, store: str, count: int, failed: int = 0) -> None:
        with self._lock:
            self.stores_done += 1
            tail = f", {failed} failed" if failed else ""
            self._event(f"indexed vector_store.{store}: {count - failed} of {count} files{tail}")

    def _event(self, text: str) -> None:
        if not self.live_line:
            self.out.info(text)
            return
        parts = []
        if self.uploads_total:
            parts.append(f"uploads {self.uploads_done}/{self.uploads_total}")
        if self.stores_total:
            parts.append(f"indexed stores {self.stores_done}/{self.stores_total}")
        line = " · ".join(parts) + f"  {text}"
        self.out.write_err("\r\033[K" + self.out.redact(line)[:200])
        self._shown = True

    def clear(self) -> None:
        with self._lock:
            if self._shown:
                self.out.write_err("\r\033[K")
                self._shown = False
