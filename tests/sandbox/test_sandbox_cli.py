"""`aac sandbox serve`: serves until Ctrl-C (exit 0), refuses non-loopback hosts, reports a busy port."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import openai
import pytest
from tests.sandbox.serving import serve_process

from aac.cli import main


@pytest.mark.parametrize("no_agents", [False, True])
def test_serve_answers_the_sdk_and_stops_cleanly_on_ctrl_c(tmp_path: Path, no_agents: bool) -> None:
    with serve_process(tmp_path, *(["--no-agents"] if no_agents else [])) as served:
        match = re.search(r"sandbox serving at (http://127\.0\.0\.1:\d+/v1)", served.first)
        assert match, served.first
        with openai.OpenAI(base_url=match.group(1), api_key="anything", max_retries=0) as client:
            assert client.vector_stores.create(name="kb").name == "kb"
            if no_agents:
                with pytest.raises(openai.NotFoundError):
                    client.beta.agents.list()
            else:
                assert client.beta.agents.list().data == []
    rest = served.rest
    assert served.code == 0, rest
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
    with serve_process(tmp_path, "--db", ":memory:", "--profile", "llama-stack") as served:
        assert "answering as llama-stack does" in served.first
        match = re.search(r"sandbox serving at (http://127\.0\.0\.1:\d+/v1)", served.first)
        assert match, served.first
        with openai.OpenAI(base_url=match.group(1), api_key="anything", max_retries=0) as client, \
                pytest.raises(openai.BadRequestError, match="not found"):
            client.vector_stores.retrieve("vs_gone")
    assert served.code == 0
