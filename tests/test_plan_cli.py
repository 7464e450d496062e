"""`aac plan` end to end: the CLI in-process against a real sandbox over loopback HTTP."""

from __future__ import annotations

import json
import math
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openai
import pytest
import yaml

from aac.cli import main
from aac.desired import require_valid
from aac.identity import hash_files
from aac.model.plan import Plan
from aac.output import Output
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import load_stack
from plan_helpers import apply_with_sdk

REPO = Path(__file__).resolve().parents[1]
KEY = "sk-secret-do-not-print"
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")


def add_target(root: Path, base_url: str, *, key_env: str = "AAC_TEST_KEY") -> None:
    stack = yaml.safe_load((root / "aac.yaml").read_text())
    stack.setdefault("targets", {"sandbox": {"type": "sandbox"}})
    stack["targets"]["remote"] = {"type": "openai", "base_url": base_url, "api_key_env": key_env}
    (root / "aac.yaml").write_text(yaml.safe_dump(stack))


def example(tmp_path: Path, base_url: str | None = None) -> Path:
    for name in ("aac.yaml", "assistants", "schemas", "data", "knowledge"):
        source = REPO / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    if base_url:
        add_target(tmp_path, base_url)
    return tmp_path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AAC_TEST_KEY", KEY)
    monkeypatch.delenv("AAC_TARGET", raising=False)


def plan(root: Path, *args: str, target: str | None = "remote") -> int:
    chosen = ["--target", target] if target else []
    return main(["--chdir", str(root), "--no-color", *chosen, "plan", *args])


