"""Progress of work a user waits on (reading live state, uploading, indexing, applying), on stderr.

On a terminal: one live line per phase, redrawn in place through `Output.live` (counts; bytes
and rate for uploads), and a finished phase's line printed for good. In a log (CI, no TTY):
one line per object as it is done, and a heartbeat line during a long wait, at least every
`heartbeat_s`, so a job that indexes for minutes never looks hung.

No library: rich or tqdm would draw the lines, but a few lines over `Output` keep every byte of
stderr in one place (colour, NO_COLOR, test capture) and add no dependency.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aac.escape import escape_text
from aac.output import Output, human_bytes, plural

HEARTBEAT_S = 10.0
REDRAW_S = 0.25  # how often a terminal's lines are redrawn (elapsed time, rate)
BAR_WIDTH = 20


@dataclass
class Phase:
    title: str  # "uploading", "indexing", ...
    noun: str  # what is counted: "file", "store", "request"
    total: int = 0  # 0: not known in advance
    done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    started: float = 0.0
    finished: bool = False

    def elapsed(self, now: float) -> float:
        return max(now - self.started, 1e-6)

    def line(self, now: float) -> str:
        """`uploading  3/5 files  [#####.....]  12.0 MiB of 48.0 MiB, 4.1 MiB/s  (3 s)`."""
        count = f"{self.done}/{plural(self.total, self.noun)}" if self.total else plural(self.done, self.noun)
        parts = [f"{self.title:<10} {count}"]
        elapsed = self.elapsed(now)
        if self.bytes_total:
            share = min(1.0, self.bytes_done / self.bytes_total)
            filled = int(share * BAR_WIDTH)
            rate = human_bytes(int(self.bytes_done / elapsed))
            parts.append(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {human_bytes(self.bytes_done)} of "
                         f"{human_bytes(self.bytes_total)}, {rate}/s")
        elif self.total:
            filled = int(min(1.0, self.done / self.total) * BAR_WIDTH)
            parts.append(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}]")
        parts.append(f"({elapsed:.0f} s)")
        return "  ".join(parts)


@dataclass
class Progress:
    out: Output
    live_line: bool = False  # a terminal: live lines; else a line per event
    heartbeat_s: float = HEARTBEAT_S
    clock: Callable[[], float] = time.monotonic
    phases: dict[str, Phase] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _last_line: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _ticker: threading.Thread | None = None

    @classmethod
    def for_output(cls, out: Output, heartbeat_s: float = HEARTBEAT_S) -> Progress:
        return cls(out, live_line=out.can_redraw, heartbeat_s=heartbeat_s)

    def start(self, key: str, title: str, noun: str, total: int = 0, bytes_total: int = 0) -> None:
        with self._lock:
            self.phases[key] = Phase(title, noun, total, bytes_total=bytes_total, started=self.clock())
            self._last_line = self.clock()
            self._ensure_ticker()
            self._redraw()

    def advance(self, key: str, text: str | None = None, count: int = 1) -> None:
        """`count` more of the phase's objects are done; `text` says which (a line of its own in a log)."""
        with self._lock:
            phase = self.phases.get(key)
            if phase is not None:
                phase.done += count
            if text is not None and not self.live_line:
                self._print(text)
            if phase is not None and phase.total and phase.done >= phase.total:
                self.finish(key)  # all done: its line stays, with the time it took
            else:
                self._redraw()

    def sent(self, key: str, nbytes: int) -> None:
        """Bytes of an upload went out (a terminal's line shows them as they go; a log waits for the file)."""
        with self._lock:
            phase = self.phases.get(key)
            if phase is not None:
                phase.bytes_done += nbytes

    def event(self, text: str) -> None:
        """Something worth a line in a log that counts toward no phase."""
        with self._lock:
            if not self.live_line:
                self._print(text)

    def finish(self, key: str, text: str | None = None) -> None:
        """The phase is over: its last line stays (a terminal), or `text` is its summary (a log)."""
        with self._lock:
            phase = self.phases.get(key)
            if phase is None or phase.finished:
                return
            phase.finished = True
            if self.live_line:
                self.out.live(())
                self.out.info(phase.line(self.clock()))
                self._redraw()
            elif text is not None:
                self._print(text)

    def close(self) -> None:
        """Stop the ticker and take the live lines away (finished phases stay printed)."""
        self._stop.set()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join()
        with self._lock:
            if self.live_line:
                self.out.live(())

    @contextmanager
    def running(self) -> Iterator[Progress]:
        try:
            yield self
        finally:
            self.close()

    # -- internals -----------------------------------------------------------------------

    def _print(self, text: str) -> None:
        self.out.info(escape_text(text))  # it names paths and the ids the target returned
        self._last_line = self.clock()

    def _redraw(self) -> None:
        if self.live_line:
            now = self.clock()
            self.out.live(tuple(p.line(now) for p in self.phases.values() if not p.finished))

    def _ensure_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="aac-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        """Redraw a terminal's lines (time, rate); in a log, a heartbeat when nothing was said for a while."""
        tick = REDRAW_S if self.live_line else self.heartbeat_s / 10
        while not self._stop.wait(tick):
            with self._lock:
                if self.live_line:
                    self._redraw()
                    continue
                waiting = [p for p in self.phases.values() if not p.finished]
                if waiting and self.clock() - self._last_line >= self.heartbeat_s - tick:  # never a longer gap
                    self._print("still " + "; ".join(p.line(self.clock()) for p in waiting))
