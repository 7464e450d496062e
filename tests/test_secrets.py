"""The key never printed or written, whoever echoes it: a server that puts the Authorization header in
every error and in every listed object, and every command run against it, `--debug` included."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.apply.helpers import KEY_ENV, write_stack
from tests.cli_harness import Cli

from aac.secrets import REDACTED, Secrets

KEY = "sk-" + "redteam-0123456789-LEAKED-abcdefghijklmnop"  # key-shaped at run time, not in the source
STATUSES = (200, 400, 401, 403, 404, 429, 500)
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("validate",),
    ("plan",),
    ("plan", "--format", "json", "--out", "plan.json"),
    ("plan", "--format", "markdown", "--out", "plan.md"),
    ("show", "plan.json"),
    ("apply", "plan.json"),
    ("apply", "--auto-approve"),
    ("drift",),
    ("drift", "--format", "json", "--out", "drift.json"),
    ("drift", "--format", "markdown", "--out", "drift.md"),
    ("drift", "--format", "junit", "--out", "drift.xml"),
    ("import", "--all", "--auto-approve"),
    ("output",),
    ("output", "--format", "env"),
    ("output", "--format", "responses", "--out", "output.json"),
    ("check",),
    ("check", "--format", "junit", "--out", "check.xml"),
    ("destroy", "--auto-approve"),
)


def _listed(echo: str) -> dict[str, list[dict[str, Any]]]:
    """One object of each collection, every free-text field carrying what the client sent."""
    return {
        "assistants": [{"id": "asst_echo", "object": "assistant", "created_at": 1, "name": echo[:256],
                        "description": echo[:512], "model": "gpt-4o", "instructions": echo, "tools": [],
                        "metadata": {"seen": echo[:512]}, "temperature": 1.0, "top_p": 1.0,
                        "response_format": "auto", "tool_resources": {}}],
        "vector_stores": [{"id": "vs_echo", "object": "vector_store", "created_at": 1, "name": echo,
                           "usage_bytes": 0, "status": "completed", "last_active_at": 1, "expires_after": None,
                           "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0,
                                           "total": 0},
                           "metadata": {"seen": echo[:512]}}],
        "files": [{"id": "file-echo", "object": "file", "bytes": 4, "created_at": 1, "filename": f"{echo}.md",
                   "purpose": "assistants", "status": "processed"}],
        "vector_store_files": [],
        "agents": [{"id": "agent_echo", "object": "agent", "created_at": 1, "updated_at": 1, "name": echo[:128],
                    "model": "gpt-5", "instructions": echo, "metadata": {"seen": echo[:512]}, "tools": []}],
        "vaults": [{"id": "vault_echo", "object": "vault", "created_at": 1, "name": echo[:256],
                    "metadata": {"seen": echo[:512]}}],
        "credentials": [{"id": "cred_echo", "object": "vault.credential", "created_at": 1, "updated_at": 1,
                         "vault_id": "vault_echo", "name": echo[:256], "metadata": {"seen": echo[:512]},
                         "auth": {"type": "static_bearer", "mcp_server_url": "https://mcp.example/"}}],
        "templates": [{"id": "envtmpl_echo", "object": "agent.environment.template", "created_at": 1,
                       "updated_at": 1, "name": echo[:256], "capability_directories": [echo], "files": [],
                       "network": {"access": "restricted", "allowed_domains": [echo[:200]]},
                       "packages": {"npm": [], "python": [echo[:200]], "system": []}, "plugins": [], "skills": []}],
    }


class Echo(BaseHTTPRequestHandler):
    status = 200  # lists answer 200 carrying the header; everything else is an error that echoes it

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        echo = f"you sent Authorization: {self.headers.get('Authorization')}"
        collection = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        listed = _listed(echo)
        if self.command == "GET" and self.status == 200 and collection in listed:
            self._send(200, {"object": "list", "data": listed[collection], "has_more": False})
            return
        status = self.status if self.status != 200 else 400
        self._send(status, {"error": {"message": echo, "type": "invalid_request_error", "param": None,
                                      "code": echo}})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("retry-after-ms", "1")
        self.send_header("retry-after", "0")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _leaks(text: str) -> bool:
    return KEY in text or KEY[10:30] in text


def test_no_command_prints_or_writes_the_key_whatever_the_server_echoes(
        tmp_path: Path, echo_server: ThreadingHTTPServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    host, port = echo_server.server_address[:2]
    root = write_stack(tmp_path / "stack", f"http://{host}:{port}/v1")
    aac = Cli(root, capsys)
    seen_redacted = False
    for status, debug, command in itertools.product(STATUSES, ((), ("--debug",)), COMMANDS):
        Echo.status = status
        result = aac(*debug, *command)
        printed = result.out + result.err
        assert not _leaks(printed), f"HTTP {status}, aac {' '.join(debug + command)} printed the key:\n{printed}"
        seen_redacted = seen_redacted or REDACTED in printed
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "drift.xml" for p in written) and any("imported" in p.parts for p in written)
    for path in written:
        assert not _leaks(path.read_bytes().decode("utf-8", "replace")), f"{path} holds the key"
    assert seen_redacted  # the server did echo it, and aac saw it


def test_every_secret_is_replaced_longest_first_and_short_values_are_no_secret() -> None:
    secrets = Secrets()
    for value in ("sk-abc", "sk-abcdefgh", "sk-abcdefgh-longer"):
        secrets.add(value)
    assert secrets.redact("a sk-abcdefgh-longer b sk-abcdefgh c sk-abc") == f"a {REDACTED} b {REDACTED} c sk-abc"
