"""The HTTP library the installed `openai` SDK is built on, found through the SDK itself.

Releases of the SDK have moved from httpx to httpx2; a test that names one breaks on the other.
Tests that work at the HTTP edge (a transport that loses an answer, a hand-made response) take it
from here, so they follow the SDK.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import openai


def _sdk_http_library() -> ModuleType:
    base = next(cls for cls in openai.DefaultHttpxClient.__mro__[1:] if cls.__name__ == "Client")
    return importlib.import_module(base.__module__.split(".")[0])


http = _sdk_http_library()


class LoseFirstAnswer(http.HTTPTransport):
    """Send every request; swallow the first answer to each (method, path) prefix given."""

    def __init__(self, lose: set[tuple[str, str]]) -> None:
        super().__init__()
        self.lose = set(lose)
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: Any) -> Any:
        response = super().handle_request(request)
        key = (request.method, request.url.path)
        self.sent.append(key)
        if key in self.lose:
            self.lose.discard(key)
            response.read()
            raise http.ReadTimeout("the answer was lost", request=request)
        return response
