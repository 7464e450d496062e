"""Everything the CLI prints goes through here: stdout for documents, stderr for the rest.

Colour is decided once: on only when the stream is a TTY, `--no-color` was not given
and `NO_COLOR` is unset (https://no-color.org).
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aac.errors import AacError, Problem
from aac.escape import escape_text, escaped
from aac.secrets import Secrets

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 file`, `2 files`; `many` for irregular words."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def human_bytes(size: int) -> str:
    """`365 B`, `1.2 KiB`: binary units, as the API's storage is billed."""
    amount = float(size)
    for unit in _BYTE_UNITS:
        if abs(amount) < 1024 or unit == _BYTE_UNITS[-1]:
            return f"{size} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


def save_document(out: Output, root: Path, out_file: str, text: str, what: str) -> None:
    """Write `text` (a plan, a report) to `--out FILE`, relative to the stack root, secrets redacted."""
    path = Path(out_file) if Path(out_file).is_absolute() else root / out_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out.redact(text), encoding="utf-8")
    except OSError as exc:
        raise AacError(f"cannot write the {what} to {out_file}: {exc.strerror or exc}",
                       "pick a writable path for --out") from exc


def color_wanted(stream: TextIO, no_color_flag: bool, environ: Mapping[str, str]) -> bool:
    if no_color_flag or environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass
class Output:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    color: bool = False
    debug: bool = False
    secrets: Secrets = field(default_factory=Secrets)
    width: int | None = None  # of the terminal; None: ask it
    redraw: bool = True  # False on a terminal that cannot move its cursor (TERM=dumb)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _live: tuple[str, ...] = ()  # the lines of progress now on a terminal, below everything else

    @classmethod
    def for_terminal(
        cls, *, no_color: bool = False, debug: bool = False, environ: Mapping[str, str] | None = None
    ) -> Output:
        env = os.environ if environ is None else environ
        return cls(color=color_wanted(sys.stdout, no_color, env), debug=debug, redraw=env.get("TERM") != "dumb")

    @property
    def can_redraw(self) -> bool:
        """True when stderr is a terminal that can rewrite lines in place (live progress)."""
        return self.redraw and bool(getattr(self.stderr, "isatty", lambda: False)())

    @property
    def interactive(self) -> bool:
        """True when a person is at the terminal (stdin and stderr are TTYs)."""
        return bool(sys.stdin.isatty() and getattr(self.stderr, "isatty", lambda: False)())

    def style(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\033[{codes}m{text}\033[0m"

    def redact(self, text: str) -> str:
        """`text` with every secret this run knows replaced; everything printed or written passes here."""
        return self.secrets.redact(text)

    def document(self, text: str) -> None:
        """A machine- or human-readable result: the one thing that goes to stdout."""
        with self._lock, self._above_live():
            self.stdout.write(self.redact(text if text.endswith("\n") else text + "\n"))
            self.stdout.flush()

    def info(self, text: str) -> None:
        self.write_err(text + "\n")

    def write_err(self, text: str) -> None:
        """Raw text on stderr, above any progress lines (a prompt ends without a newline)."""
        with self._lock, self._above_live():
            self.stderr.write(self.redact(text))
            self.stderr.flush()

    @property
    def live_lines(self) -> tuple[str, ...]:
        return self._live

    def live(self, lines: tuple[str, ...]) -> None:
        """Show `lines` at the bottom of a terminal, replacing the ones shown before (progress); () clears them."""
        with self._lock:
            self._erase_live()
            self._live = tuple(self.redact(line)[: self._width()] for line in lines)
            self._draw_live()

    @contextmanager
    def _above_live(self) -> Iterator[None]:
        """Print above the progress lines: take them away, print, put them back."""
        if not self._live:
            yield
            return
        self._erase_live()
        try:
            yield
        finally:
            self._draw_live()

    def _erase_live(self) -> None:
        if self._live:
            self.stderr.write(f"\033[{len(self._live)}F\033[J")  # to the first progress line, clear below
            self.stderr.flush()

    def _draw_live(self) -> None:
        if self._live:
            self.stderr.write("".join(line + "\n" for line in self._live))
            self.stderr.flush()

    def _width(self) -> int:
        columns = self.width or shutil.get_terminal_size((100, 24)).columns
        return max(20, columns - 1)  # never wrap: erasing counts lines

    def warn(self, text: str) -> None:
        # Escaped as plans are, on one line: a message may quote a server's answer, an id or a file name.
        self.info(self.style("warning: ", "yellow", "bold") + escape_text(text))

    def problem(self, problem: Problem) -> None:
        """A validation finding, `path:line: error: message` and its hint, as every command prints one."""
        colour = "red" if problem.severity == "error" else "yellow"
        label = f": {problem.severity}:"
        text = str(escaped(problem))  # each part on one line; the hint's own line is the only break
        self.info(text.replace(label, ": " + self.style(problem.severity, colour, "bold") + ":", 1))

    def error(self, message: str, hint: str | None = None) -> None:
        self.info(self.style("error: ", "red", "bold") + escape_text(message))
        if hint:
            self.info(self.style("hint: ", "bold") + escape_text(hint))

    def log(self, text: str) -> None:
        """Detail shown only with --debug."""
        if self.debug:
            self.info(self.style(escape_text(text), "dim"))
