"""`aac sandbox serve` as its own process, as a user starts it: a port of its own, its first line read, Ctrl-C at
the end, and never outliving the test (killed after 30 seconds, even if it hangs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Served:
    first: str  # the line that announces where it serves
    rest: str = ""  # what it printed after that, once stopped
    code: int | None = None  # its exit status, once stopped


@contextmanager
def serve_process(root: Path, *options: str) -> Iterator[Served]:
    command = [sys.executable, "-m", "aac", "-C", str(root), "sandbox", "serve", "--port", "0", *options]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    deadline = threading.Timer(30, process.kill)
    deadline.start()
    try:
        assert process.stderr is not None
        served = Served(process.stderr.readline())
        yield served
        process.send_signal(signal.SIGINT)
        _, served.rest = process.communicate(timeout=10)
        served.code = process.returncode
    finally:
        deadline.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
