"""Server profiles: the sandbox answering the way other real servers of the wire API do.

Each field is one difference seen on a real server (llama-stack 0.7.3 and ogx 1.5.0, its
renamed successor), so a client's handling of it has a fast test without that server.
The default profile is OpenAI's own behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# What llama-stack and ogx write into every vector store's metadata themselves.
SERVER_METADATA_KEYS = ("provider_id", "provider_vector_store_id", "embedding_model", "embedding_dimension")
UNCONFIGURED = "Vector store {id} is not properly configured for file processing"


@dataclass(frozen=True)
class Profile:
    name: str = "openai"
    assistants: bool = True  # serves /v1/assistants (neither llama-stack nor ogx does)
    agents: bool = True  # serves /v1/agents and /v1/vaults (neither llama-stack nor ogx does)
    # `files: [{file_id, attributes}]` batches: "accept"; "ignore" (in progress counting no file, then
    # completed, nothing attached: ogx);
    # "refuse" (400 `body.file_ids: Field required`: llama-stack); "drop" (answered like an accepted
    # batch, in progress, but nothing is ever attached: a server that only says it did the work).
    files_batch: str = "accept"
    batch_object: str = "vector_store.files_batch"
    server_metadata: bool = False  # the four SERVER_METADATA_KEYS on every store created; needed to index
    extra_metadata: tuple[str, ...] = ()  # more keys of its own on every store created (no server seen does)
    not_found_400: bool = False  # a missing object is 400 "Vector_store '...' not found", not 404
    bare_errors: bool = False  # error bodies carry only `message` (no type, param, code)
    close_after_error: bool = False  # the keep-alive connection is closed after every error response
    poll_hint: bool = True  # `openai-poll-after-ms` on indexing responses
    null_last_error: bool = False  # a failed file says `last_error: null`
    lossy_cursor: bool = False  # `after` skips files sharing the cursor's created_at second
    usage_bytes: bool = True  # False: `usage_bytes` is 0 everywhere
    lenient: bool = False  # unknown parameters and any number of metadata keys accepted; expires_after null ignored
    store_keeps_deleted_uploads: bool = False  # a deleted upload still listed `completed` in its stores
    downloads_any_purpose: bool = False  # files of purpose `assistants` can be downloaded
    # Search filters on (and returns) the attributes a file was attached with; a later update shows in the
    # file list only.
    attach_time_attributes: bool = False
    float_numbers: bool = False  # every number of a file's attributes stored as a float (2024 -> 2024.0)
    # A Microsoft Foundry project (aac.sandbox.foundry): everything under `/api/projects/{project}`, the
    # files and vector stores at `.../openai/v1`, auth by `Authorization: Bearer` (Entra ID) or `api-key`.
    foundry: bool = False


OPENAI = Profile()
_LLAMA_FAMILY = Profile(
    assistants=False, agents=False,
    server_metadata=True, not_found_400=True, bare_errors=True, close_after_error=True, poll_hint=False,
    lenient=True, store_keeps_deleted_uploads=True, downloads_any_purpose=True, attach_time_attributes=True,
    float_numbers=True,
)
PROFILES = {
    "openai": OPENAI,
    "llama-stack": replace(_LLAMA_FAMILY, name="llama-stack", files_batch="refuse",
                           batch_object="vector_store.file_batch", null_last_error=True, lossy_cursor=True,
                           usage_bytes=False),
    "ogx": replace(_LLAMA_FAMILY, name="ogx", files_batch="ignore"),
    # Foundry's OpenAI-compatible v1 API has files and vector stores but no Assistants (retired with
    # OpenAI's) and not OpenAI's Agents beta: its agents are its own data plane.
    "foundry": replace(OPENAI, name="foundry", assistants=False, agents=False, foundry=True),
}


def profile_named(name: str | Profile | None) -> Profile:
    """The profile called `name` (a Profile passes through); ValueError names the known ones."""
    if name is None:
        return OPENAI
    if isinstance(name, Profile):
        return name
    if name not in PROFILES:
        raise ValueError(f"no sandbox profile {name!r} (profiles: {', '.join(PROFILES)})")
    return PROFILES[name]
