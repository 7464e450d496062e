"""An assistant's wire calls through the `openai` SDK (Assistants API v2), each through the Writer's retry loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aac.identity import first, owned_key
from aac.limits import LIST_LIMIT

if TYPE_CHECKING:
    from aac.api.writer import Writer

JSON = dict[str, Any]
PAGE = LIST_LIMIT[1]


def list_mine(writer: Writer) -> list[Any]:
    """This stack's assistants, oldest first."""
    def send() -> list[Any]:
        assistants = writer.sdk.beta.assistants.list(limit=PAGE, order="asc")
        return [a for a in assistants if owned_key(a.metadata, writer.stack)]

    return writer.call("listing assistants", send)


def find(writer: Writer, key: str) -> Any:
    assistants = writer.sdk.beta.assistants.list(limit=PAGE, order="asc")
    return first(a for a in assistants if owned_key(a.metadata, writer.stack) == key)


def create(writer: Writer, key: str, params: JSON) -> Any:
    assistant = writer.call(
        f"creating assistant {key}",
        lambda: writer.sdk.beta.assistants.create(**params),
        lambda: find(writer, key),
    )
    record = writer.learn_server_keys(f"assistant.{key}", params, assistant.metadata)
    return update(writer, assistant.id, {"metadata": record}) if record else assistant


def update(writer: Writer, assistant_id: str, params: JSON) -> Any:
    return writer.call(
        f"updating assistant {assistant_id}", lambda: writer.sdk.beta.assistants.update(assistant_id, **params)
    )


def delete(writer: Writer, assistant_id: str) -> None:
    writer.delete(f"deleting assistant {assistant_id}", lambda: writer.sdk.beta.assistants.delete(assistant_id))
