"""A client nobody on this project wrote, run unchanged against the sandbox: ai-assistant-manager 2.13.0."""

from __future__ import annotations

import sys
from pathlib import Path

import openai
import pytest

from aac.sandbox.server import serve_in_background


@pytest.mark.skipif(sys.version_info < (3, 11), reason="ai-assistant-manager 2.13.0 installs only on Python >= 3.11")
def test_ai_assistant_manager_builds_an_assistant_with_a_vector_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ai_assistant_manager.assistants.assistant_service import AssistantService
    from ai_assistant_manager.clients.openai_api import OpenAIClient, build_openai_client

    # It polls a new vector store every 5 s until `completed`, so files index at once here.
    with serve_in_background(index_delay_ms=0) as sandbox:
        monkeypatch.setenv("OPENAI_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-anything")
        monkeypatch.chdir(tmp_path)
        (tmp_path / "bin" / "files").mkdir(parents=True)
        (tmp_path / "bin" / "files" / "Helper - guide.md").write_text("# Guide\nHow to do things.\n")
        (tmp_path / "bin" / "files" / "Helper - faq.txt").write_text("Q: why?\nA: because.\n")

        service = AssistantService(
            OpenAIClient(build_openai_client(), open_ai_model="gpt-4o"),
            prompt="Answer from the files.",
            assistant_name="Helper",
            data_file_prefix="Helper",
        )
        assistant_id = service.get_assistant_id()
        assert service.get_assistant_id() == assistant_id  # found again by name, not created twice

        with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test") as client:
            assistant = client.beta.assistants.retrieve(assistant_id)
            assert (assistant.name, assistant.instructions, assistant.model) == (
                "Helper", "Answer from the files.", "gpt-4o")
            assert [t.type for t in assistant.tools] == ["file_search"]
            assert assistant.tool_resources is not None and assistant.tool_resources.file_search is not None
            (store_id,) = assistant.tool_resources.file_search.vector_store_ids or []
            store = client.vector_stores.retrieve(store_id)
            assert (store.name, store.status, store.file_counts.completed) == ("Helper vector store", "completed", 2)
            names = {client.files.retrieve(f.id).filename for f in client.vector_stores.files.list(store_id)}
            assert names == {"Helper - guide.md", "Helper - faq.txt"}

        service.delete_assistant()
        with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test") as client:
            assert list(client.beta.assistants.list()) == []
            assert list(client.vector_stores.list()) == []
            assert list(client.files.list()) == []