def test_the_example_stack_plans_as_creates_from_empty(tmp_path: Path, sandbox: RunningSandbox, env: None,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = example(tmp_path, sandbox.base_url)
    assert plan(root, "--format", "json", "--out", "saved.json") == 0
    printed = json.loads(capsys.readouterr().out)
    assert {c["action"] for c in printed["changes"]} == {"create"}
    assert printed["summary"]["create"] == 16 and printed["stack"] == "demo" and printed["target"] == "remote"
    saved = (root / "saved.json").read_text()
    assert json.loads(saved) == printed  # the saved plan is what --format json prints
    aac_fields = Plan.loads(saved).to_json()  # and aac reads its own fields back, Terraform's beside them
    assert aac_fields == {key: value for key, value in printed.items() if key in aac_fields}


def test_detailed_exitcode_is_2_with_changes_and_0_without(tmp_path: Path, sandbox: RunningSandbox,
                                                          client: openai.OpenAI, env: None,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = example(tmp_path, sandbox.base_url)
    assert plan(root, "--detailed-exitcode") == 2
    assert "Plan: 16 to add, 0 to change, 0 to replace, 0 to destroy." in capsys.readouterr().out
    assert main(["--chdir", str(root), "--target", "remote", "apply", "--auto-approve"]) == 0
    assert plan(root, "--detailed-exitcode") == 0
    assert "No changes." in capsys.readouterr().out


def test_debug_logs_each_request_and_never_the_key(tmp_path: Path, sandbox: RunningSandbox, env: None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = example(tmp_path, sandbox.base_url)
    assert main(["--chdir", str(root), "--debug", "--target", "remote", "plan"]) == 0
    captured = capsys.readouterr()
    assert "GET /v1/assistants 200" in captured.err and "6 API requests to read live state" in captured.err
    assert KEY not in captured.err + captured.out


def write_big_stack(root: Path, assistants: int, files_each: int) -> None:
    (root / "assistants").mkdir(parents=True)
    (root / "aac.yaml").write_text("stack: big\ntargets: {sandbox: {type: sandbox}}\n")
    for a in range(assistants):
        folder = root / "knowledge" / f"a{a:02d}"
        folder.mkdir(parents=True)
        for f in range(files_each):
            (folder / f"doc{f}.md").write_text(f"# Document {f} of assistant {a}\n")
        (root / "assistants" / f"a{a:02d}.yaml").write_text(
            f"kind: assistant\nname: a{a:02d}\nmodel: gpt-4o\ninstructions: Answer.\n"
            f"tools: [file_search]\nfiles: {{file_search: ['../knowledge/a{a:02d}/*.md']}}\n"
        )


def test_planning_50_assistants_with_5_files_each_costs_pages_not_objects(
        tmp_path: Path, sandbox: RunningSandbox, client: openai.OpenAI, env: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    assistants, files_each = 50, 5
    write_big_stack(tmp_path, assistants, files_each)
    add_target(tmp_path, sandbox.base_url)
    desired = require_valid(load_stack(tmp_path), Output())
    apply_with_sdk(client, desired, hash_files(desired.files, tmp_path / ".aac" / "hashes.json"))
    sandbox.reset_counts()
    assert plan(tmp_path, "--detailed-exitcode") == 0
    # pages of assistants, of vector stores and of files, one of agents, of vaults and of environment templates
    # (none), then one list per store of this stack
    stores = assistants  # each assistant's own store
    bound = (math.ceil(assistants / 100) + math.ceil(stores / 100) + math.ceil(assistants * files_each / 10_000)
             + 1 + 1 + 1 + stores * math.ceil(files_each / 100))
    assert sandbox.requests == bound == 56
    assert "No changes." in capsys.readouterr().out


def test_a_key_variable_that_is_unset_is_one_clear_error(tmp_path: Path, sandbox: RunningSandbox,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AAC_TEST_KEY", raising=False)
    root = example(tmp_path, sandbox.base_url)
    assert plan(root) == 1
    err = capsys.readouterr().err
    assert "error: AAC_TEST_KEY is not set" in err and "--target sandbox" in err
    assert sandbox.requests == 0


def test_an_unreachable_target_is_one_line_and_a_hint(tmp_path: Path, env: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_background(":memory:") as stopped:
        base_url = stopped.base_url
    root = example(tmp_path, base_url)
    assert plan(root) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: cannot reach {base_url}") and err[1].startswith("hint: ")
    assert len(err) == 2  # no traceback


def test_a_target_without_assistants_plans_assistants_as_configuration(
        tmp_path: Path, env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_background(":memory:", no_assistants=True) as post_sunset:
        root = example(tmp_path, post_sunset.base_url)
        assert plan(root) == 0
        out = capsys.readouterr().out
        assert "Plan: 13 to add" in out and "assistant." not in out.split("Note:")[0]
        [note] = [line for line in out.splitlines() if line.startswith("Note: ")]
        assert "configuration on this target, which has no Assistants API" in note
        for manifest in (root / "assistants").rglob("*.yaml"):
            manifest.unlink()
        (root / "assistants" / "kb.yaml").write_text("kind: vector_store\nname: kb\nfiles: ['../knowledge/*.md']\n")
        assert plan(root, "--format", "json") == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["summary"]["create"] == 3 and "notes" not in printed  # the store, one upload, its attachment


def test_the_sandbox_target_needs_nothing_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AAC_TARGET", raising=False)
    root = example(tmp_path)
    assert plan(root, "--detailed-exitcode", target=None) == 2
    assert "Plan: 16 to add" in capsys.readouterr().out
    assert (root / ".aac" / "sandbox.db").is_file() and (root / ".aac" / "hashes.json").is_file()


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"], ["destroy", "--auto-approve"]])
def test_manifest_problems_are_reported_before_any_network_or_key(tmp_path: Path, sandbox: RunningSandbox,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 command: list[str]) -> None:
    monkeypatch.delenv("AAC_TEST_KEY", raising=False)
    root = example(tmp_path, sandbox.base_url)
    (root / "assistants" / "math-tutor.yaml").write_text("kind: assistant\nname: math-tutor\n")  # no model
    assert main(["--chdir", str(root), "--target", "remote", *command]) == 1
    err = capsys.readouterr().err
    assert "assistants/math-tutor.yaml:" in err and "is not set" not in err
    assert sandbox.requests == 0


def test_manifest_problems_win_over_an_unreachable_target(tmp_path: Path, env: None,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = example(tmp_path, "http://127.0.0.1:9/v1")  # the discard port: nothing answers
    (root / "assistants" / "math-tutor.yaml").write_text("kind: assistant\nname: math-tutor\n")
    assert plan(root) == 1
    err = capsys.readouterr().err
    assert "assistants/math-tutor.yaml:" in err and "cannot reach" not in err


def test_a_sandbox_path_that_is_not_a_database_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AAC_TARGET", raising=False)
    root = example(tmp_path)
    (root / ".aac").mkdir()
    (root / ".aac" / "sandbox.db").write_text("these are my notes, not a database")
    assert plan(root, target=None) == 1
    err = capsys.readouterr().err
    assert "error: cannot open the sandbox database .aac/sandbox.db: file is not a database" in err
    assert "unexpected" not in err


@pytest.mark.parametrize(("base_url", "key", "message"), [
    ("localhost:8080/v1", KEY, "base_url 'localhost:8080/v1' is not an http or https URL"),
    ("ftp://example.com/v1", KEY, "is not an http or https URL"),
    ("http://127.0.0.1:9/v1", "sk-caf\u00e9", "AAC_TEST_KEY holds characters an API key cannot have"),
])
def test_a_bad_base_url_or_key_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str], base_url: str, key: str,
                                               message: str) -> None:
    monkeypatch.setenv("AAC_TEST_KEY", key)
    root = example(tmp_path, base_url)
    assert plan(root) == 1
    err = capsys.readouterr().err
    assert message in err and key not in err and "unexpected" not in err


class _HtmlHandler(BaseHTTPRequestHandler):
    """A web server that is not the OpenAI API: HTML under /v1, 404 without a JSON body elsewhere."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        found = self.path.startswith("/v1/")
        body = b"<html>a web page</html>" if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html" if found else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def web_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("path", "message"), [
    ("/v1", "did not answer like the OpenAI API (listing"),
    ("/nothing/v1", "has no /nothing/v1/"),
])
def test_a_server_that_is_not_the_openai_api_is_a_clear_error(tmp_path: Path, env: None, web_server: str,
                                                             capsys: pytest.CaptureFixture[str], path: str,
                                                             message: str) -> None:
    root = example(tmp_path, web_server + path)
    assert plan(root) == 1
    err = capsys.readouterr().err
    assert message in err and "unexpected" not in err and "base_url" in err
