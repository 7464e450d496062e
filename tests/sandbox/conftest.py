"""Helpers for the sandbox tests: raw HTTP for what the SDK will not send, and small uploads."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from tests.sdk_http import http as httpx

from aac.sandbox.server import RunningSandbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `client.beta.assistants.*` warn that Assistants are deprecated; that is the point here.
    for item in items:
        if "sandbox" in item.path.parts:
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: Any


Raw = Callable[..., RawResponse]


@pytest.fixture
def raw(sandbox: RunningSandbox) -> Raw:
    """Send one request with exactly the headers given (the SDK always adds auth and beta)."""

    def send(method: str, path: str, *, headers: dict[str, str] | None = None, body: Any = None) -> RawResponse:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(sandbox.base_url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, got, payload = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            status, got, payload = err.code, dict(err.headers), err.read()
        return RawResponse(status, {k.lower(): v for k, v in got.items()}, json.loads(payload or b"null"))

    return send


Upload = Callable[..., str]


@pytest.fixture
def upload(client: openai.OpenAI) -> Upload:
    """Upload bytes as a file and return its id."""

    def send(name: str = "doc.md", content: bytes = b"# Title\nbody\n", purpose: str = "assistants") -> str:
        return client.files.create(file=(name, content), purpose=purpose).id  # type: ignore[arg-type]

    return send


@dataclass
class Recorded:
    """A strict SDK client and the raw bytes of every response it received."""

    client: openai.OpenAI
    bodies: list[bytes]


@pytest.fixture
def strict(sandbox: RunningSandbox) -> Iterator[Recorded]:
    """The SDK with `_strict_response_validation=True`: a response off its types raises."""
    bodies: list[bytes] = []

    def record(response: httpx.Response) -> None:
        response.read()
        bodies.append(response.content)

    http = httpx.Client(event_hooks={"response": [record]})
    with openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", http_client=http, max_retries=0, _strict_response_validation=True
    ) as client:
        yield Recorded(client, bodies)
