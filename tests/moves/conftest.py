"""The example stack in a temp folder, aimed at the test's sandbox, and ways to edit it as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.apply.helpers import KEY_ENV, STACK, write_stack
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

STORE_MANIFEST = "assistants/support/customer-support.yaml"
VAULT_MANIFEST = "assistants/agents/github-vault.yaml"
AGENT_MANIFEST = "assistants/agents/weather-agent.yaml"


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", sandbox.base_url), capsys)


def edit(root: Path, path: str, old: str, new: str, count: int = 1) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == count, (path, old)
    file.write_text(text.replace(old, new), encoding="utf-8")


def add_moves(root: Path, *pairs: tuple[str, str], newline: str = "\n") -> None:
    """Append a `moved:` list to aac.yaml, with `newline` as its line break throughout."""
    text = (root / "aac.yaml").read_text(encoding="utf-8")
    text += "moved:\n" + "".join(f"  - from: {source}\n    to: {dest}\n" for source, dest in pairs)
    (root / "aac.yaml").write_bytes(text.replace("\n", newline).encode("utf-8"))


def rename_store(root: Path, new: str = "knowledge") -> None:
    """Rename the support-kb store in its manifest and in the assistant that searches it."""
    edit(root, STORE_MANIFEST, "name: support-kb", f"name: {new}")
    edit(root, STORE_MANIFEST, "vector_store: support-kb", f"vector_store: {new}")


def owned(objects: Any, key: str) -> list[Any]:
    return [o for o in objects if (o.metadata or {}).get("aac-stack") == STACK
            and (o.metadata or {}).get("aac-key") == key]


def store(client: openai.OpenAI, key: str) -> Any:
    [found] = owned(client.vector_stores.list(limit=100), key)
    return found


def store_file_ids(client: openai.OpenAI, store_id: str) -> list[str]:
    return sorted(f.id for f in client.vector_stores.files.list(store_id, limit=100))


def everything(client: openai.OpenAI) -> dict[str, str]:
    """Every object of the stack on the server: `kind.key` -> id (the ids tell rebuilt from kept)."""
    found: dict[str, str] = {}
    for kind, objects in (("vector_store", client.vector_stores.list(limit=100)),
                          ("assistant", client.beta.assistants.list(limit=100)),
                          ("agent", client.beta.agents.list(limit=100))):
        for obj in objects:
            if (obj.metadata or {}).get("aac-stack") == STACK:
                found[f"{kind}.{obj.metadata['aac-key']}"] = obj.id
    for vault in client.beta.agents.vaults.list(limit=100):
        if (vault.metadata or {}).get("aac-stack") == STACK:
            found[f"vault.{vault.metadata['aac-key']}"] = vault.id
            for credential in client.beta.agents.vaults.credentials.list(vault.id, limit=100):
                found[f"credential.{credential.metadata['aac-key']}"] = credential.id
    return found
