"""Every request and response of a representative SDK session, checked against OpenAI's own spec.

The spec (3 MB of YAML) is loaded once per session: about 2.2 s of parsing with libyaml
plus 0.5 s for openapi-core. openapi-core's spec check is off because the published spec
fails it (duplicate entries in one `required` list); validation of requests and responses
is unaffected.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openai
import pytest
import yaml
from tests.sdk_http import http as httpx
from werkzeug.datastructures import Headers, ImmutableMultiDict

from aac.sandbox.server import RunningSandbox

SPEC_ENV = "AAC_OPENAPI_SPEC"
NOT_SET = (
    "AAC_OPENAPI_SPEC is not set; set it to the path of openai-openapi.yaml to check the sandbox against "
    "OpenAI's spec"
)
# The spec predates the Agents API beta; test_sandbox_agents.py and test_sandbox_vaults.py hold
# those routes to the SDK's own types instead, with strict response validation.
NOT_IN_SPEC = ("/v1/agents", "/v1/vaults")


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes


@dataclass
class SpecRequest:
    """One recorded request in the shape openapi-core reads."""

    exchange: Exchange
    parameters: Any = field(init=False)

    def __post_init__(self) -> None:
        from openapi_core.datatypes import RequestParameters

        query = parse_qs(urlsplit(self.exchange.url).query)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, vs in query.items() for v in vs]),
            header=Headers(self.exchange.request_headers),
            cookie=ImmutableMultiDict(),
        )

    host_url = "https://api.openai.com"

    @property
    def path(self) -> str:
        return urlsplit(self.exchange.url).path

    @property
    def method(self) -> str:
        return self.exchange.method.lower()

    @property
    def body(self) -> bytes | None:
        return self.exchange.request_body or None

    @property
    def content_type(self) -> str:
        return self.exchange.request_headers.get("content-type", "application/json")


@dataclass
class SpecResponse:
    exchange: Exchange

    @property
    def data(self) -> bytes:
        return self.exchange.response_body

    @property
    def status_code(self) -> int:
        return self.exchange.status

    @property
    def content_type(self) -> str:
        return self.exchange.response_headers.get("content-type", "")

    @property
    def headers(self) -> Headers:
        return Headers(self.exchange.response_headers)


@pytest.fixture(scope="session")
def openapi() -> Any:
    path = os.environ.get(SPEC_ENV)
    if not path:
        pytest.skip(NOT_SET)
    from jsonschema_path import SchemaPath
    from openapi_core import Config, OpenAPI

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader either way
    return OpenAPI(SchemaPath.from_dict(spec), config=Config(spec_validator_cls=None))


@pytest.fixture
def recorded(sandbox: RunningSandbox) -> Iterator[tuple[openai.OpenAI, list[Exchange]]]:
    exchanges: list[Exchange] = []

    def record(response: httpx.Response) -> None:
        response.read()
        request = response.request
        exchanges.append(
            Exchange(
                method=request.method,
                url=str(request.url),
                request_headers={k.lower(): v for k, v in request.headers.items()},
                request_body=request.content,
                status=response.status_code,
                response_headers={k.lower(): v for k, v in response.headers.items()},
                response_body=response.content,
            )
        )

    def buffer(request: httpx.Request) -> None:
        request.read()  # multipart bodies stream; keep a copy to validate

    http = httpx.Client(event_hooks={"request": [buffer], "response": [record]})
    with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", http_client=http) as client:
        yield client, exchanges


def _session(client: openai.OpenAI) -> None:
    """A representative use of every endpoint the sandbox serves."""
    client.models.list()
    client.models.retrieve("gpt-4o")
    doc = client.files.create(file=("guide.md", b"# Guide\n" * 50), purpose="assistants")
    data = client.files.create(file=("in.jsonl", b"{}\n"), purpose="batch",
                               expires_after={"anchor": "created_at", "seconds": 86400})
    client.files.retrieve(doc.id)
    client.files.list(purpose="assistants", limit=5, order="asc")
    client.files.content(data.id)
    store = client.vector_stores.create(
        name="kb", file_ids=[doc.id], metadata={"k": "v"},
        chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}},
        expires_after={"anchor": "last_active_at", "days": 30},
    )
    client.vector_stores.files.poll(doc.id, vector_store_id=store.id)
    client.vector_stores.update(store.id, name="knowledge", metadata={"k": "w"})
    client.vector_stores.retrieve(store.id)
    client.vector_stores.list(limit=2)
    extra = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("more.txt", b"more"))
    client.vector_stores.files.update(extra.id, vector_store_id=store.id, attributes={"a": "b", "n": 1, "t": True})
    client.vector_stores.files.list(store.id, filter="completed", order="asc")
    client.vector_stores.files.content(extra.id, vector_store_id=store.id)
    client.vector_stores.search(
        store.id, query=["guide", "more"], max_num_results=3, rewrite_query=True,
        ranking_options={"ranker": "auto", "score_threshold": 0.1},
        # A comparison, not a compound: the spec's CompoundFilter names a discriminator without a
        # mapping, so openapi-core looks for a schema called `eq` and fails any compound holding one.
        filters={"type": "in", "key": "n", "value": [1, 2]},
    )
    client.vector_stores.search(store.id, query="guide")
    batch = client.vector_stores.file_batches.upload_and_poll(store.id, files=[("b1.md", b"# b1")])
    client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id)
    client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assistant = client.beta.assistants.create(
        model="gpt-4o", name="helper", description="d", instructions="i", metadata={"a": "1"},
        temperature=0.2, top_p=0.9, response_format={"type": "json_object"},
        tools=[{"type": "file_search", "file_search": {"max_num_results": 5}}, {"type": "code_interpreter"},
               {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]},
                        "code_interpreter": {"file_ids": [data.id]}},
    )
    client.beta.assistants.retrieve(assistant.id)
    client.beta.assistants.update(assistant.id, name="renamed", tool_resources={"code_interpreter": {"file_ids": []}})
    client.beta.assistants.list(limit=10, order="asc")
    client.beta.assistants.delete(assistant.id)
    client.vector_stores.files.delete(extra.id, vector_store_id=store.id)
    client.vector_stores.delete(store.id)
    client.files.delete(doc.id)


def _problems(openapi: Any, exchange: Exchange) -> list[str]:
    request, response = SpecRequest(exchange), SpecResponse(exchange)
    path = urlsplit(exchange.url).path
    where = f"{exchange.method} {path}"
    problems: list[str] = []
    # openapi-core parses a multipart file part to bytes, then fails it against the spec's
    # `type: string, format: binary`: a limit of the validator, not of the request.
    if not request.content_type.startswith("multipart/form-data"):
        problems += [f"{where} request: {error}" for error in openapi.iter_request_errors(request)]
    # The spec types file content as a JSON string; the real API (and the sandbox) send the raw
    # bytes as application/octet-stream, which is what the SDK's `files.content()` reads.
    if not path.endswith("/content") or "/vector_stores/" in path:
        problems += [f"{where} response: {error}" for error in openapi.iter_response_errors(request, response)]
    return problems


def test_a_session_matches_openais_spec(openapi: Any, recorded: tuple[openai.OpenAI, list[Exchange]]) -> None:
    client, exchanges = recorded
    _session(client)
    assert all(e.status == 200 for e in exchanges), [(e.method, e.url, e.status) for e in exchanges]
    problems = [problem for exchange in exchanges for problem in _problems(openapi, exchange)]
    assert not problems, "\n".join(problems)
    covered = {(e.method, _template(urlsplit(e.url).path)) for e in exchanges}
    served = {(method, _template(route.path)) for route in _routes() for method in route.methods - {"HEAD"}}
    assert covered == {(method, path) for method, path in served if not path.startswith(NOT_IN_SPEC)}



def _routes() -> list[Any]:
    from aac.sandbox.app import create_app
    from aac.sandbox.store import Store

    store = Store()
    try:
        return list(create_app(store).inner.routes)
    finally:
        store.close()


def _template(path: str) -> str:
    """A path with every id replaced by `{id}`, for recorded URLs and route patterns alike."""
    prefixes = ("asst_", "file-", "vs_", "vsfb_", "gpt-", "{")
    return "/".join("{id}" if p.startswith(prefixes) else p for p in path.split("/"))


def test_error_bodies_match_the_spec_error_schema(openapi: Any, recorded: tuple[openai.OpenAI, list[Exchange]]
                                                 ) -> None:
    client, exchanges = recorded
    for call in (lambda: client.beta.assistants.retrieve("asst_x"),
                 lambda: client.beta.assistants.create(model="m", name="n" * 300),
                 lambda: client.files.content(client.files.create(file=("a.md", b"a"), purpose="assistants").id)):
        with pytest.raises(openai.APIStatusError):
            call()
    from openapi_core.validation.schemas import oas31_schema_validators_factory

    schema = openapi.spec / "components" / "schemas" / "ErrorResponse"
    validator = oas31_schema_validators_factory.create(openapi.spec, schema)
    errors = [e for e in exchanges if e.status >= 400]
    assert [e.status for e in errors] == [404, 400, 400]
    for exchange in errors:
        validator.validate(json.loads(exchange.response_body))
