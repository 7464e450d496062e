"""On a Microsoft Foundry target an assistant manifest is a prompt agent: plan, apply, drift, output and destroy
through the CLI against `aac sandbox serve --profile foundry`, the agents checked through the wire calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.cli_harness import Cli

from aac.api import foundry_agents as agents
from aac.api.connect import Api, connect
from aac.output import Output
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import load_stack

KEY = "fk-7d2e0c9b1a3f48e6b5d4c8a7e2f19b03"
KEY_ENV = "AAC_FOUNDRY_TEST_KEY"

SUPPORT = """kind: assistant
name: support
model: gpt-4o-mini
instructions: Answer from the handbook.
tools: [file_search, code_interpreter]
files:
  file_search: [../knowledge/*.md]
  code_interpreter: [../data/*.csv]
"""
TRIAGE = """kind: assistant
name: triage
model: gpt-4o
instructions: Sort the ticket.
temperature: 0.2
tools:
  - type: function
    function:
      name: route
      description: Route a ticket
      parameters: {type: object, properties: {team: {type: string}}, required: [team]}
"""


def write_stack(root: Path, endpoint: str, manifests: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "aac.yaml").write_text(f"stack: demo\ntargets:\n  az:\n    type: foundry\n    endpoint: {endpoint}\n"
                                   f"    api_key_env: {KEY_ENV}\n", encoding="utf-8")
    for folder, name, text in (("knowledge", "refunds.md", "Refunds are paid within 14 days.\n"),
                               ("knowledge", "shipping.md", "Shipping takes 3 days.\r\n"),
                               ("data", "prices.csv", "sku,price\na,1\n")):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    (root / "assistants").mkdir(exist_ok=True)
    for name, text in manifests.items():
        (root / "assistants" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def foundry() -> Iterator[RunningSandbox]:
    with serve_in_background(":memory:", index_delay_ms=0, profile="foundry") as running:
        yield running


@pytest.fixture
def cli(tmp_path: Path, foundry: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv(KEY_ENV, KEY)
    return Cli(write_stack(tmp_path / "stack", foundry.endpoint,
                           {"support.yaml": SUPPORT, "triage.yaml": TRIAGE}), capsys)


@contextmanager
def connected(root: Path) -> Iterator[Api]:
    stack = load_stack(root)
    with connect(stack, stack.target(), {KEY_ENV: KEY}, Output()) as api:
        yield api


def project(api: Api) -> Any:
    assert api.foundry is not None
    return api.foundry


def test_a_stack_of_assistants_applies_as_prompt_agents_and_plans_empty_after(cli: Cli) -> None:
    plan = cli("plan")
    assert plan.code == 0, plan.err
    assert "+ assistant.support" in plan.out and "+ assistant.triage" in plan.out
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    again = cli("plan")
    assert again.code == 0, again.err
    assert "No changes." in again.out, again.out
    with connected(cli.root) as api:
        found = {a["name"]: a["versions"]["latest"] for a in agents.list_agents(project(api))}
        assert sorted(found) == ["demo-support", "demo-triage"]
        store = next(iter(api.sdk.vector_stores.list()))
        uploads = {f.filename.rsplit(".", 2)[-2]: f.id for f in api.sdk.files.list()}
    tools = {t["type"]: t for t in found["demo-support"]["definition"]["tools"]}
    assert tools["file_search"]["vector_store_ids"] == [store.id]
    assert tools["code_interpreter"]["container"] == {"type": "auto", "file_ids": [uploads["prices"]]}
    assert found["demo-triage"]["definition"]["temperature"] == 0.2
    assert found["demo-support"]["metadata"]["aac-key"] == "support"

