"""Read-only access to live objects: full paginated lists as plain dicts.

Reading cannot write: this class has no method that sends a POST or a DELETE.
Lists use the largest page the API allows, so cost grows with pages, not objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import openai

from aac.api.errors import not_the_api
from aac.limits import FILES_LIST_LIMIT, LIST_LIMIT

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

    def assistants(self) -> list[dict[str, Any]]:
        """Every assistant; raises AssistantsUnavailable where /assistants answers 404."""
        sdk = self._api.sdk
        return self._all("listing assistants", lambda: sdk.beta.assistants.list(limit=PAGE))

    def vector_stores(self) -> list[dict[str, Any]]:
        sdk = self._api.sdk
        return self._all("listing vector stores", lambda: sdk.vector_stores.list(limit=PAGE))

    def vector_store_files(self, vs_id: str) -> list[dict[str, Any]]:
        sdk = self._api.sdk
        return self._all(
            f"listing the files of vector store {vs_id}",
            lambda: sdk.vector_stores.files.list(vs_id, limit=PAGE),
        )

    def files(self, purpose: str = "assistants") -> list[dict[str, Any]]:
        sdk = self._api.sdk
        return self._all(f"listing files ({purpose})", lambda: sdk.files.list(purpose=purpose, limit=FILES_PAGE))

    def _all(self, what: str, first_page: Callable[[], Iterable[Any]]) -> list[dict[str, Any]]:
        try:
            # Iterating a SyncCursorPage follows `has_more` with `after=<last id>`.
            items = [item.model_dump() for item in first_page()]
        except openai.OpenAIError as exc:
            raise self._api.translate(exc, what) from exc
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # the SDK could not parse the answer
            raise not_the_api(self.base_url, what) from exc
        if not all(isinstance(item.get("id"), str) for item in items):
            raise not_the_api(self.base_url, what)
        return items
