"""On a target without the Assistants API, assistant manifests are Responses API configuration.

The example stack (assistants included) plans and applies against a sandbox serving as post-sunset
OpenAI; `aac output --format responses` then gives each assistant request fields that the SDK's own
`ResponseCreateParams` type accepts, holding the live ids of what apply provisioned.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import openai
import pytest
from tests.cli_harness import Cli

from aac.sandbox.server import serve_in_background
from aac.stack import load_stack
from aac.templates import scaffold_files

from .helpers import KEY_ENV, REPO, accepted_by_sdk, owned, write_stack


@pytest.fixture
def post_sunset(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Cli, openai.OpenAI]]:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(":memory:", index_delay_ms=0, no_assistants=True) as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        yield Cli(write_stack(tmp_path / "stack", server.base_url), capsys), client


def test_the_example_stack_applies_and_its_assistants_become_responses_config(
        post_sunset: tuple[Cli, openai.OpenAI]) -> None:
    aac, client = post_sunset
    planned = aac("plan", "--format", "json")
    assert planned.code == 0, planned.err
    assert [n for n in planned.json()["notes"] if "configuration on this target" in n] == [
        "3 assistants (customer-support, math-tutor, weather-bot) are configuration on this target, which has no "
        "Assistants API: their files and vector stores are provisioned; `aac output --format responses` gives "
        "their Responses API request fields"]
    assert not [c for c in planned.json()["changes"] if c["kind"] == "assistant"]
    markdown = aac("plan", "--format", "markdown").out
    assert "> **Note:** 3 assistants (customer-support, math-tutor, weather-bot) are configuration" in markdown

    applied = aac("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    again = aac("plan", "--detailed-exitcode")
    assert again.code == 0 and "No changes." in again.out and "configuration on this target" in again.out
    assert aac("check").code == 0  # the knowledge the assistants search answers what it should
    assert aac("drift").code == 0  # configuration is not drift, and the stores and files are in sync

    result = aac("output", "--format", "responses", "--out", "app/assistants.json")
    assert result.code == 0, result.err
    document = json.loads((aac.root / "app/assistants.json").read_text(encoding="utf-8"))
    assert document == result.json()
    configs = document["assistants"]
    assert sorted(configs) == ["customer-support", "math-tutor", "weather-bot"]
    assert all(accepted_by_sdk(config) for config in configs.values())

    [store] = [s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "support-kb"]
    [search] = configs["customer-support"]["tools"]
    assert search == {"type": "file_search", "vector_store_ids": [store.id], "max_num_results": 8}
    assert client.vector_stores.retrieve(store.id).file_counts.completed == 4
    [code] = configs["math-tutor"]["tools"]
    [file_id] = code["container"]["file_ids"]
    assert code["container"]["type"] == "auto"
    assert client.files.retrieve(file_id).filename.endswith(".quadratics.csv")
    assert configs["math-tutor"]["temperature"] == 0.2
    assert [t["name"] for t in configs["weather-bot"]["tools"]] == ["getCurrentWeather", "getNickname"]
    assert document["not_sent"]["customer-support"] == ["description", "display_name", "metadata"]
    assert "the Responses API has no field for description, display_name, metadata" in result.err


def test_output_responses_before_apply_says_to_apply(post_sunset: tuple[Cli, openai.OpenAI]) -> None:
    aac, _ = post_sunset
    result = aac("output", "--format", "responses")
    assert result.code == 1 and result.out == ""
    assert "is not on the target" in result.err or "is not uploaded" in result.err
    assert "hint: run `aac " in result.err and " apply` on this target first" in result.err  # as the user runs aac


def test_destroy_removes_the_files_the_configuration_used(post_sunset: tuple[Cli, openai.OpenAI]) -> None:
    aac, client = post_sunset
    assert aac("apply", "--auto-approve").code == 0
    assert aac("destroy", "--auto-approve").code == 0
    assert not list(client.vector_stores.list()) and not list(client.files.list())


def test_a_target_with_assistants_still_provisions_them(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         sdk_for: Callable[[str], openai.OpenAI]) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(":memory:", index_delay_ms=0) as server:
        aac = Cli(write_stack(tmp_path / "stack", server.base_url), capsys)
        planned = aac("plan", "--format", "json").json()
        assert "notes" not in planned
        assert aac("apply", "--auto-approve").code == 0
        live = owned(sdk_for(server.base_url))
        assert sorted(live.assistants) == ["customer-support", "math-tutor", "weather-bot"]
        configs = aac("output", "--format", "responses").json()["assistants"]
        [search] = configs["customer-support"]["tools"]
        assert search["vector_store_ids"] == [live.stores["support-kb"][0].id]
        assert all(accepted_by_sdk(config) for config in configs.values())


class _Recorder(BaseHTTPRequestHandler):
    """Stands in for OpenAI's POST /v1/responses (the sandbox runs no model): records the body, answers one message."""

    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        self.bodies.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
        answer = {"id": "resp_1", "object": "response", "created_at": 0, "model": "gpt-4o", "status": "completed",
                  "output": [{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                              "content": [{"type": "output_text", "text": "Within 30 days.", "annotations": []}]}],
                  "tools": [], "tool_choice": "auto", "parallel_tool_calls": True}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_the_documented_application_sends_the_config_as_it_is(post_sunset: tuple[Cli, openai.OpenAI]) -> None:
    aac, _ = post_sunset
    page = (REPO / "docs" / "post-sunset.md").read_text(encoding="utf-8")
    code = page.split("<!-- aac-example: responses-app -->\n```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 10
    assert aac("apply", "--auto-approve").code == 0
    assert aac("output", "--format", "responses", "--out", "app/assistants.json").code == 0
    config = json.loads((aac.root / "app/assistants.json").read_text(encoding="utf-8"))["assistants"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1"}
        run = subprocess.run([sys.executable, "-c", code], cwd=aac.root, env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    finally:
        server.shutdown()
        server.server_close()
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Within 30 days.\n"
    assert _Recorder.bodies == [{**config["customer-support"], "input": "Can I return my widget?"}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _documented_session() -> str:
    page = (REPO / "docs" / "post-sunset.md").read_text(encoding="utf-8")
    return page.split("post-sunset OpenAI:\n\n```sh\n", 1)[1].split("```", 1)[0]


def _example_checkout(root: Path) -> Path:
    """This repository's example as a fresh clone has it, with a virtualenv whose activate puts aac on PATH."""
    for folder in ("assistants", "knowledge", "data", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "aac.yaml", root / "aac.yaml")
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "aac").exists(), "the tests run from the environment aac is installed in"
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n', encoding="utf-8")
    return root


def test_the_documented_post_sunset_session_pastes_into_a_shell_and_does_what_its_comments_say(
        tmp_path: Path) -> None:
    session = _documented_session()
    root = _example_checkout(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k not in ("AAC_TARGET", "GITHUB_MCP_TOKEN", "SANDBOX_KEY")}
    # Its own process group, so nothing the session started outlives the test, whatever happens.
    shell = subprocess.Popen(["bash", "-e", "-c", session.replace("8787", str(_free_port()))], cwd=root,
                             env={**env, "NO_COLOR": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        out, err = shell.communicate(timeout=180)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the session's own `kill` already stopped it all
            os.killpg(shell.pid, signal.SIGTERM)
    assert shell.returncode == 0, err
    created = re.search(r"apply --auto-approve +# (\d+) created", session)
    assert created and f"Apply complete: {created.group(1)} created" in out
    assert "No changes." in out and "configuration on this target" in out
    assert sorted(json.loads((root / "app/assistants.json").read_text(encoding="utf-8"))["assistants"]) == [
        "customer-support", "math-tutor", "weather-bot"]
    checks = re.search(r"support-kb's (\d+) retrieval checks pass", session)
    assert checks and f"Checks: {checks.group(1)} passed, 0 failed." in out
    assert (root / "aac.yaml").read_text(encoding="utf-8").startswith((REPO / "aac.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stack_file", ["the example's", "aac init's"])
def test_the_documented_target_lands_under_targets(tmp_path: Path, stack_file: str) -> None:
    """The lines that add the target append to `targets:`, in this repository's aac.yaml and in the one
    `aac init` writes: both keep their own targets and gain post-sunset, pointed at the sandbox it starts."""
    session = _documented_session()
    append = re.search(r"^cat >> aac\.yaml <<'EOF'.*?^EOF$", session, re.S | re.M)
    assert append, session
    text = (REPO / "aac.yaml").read_text(encoding="utf-8") if stack_file == "the example's" else \
        scaffold_files("demo")["aac.yaml"]
    (tmp_path / "aac.yaml").write_text(text, encoding="utf-8")
    subprocess.run(["bash", "-e", "-c", append.group(0)], cwd=tmp_path, check=True)
    targets = load_stack(tmp_path).targets
    assert sorted(targets) == ["openai", "post-sunset", "sandbox"]
    target = targets["post-sunset"]
    served = re.search(r"^aac sandbox serve --port (\d+) .*--no-assistants &$", session, re.M)
    assert served and target.base_url == f"http://127.0.0.1:{served.group(1)}/v1"
    assert (target.type, target.api_key_env) == ("openai", "SANDBOX_KEY") and "SANDBOX_KEY=" in session
