"""An upload still used by something the stack does not own is kept by apply and destroy, and the plan says so:
deleting it would empty a foreign store or clear a foreign assistant's code-interpreter files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openai
from tests.cli_harness import Cli

from .helpers import owned


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _share(aac: Cli, client: openai.OpenAI) -> tuple[str, str, str, str]:
    """An untagged store holding the stack's faq.md upload, an untagged assistant holding its csv."""
    assert aac("apply", "--auto-approve").code == 0
    state = owned(client)
    faq = state.uploads[_sha(aac.root / "knowledge/faq.md")][0].id
    csv = state.uploads[_sha(aac.root / "data/quadratics.csv")][0].id
    store = client.vector_stores.create(name="someone else's", file_ids=[faq])
    bot = client.beta.assistants.create(model="gpt-4o", name="hand-made", tools=[{"type": "code_interpreter"}],
                                        tool_resources={"code_interpreter": {"file_ids": [csv]}})
    return faq, csv, store.id, bot.id


def _still_used(client: openai.OpenAI, faq: str, csv: str, store: str, bot: str) -> None:
    assert [f.id for f in client.vector_stores.files.list(store)] == [faq]
    resources = client.beta.assistants.retrieve(bot).tool_resources
    assert resources is not None and resources.code_interpreter is not None
    assert resources.code_interpreter.file_ids == [csv]
    assert client.files.retrieve(faq).id == faq and client.files.retrieve(csv).id == csv


def test_destroy_keeps_uploads_that_foreign_objects_use_and_says_so(aac: Cli, client: openai.OpenAI) -> None:
    faq, csv, store, bot = _share(aac, client)
    result = aac("destroy", "--auto-approve")
    assert result.code == 0, result.err
    assert f"is used by vector store {store}, which this stack does not own" in result.out
    assert f"is used by assistant {bot}, which this stack does not own" in result.out
    _still_used(client, faq, csv, store, bot)
    assert not owned(client).stores and not owned(client).assistants


def test_apply_keeps_an_upload_no_manifest_wants_while_a_foreign_store_uses_it(aac: Cli,
                                                                               client: openai.OpenAI) -> None:
    faq, csv, store, bot = _share(aac, client)
    (aac.root / "knowledge/faq.md").unlink()
    (aac.root / "assistants/math-tutor.yaml").unlink()
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err
    assert "which this stack does not own" in result.out
    _still_used(client, faq, csv, store, bot)
    assert aac("plan", "--detailed-exitcode").code == 0
