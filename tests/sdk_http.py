"""The HTTP library the installed `openai` SDK is built on, found through the SDK itself.

Releases of the SDK have moved from httpx to httpx2; a test that names one breaks on the other.
Tests that work at the HTTP edge (a transport that loses an answer, a hand-made response) take it
from here, so they follow the SDK.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A hand-written server (a careless one, that echoes what it is sent) on loopback: its `/v1` base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
