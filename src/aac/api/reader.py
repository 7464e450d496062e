"""Read-only access to live objects: full paginated lists as plain dicts.

Reading cannot write: this class sends no DELETE, and its one POST is a vector store search,
which changes nothing. Lists use the largest page the API allows, so cost grows with pages,
not objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import openai

from aac.api import foundry_agents
from aac.api.errors import not_the_api
from aac.limits import FILES_LIST_LIMIT, LIST_LIMIT
from aac.resources import SERVER_METADATA

if TYPE_CHECKING:
    from aac.api.connect import Api

PAGE = LIST_LIMIT[1]  # 100
FILES_PAGE = FILES_LIST_LIMIT[1]  # 10,000


class Reader:
    def __init__(self, api: Api) -> None:
        self._api = api

    @property
    def requests(self) -> int:
        return self._api.requests

    @property
    def base_url(self) -> str:
        return self._api.base_url

    def prompt_agents(self) -> list[dict[str, Any]] | None:
        """A foundry target's prompt agents, each with its latest version, every page; None on another target."""
        project = self._api.foundry
        return None if project is None else foundry_agents.list_agents(project)

    def agent_versions(self, name: str) -> list[dict[str, Any]]:
        """Every version of a foundry target's agent `name`, oldest first."""
        project = self._api.foundry
        assert project is not None, "agent versions are a foundry target's"
        return foundry_agents.list_versions(project, name)

    def note(self, text: str) -> None:
        """Say what reading found out about the server (shown with --debug)."""
        self._api.log.out.log(text)

    @property
    def reserved_metadata(self) -> frozenset[str]:
        """Metadata keys the server owns: the ones aac knows, and the target's `reserved_metadata`."""
        return frozenset(SERVER_METADATA) | frozenset(self._api.target.reserved_metadata)

    def assistants(self) -> list[dict[str, Any]]:
        """Every assistant; raises AssistantsUnavailable where /assistants answers 404."""
        pages = self._api.sdk.beta.assistants.with_raw_response
        return self._all("listing assistants", lambda after: pages.list(limit=PAGE, after=after))

    def vector_stores(self) -> list[dict[str, Any]]:
        pages = self._api.sdk.vector_stores.with_raw_response
        return self._all("listing vector stores", lambda after: pages.list(limit=PAGE, after=after))

    def vector_store_files(self, vs_id: str, order: Literal["asc", "desc"] = "desc") -> list[dict[str, Any]]:
        pages = self._api.sdk.vector_stores.files.with_raw_response
        return self._all(
            f"listing the files of vector store {vs_id}",
            lambda after: pages.list(vs_id, limit=PAGE, after=after, order=order),
        )

    def files(self, purpose: str = "assistants") -> list[dict[str, Any]]:
        pages = self._api.sdk.files.with_raw_response
        return self._all(
            f"listing files ({purpose})", lambda after: pages.list(purpose=purpose, limit=FILES_PAGE, after=after)
        )

    def list_all(self, what: str, collection: Callable[[openai.OpenAI], Any], *parents: str) -> list[dict[str, Any]]:
        """Every item of a kind's collection (`collection`: its SDK resource, aac.kinds), in pages of the most the
        API allows; `parents`, the ids a child collection is listed under (a vault's, for its credentials)."""
        def page(after: str | openai.Omit) -> Any:
            return collection(self._api.sdk).with_raw_response.list(*parents, limit=PAGE, after=after)

        return self._all(what, page)

    def search(self, vs_id: str, query: str, max_num_results: int,
               settings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The store's top results for `query` by the target's own ranking: {file_id, filename, score, attributes}.

        `settings`: filters, ranking_options and rewrite_query, as the search API takes them."""
        what = f"searching vector store {vs_id}"
        try:
            raw = self._api.sdk.vector_stores.with_raw_response.search(vs_id, query=query,
                                                                        max_num_results=max_num_results,
                                                                        **dict(settings or {}))
            body = raw.http_response.json()
        except openai.OpenAIError as exc:
            raise self._api.translate(exc, what) from exc
        except ValueError as exc:
            raise not_the_api(self.base_url, what) from exc
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not all(isinstance(i, dict) and isinstance(i.get("file_id"), str)
                                                 for i in data):
            raise not_the_api(self.base_url, what)
        return data

    def _all(self, what: str, page: Callable[[str | openai.Omit], Any]) -> list[dict[str, Any]]:
        """Every item of a list, page after page, as the JSON the server sent.

        The SDK's raw responses skip building a pydantic model per item only to dump it back
        to a dict, which is most of a large plan's CPU. Paging follows `has_more` with
        `after=<last id>`, as the SDK's own pages do.
        """
        items: list[dict[str, Any]] = []
        after: str | openai.Omit = openai.omit
        while True:
            body = self._page(what, page, after)
            items += body["data"]
            if not body.get("has_more") or not body["data"]:
                return items
            after = body["data"][-1]["id"]

    def _page(self, what: str, page: Callable[[str | openai.Omit], Any], after: str | openai.Omit) -> dict[str, Any]:
        try:
            body = page(after).http_response.json()
        except openai.OpenAIError as exc:
            raise self._api.translate(exc, what) from exc
        except ValueError as exc:  # not JSON: an HTML page, a proxy's error
            raise not_the_api(self.base_url, what) from exc
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in data):
            raise not_the_api(self.base_url, what)
        return body
