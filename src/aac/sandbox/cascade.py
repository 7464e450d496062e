"""What deleting a file takes with it, whether a client deleted it or its `expires_at` passed."""

from __future__ import annotations

import time

from aac.sandbox.indexing import FILE, VS_FILE
from aac.sandbox.store import Store

ASSISTANT = "assistant"


def delete_file(store: Store, file_id: str) -> bool:
    """Delete a file, its bytes, and every reference to it; False when there is no such file.

    "Delete a file and remove it from all vector stores" (API_FACTS 2.1), and from every
    assistant's code_interpreter list (API_FACTS 9.7).
    """
    if not store.delete(FILE, file_id):
        return False
    for vs_file in store.all(VS_FILE, where={"id": file_id}):
        if not store.profile.store_keeps_deleted_uploads:
            store.delete(VS_FILE, file_id, vs_file["vector_store_id"])
    for assistant in store.all(ASSISTANT):
        code = (assistant.get("tool_resources") or {}).get("code_interpreter") or {}
        if file_id in code.get("file_ids", []):
            code["file_ids"] = [f for f in code["file_ids"] if f != file_id]
            store.put(ASSISTANT, assistant)
    store.blob_path(file_id).unlink(missing_ok=True)
    store.text_path(file_id).unlink(missing_ok=True)
    return True


def expire_files(store: Store, now: float | None = None) -> None:
    """Delete every file whose `expires_at` has passed, as OpenAI does."""
    for file in store.expired(FILE, time.time() if now is None else now):
        delete_file(store, file["id"])
