"""`aac sandbox serve`: serves until Ctrl-C (exit 0), refuses non-loopback hosts, reports a busy port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import openai
import pytest

from aac.cli import main


@pytest.mark.parametrize("no_agents", [False, True])
def test_serve_answers_the_sdk_and_stops_cleanly_on_ctrl_c(tmp_path: Path, no_agents: bool) -> None:
    command = [sys.executable, "-m", "aac", "-C", str(tmp_path), "sandbox", "serve", "--port", "0"]
    command += ["--no-agents"] if no_agents else []
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    deadline = threading.Timer(30, process.kill)  # never outlives the test, even if it hangs
    deadline.start()
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        match = re.search(r"sandbox serving at (http://127\.0\.0\.1:\d+/v1)", first)
        assert match, first
        with openai.OpenAI(base_url=match.group(1), api_key="anything", max_retries=0) as client:
            assert client.vector_stores.create(name="kb").name == "kb"
            if no_agents:
                with pytest.raises(openai.NotFoundError):
                    client.beta.agents.list()
            else:
                assert client.beta.agents.list().data == []
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=10)
    finally:
        deadline.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "sandbox stopped" in rest
    assert (tmp_path / ".aac" / "sandbox.db").is_file()  # the default database, under the stack root


def test_a_non_loopback_host_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", "--host", "0.0.0.0", "--db", ":memory:"]) == 1
    err = capsys.readouterr().err
    assert "refusing to serve the sandbox on 0.0.0.0" in err
    assert "--allow-remote" in err


def test_a_busy_port_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["sandbox", "serve", "--port", str(port), "--db", ":memory:"]) == 1
    err = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in err
    assert "--port" in err


def test_serve_answers_as_the_profile_it_is_given(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "aac", "-C", str(tmp_path), "sandbox", "serve", "--port", "0",
               "--db", ":memory:", "--profile", "llama-stack"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    deadline = threading.Timer(30, process.kill)
    deadline.start()
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert "answering as llama-stack does" in first
        match = re.search(r"sandbox serving at (http://127\.0\.0\.1:\d+/v1)", first)
        assert match, first
        with openai.OpenAI(base_url=match.group(1), api_key="anything", max_retries=0) as client, \
                pytest.raises(openai.BadRequestError, match="not found"):
            client.vector_stores.retrieve("vs_gone")
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    finally:
        deadline.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
