"""servers/llama_stack/serve.py with a stand-in server: it passes the URL and the exit code through, and the
server and its worker are gone afterwards, even when serve.py itself is killed.

The stand-in is an executable where install.sh puts the real one (`VENV/bin/llama`): it answers
`GET /v1/models` on the given port, starts a worker process as ogx does, records both pids, and ends
by itself after a minute whatever happens.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO

SERVE = REPO / "servers" / "llama_stack" / "serve.py"
STAND_IN = """#!{python}
import http.server, json, os, subprocess, sys, threading
port = int(sys.argv[sys.argv.index("--port") + 1])
threading.Timer(60, os._exit, [0]).start()  # should serve.py fail to stop it, it stops by itself
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open({pids!r}, "w") as f:
    json.dump([os.getpid(), worker.pid], f)

class Models(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.end_headers()
        self.wfile.write(b'{{"object": "list", "data": []}}')

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Models).serve_forever()
"""


def stand_in(tmp_path: Path) -> tuple[Path, Path]:
    venv, pids = tmp_path / "venv", tmp_path / "pids.json"
    (venv / "bin").mkdir(parents=True)
    server = venv / "bin" / "llama"
    server.write_text(STAND_IN.format(python=sys.executable, pids=str(pids)), encoding="utf-8")
    server.chmod(0o755)
    return venv, pids


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody has reaped yet."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_command_gets_the_url_and_its_exit_code_is_returned(tmp_path: Path) -> None:
    venv, pids = stand_in(tmp_path)
    command = "import os, sys; print(os.environ['AAC_CONFORMANCE_BASE_URL']); sys.exit(3)"
    done = subprocess.run([sys.executable, str(SERVE), "--venv", str(venv), "--", sys.executable, "-c", command],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:") and done.stdout.strip().endswith("/v1")
    assert gone_within(json.loads(pids.read_text()), 20), "the server or its worker outlived serve.py"


def test_a_killed_serve_py_still_stops_the_server_and_its_worker(tmp_path: Path) -> None:
    venv, pids = stand_in(tmp_path)
    until_eof = [sys.executable, "-c", "import sys; sys.stdin.read()"]  # ends when this test closes the pipe
    serving = subprocess.Popen([sys.executable, str(SERVE), "--venv", str(venv), "--", *until_eof],
                               stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert serving.stdin is not None and serving.stderr is not None
    assert "answering" in serving.stderr.readline()  # the command is running against the server
    serving.kill()
    serving.wait()
    serving.stdin.close()
    serving.stderr.close()
    assert gone_within(json.loads(pids.read_text()), 20), "the server or its worker outlived a killed serve.py"
