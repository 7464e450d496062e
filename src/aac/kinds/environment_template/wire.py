"""A template's calls through the `openai` SDK (`client.beta.agents.environments.templates`), and nowhere else.

Reads page through the reader's raw-response pager; writes go through the writer's retry loop, with the SDK's
own retries off, so a create whose answer was lost is looked up by its key (the name) before it is sent again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aac.errors import AacError
from aac.kinds.environment_template.identity import decode
from aac.limits import LIST_LIMIT
from aac.resources import TAG_KEY, TAG_STACK

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer

JSON = dict[str, Any]


class TemplatesUnavailable(AacError):
    """The target answers 404 on /agents/environments/templates: no Agents API (llama-stack, ogx)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(
            f"{base_url} has no environment templates (404 on /agents/environments/templates): environment_template "
            "manifests need OpenAI's Agents API, which is beta, or the sandbox, which serves it",
            "apply them to a target with the Agents beta (OpenAI, or a sandbox target), or leave them out of the "
            "manifests for this one",
        )
PAGE = LIST_LIMIT[1]  # the largest page the list takes (aac.api.reader.PAGE); the api package loads only online


def read_all(reader: Reader) -> list[JSON]:
    """Every template on the target, as the API returns them. A 404 on the collection is a target without the
    Agents API (llama-stack, ogx), as a 404 on /agents is (aac.api.errors.is_agents_collection)."""
    try:
        return reader.list_all("listing environment templates", lambda sdk: sdk.beta.agents.environments.templates)
    except AacError as exc:
        if getattr(exc.__cause__, "status_code", None) == 404:  # openai.NotFoundError, without loading the SDK
            raise TemplatesUnavailable(reader.base_url) from exc
        raise


def listed(writer: Writer) -> list[Any]:
    """This stack's templates, oldest first."""
    def send() -> list[Any]:
        found = writer.sdk.beta.agents.environments.templates.list(limit=PAGE, order="asc")
        return [t for t in found if decode(t.name).get(TAG_STACK) == writer.stack]

    return writer.call("listing environment templates", send)


def create(writer: Writer, key: str, body: JSON) -> Any:
    def recover() -> Any:
        return next((t for t in listed(writer) if decode(t.name).get(TAG_KEY) == key), None)

    return writer.call(f"creating environment template {key}",
                       lambda: writer.sdk.beta.agents.environments.templates.create(**body), recover)


def update(writer: Writer, template_id: str, body: JSON) -> Any:
    return writer.call(f"updating environment template {template_id}",
                       lambda: writer.sdk.beta.agents.environments.templates.update(template_id, **body))


def delete(writer: Writer, template_id: str) -> None:
    writer.delete(f"deleting environment template {template_id}",
                  lambda: writer.sdk.beta.agents.environments.templates.delete(template_id))
