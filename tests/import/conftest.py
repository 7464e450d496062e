"""Fixtures for import tests: an empty stack aimed at the test's sandbox, and hand-made objects on it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

KEY_ENV = "AAC_IMPORT_TEST_KEY"
STACK = "adopted"
LONG_SCHEMA = {
    "type": "object",
    "properties": {f"field_{i}": {"type": "string", "description": f"Field number {i}."} for i in range(40)},
    "required": ["field_0"],
}
LONG_INSTRUCTIONS = "".join(f"Rule {i}: answer about the weather only.\n" for i in range(45))



@dataclass
class HandMade:
    weather: Any
    support: Any
    store: Any
    math: Any
    store_files: list[str]
    code_file: str


@pytest.fixture
def aac(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    root = tmp_path / "stack"
    (root / "assistants").mkdir(parents=True)
    (root / "aac.yaml").write_text(
        f"stack: {STACK}\nmanifests: assistants\ndefault_target: test\n"
        f"targets:\n  test:\n    type: openai\n    base_url: {sandbox.base_url}\n    api_key_env: {KEY_ENV}\n",
        encoding="utf-8",
    )
    return Cli(root, capsys)


@pytest.fixture
def hand_made(client: openai.OpenAI) -> HandMade:
    """What a team built by hand before adopting aac: three assistants and a store of uploaded files."""
    weather = client.beta.assistants.create(
        model="gpt-4o", name="Weather Bot", instructions=LONG_INSTRUCTIONS, temperature=0.3,
        metadata={"team": "forecast"},
        tools=[{"type": "function", "function": {"name": "get_weather", "description": "The weather in a place",
                                                  "parameters": LONG_SCHEMA}}],
    )
    docs = [client.files.create(file=(name, body), purpose="assistants")
            for name, body in (("faq.md", b"# FAQ\nAsk us.\n"), ("refunds.md", b"# Refunds\nWithin 30 days.\n"))]
    store = client.vector_stores.create(name="Support KB", file_ids=[f.id for f in docs])
    support = client.beta.assistants.create(
        model="gpt-4o", name="Support", instructions="Answer from the knowledge base.\n",
        tools=[{"type": "file_search"}], tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    table = client.files.create(file=("equations.csv", b"a,b,c\n1,-3,2\n"), purpose="assistants")
    math = client.beta.assistants.create(
        model="gpt-4o", name="Math Tutor", tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [table.id]}},
    )
    return HandMade(weather, support, store, math, sorted(f.id for f in docs), table.id)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def proxied(upstream: str, rewrite: Callable[[dict[str, Any], bool], dict[str, Any]]) -> type[BaseHTTPRequestHandler]:
    """A server that forwards every request to the sandbox at `upstream`, and passes each object a GET answers
    through `rewrite(obj, listed)` (`listed`: an item of a list): a newer or a hostile server, on loopback."""

    class Proxy(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = urllib.request.Request(
                upstream + self.path.removeprefix("/v1"), data=self.rfile.read(length) if length else None,
                method=self.command, headers={k: v for k, v in self.headers.items()
                                              if k.lower() not in ("host", "content-length", "accept-encoding")})
            try:
                with urllib.request.urlopen(request) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
            if status == 200 and self.command == "GET":
                data = json.loads(body)
                if isinstance(data.get("data"), list):
                    data["data"] = [rewrite(item, True) for item in data["data"]]
                else:
                    data = rewrite(data, False)
                body = json.dumps(data).encode()  # ensure_ascii: a lone surrogate goes out as \ud800
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _forward

        def log_message(self, *args: Any) -> None:
            pass

    return Proxy


def aim(aac: Cli, base_url: str) -> None:
    """Point the stack's target at `base_url`."""
    config = aac.root / "aac.yaml"
    lines = [f"    base_url: {base_url}" if "base_url:" in line else line for line in config.read_text().splitlines()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
