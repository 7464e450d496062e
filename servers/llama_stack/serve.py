"""Serve a pinned Llama Stack-family server on loopback for the length of one command, then stop it.

    python3 servers/llama_stack/serve.py [--venv DIR] -- pytest -q tests/conformance

The server (installed by install.sh into its own virtualenv) gets a free 127.0.0.1 port and a fresh state
folder; the command runs with AAC_CONFORMANCE_BASE_URL pointing at it and its exit code is this script's.
The server and its worker processes are one process group, stopped however the command ends; if this
script itself is killed, a watchdog that holds the other end of a pipe from it stops the group. Standard
library only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Runs apart from this script: when the pipe from it closes (this script ended, however), stop the group.
WATCHDOG = '''
import os, signal, sys, time
group = int(sys.argv[1])
sys.stdin.buffer.read()
for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 0.0)):
    try:
        os.killpg(group, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            time.sleep(0.2)
            os.killpg(group, 0)
    except ProcessLookupError:
        break
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(venv: Path, port: int) -> list[str]:
    """ogx needs --insecure to serve plain HTTP; llama-stack has no TLS check and no such flag."""
    ogx = venv / "bin" / "ogx"
    if ogx.exists():
        return [str(ogx), "stack", "run", str(HERE / "run.yaml"), "--port", str(port), "--insecure"]
    return [str(venv / "bin" / "llama"), "stack", "run", str(HERE / "run.yaml"), "--port", str(port)]


def watch(group: int) -> subprocess.Popen[bytes]:
    """A process that stops `group` once this one is gone: its stdin is a pipe only this process writes to."""
    return subprocess.Popen(
        [sys.executable, "-c", WATCHDOG, str(group)], stdin=subprocess.PIPE, start_new_session=True,
    )


def wait_until_answering(process: subprocess.Popen[bytes], base_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer {base_url}/models within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], watchdog: subprocess.Popen[bytes]) -> None:
    """The watchdog's pipe closes, so it stops the group (server and workers); reap the server meanwhile."""
    assert watchdog.stdin is not None
    watchdog.stdin.close()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:  # the watchdog did not do it (killed with this script's group?)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    watchdog.wait()


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def running_server(venv: Path, timeout: float = 180.0) -> Iterator[tuple[str, Path]]:
    """Yield the base URL (`http://127.0.0.1:PORT/v1`) of a server that answers, and its log; stop it after."""
    with tempfile.TemporaryDirectory(prefix="aac-llama-stack-") as state:
        port = free_port()
        env = {
            **os.environ,
            "AAC_SERVER_STATE": state,
            "PYTHONPATH": str(HERE),  # aac_hash_embedding, the run config's `module:` provider
            "TIKTOKEN_CACHE_DIR": str(venv / "tiktoken-cache"),  # cl100k_base, placed by install.sh
        }
        log_path = Path(state) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                server_command(venv, port), env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            watchdog = watch(process.pid)
            try:
                started = time.monotonic()
                base_url = f"http://127.0.0.1:{port}/v1"
                try:
                    wait_until_answering(process, base_url, timeout)
                except RuntimeError as error:
                    raise SystemExit(f"serve.py: {error}; its log ends with:\n{log_tail(log_path)}") from None
                print(f"serve.py: {base_url} answering after {time.monotonic() - started:.1f} s", file=sys.stderr)
                yield base_url, log_path
            finally:
                stopping = time.monotonic()
                stop(process, watchdog)
                print(f"serve.py: server stopped in {time.monotonic() - stopping:.1f} s", file=sys.stderr)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", type=Path, default=HERE.parent.parent / ".venv-llama-stack")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the server to answer")
    parser.add_argument("command", nargs="+", help="what to run against the server (after --)")
    args = parser.parse_args(argv)
    with running_server(args.venv.resolve(), args.timeout) as (base_url, log_path):
        code = subprocess.call(args.command, env={**os.environ, "AAC_CONFORMANCE_BASE_URL": base_url})
        if code != 0:
            print(f"serve.py: the command exited {code}; the server's log ends with:\n{log_tail(log_path)}",
                  file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
