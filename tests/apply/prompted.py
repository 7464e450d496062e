"""`aac` as its own process at a terminal (stdin and stderr a pseudo-terminal, stdout a pipe), so a test can
answer its prompt, and act on the target while the prompt waits."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .helpers import subprocess_env

PROMPT = "Only 'yes' will be accepted: "
_GIVE_UP_S = 120.0  # a safety net against a hung child, never a measure of speed


@dataclass(frozen=True)
class Answered:
    code: int
    out: str  # stdout: the plan, then the report
    err: str  # what the terminal showed: progress, the prompt, the answer echoed, errors
    shown: str  # stdout as it was when the prompt asked


def answer_prompt(root: Path, *args: str, meanwhile: Callable[[str], None], answer: str = "yes") -> Answered:
    """Run `aac ARGS` in `root`; when it asks, call `meanwhile` with the plan it printed, then type `answer`."""
    main, terminal = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "aac", "--chdir", str(root), "--no-color", *args],
                             stdin=terminal, stderr=terminal, stdout=subprocess.PIPE,
                             env={**subprocess_env(), "TERM": "dumb"})
    os.close(terminal)
    assert child.stdout is not None
    out_fd = child.stdout.fileno()
    read = {main: bytearray(), out_fd: bytearray()}
    open_fds = {main, out_fd}
    shown: str | None = None
    try:
        while open_fds:
            ready = select.select(list(open_fds), [], [], _GIVE_UP_S)[0]
            if not ready:
                raise AssertionError(f"aac neither wrote nor exited in {_GIVE_UP_S:.0f} s")
            for fd in ready:
                _read(fd, read, open_fds)
            if shown is None and PROMPT.encode() in read[main]:
                while out_fd in open_fds and select.select([out_fd], [], [], 0)[0]:  # written before the prompt
                    _read(out_fd, read, open_fds)
                shown = read[out_fd].decode()
                meanwhile(shown)
                os.write(main, answer.encode() + b"\n")
        code = child.wait(timeout=_GIVE_UP_S)
    finally:
        if child.poll() is None:
            child.kill()
        os.close(main)
        child.stdout.close()
    text = {fd: data.decode().replace("\r\n", "\n") for fd, data in read.items()}
    return Answered(code, text[out_fd], text[main], shown or "")


def _read(fd: int, read: dict[int, bytearray], open_fds: set[int]) -> None:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: every process holding the terminal's other end has exited
        chunk = b""
    if chunk:
        read[fd] += chunk
    else:
        open_fds.discard(fd)
