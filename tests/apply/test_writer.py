"""The writer against the sandbox, with responses lost on the way back (the server did the write).

The loss is injected in the HTTP transport under the real SDK: the request reaches the
sandbox and is processed; the client sees a read timeout instead of the answer. A blind
retry would create a second object; the writer must find the first one by its tags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from tests.sdk_http import LoseFirstAnswer
from tests.sdk_http import http as httpx  # the HTTP library this openai SDK is built on

from aac.api.connect import Api, RequestLog
from aac.api.writer import Writer
from aac.identity import tags, upload_filename
from aac.kinds.assistant import wire as assistants
from aac.kinds.vector_store import wire as stores
from aac.output import Output
from aac.stack import Target

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


@pytest.fixture
def lossy(sandbox: Any) -> Iterator[tuple[Writer, LoseFirstAnswer]]:
    transport = LoseFirstAnswer({("POST", "/v1/vector_stores"), ("POST", "/v1/assistants"), ("POST", "/v1/files")})
    http = openai.DefaultHttpxClient(transport=transport)
    sdk = openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", http_client=http)
    api = Api(sdk=sdk, target=Target("test", "openai"), log=RequestLog(Output()))
    yield Writer(api, "demo"), transport
    sdk.close()


def test_a_lost_create_answer_is_recovered_by_tag_not_created_twice(
    lossy: tuple[Writer, LoseFirstAnswer], client: openai.OpenAI
) -> None:
    writer, transport = lossy
    metadata = tags("demo", "kb", "sha256:0")
    store = stores.create(writer, "kb", {"name": "KB", "metadata": metadata})
    assistant = assistants.create(writer, "bot", {"model": "gpt-4o", "metadata": tags("demo", "bot", "sha256:0")})

    assert [s.id for s in client.vector_stores.list()] == [store.id]
    assert [a.id for a in client.beta.assistants.list()] == [assistant.id]
    assert transport.sent.count(("POST", "/v1/vector_stores")) == 1  # never sent again
    assert transport.sent.count(("POST", "/v1/assistants")) == 1


def test_a_lost_upload_answer_is_recovered_by_its_content_addressed_name(
    lossy: tuple[Writer, LoseFirstAnswer], client: openai.OpenAI, tmp_path: Any
) -> None:
    writer, transport = lossy
    path = tmp_path / "faq.md"
    path.write_text("# FAQ\n")
    sha = hashlib.sha256(b"# FAQ\n").hexdigest()
    name = upload_filename("demo", sha, "knowledge/faq.md")

    uploaded = writer.upload(name, path, sha, "knowledge/faq.md")

    assert [(f.id, f.filename) for f in client.files.list()] == [(uploaded.id, name)]
    assert transport.sent.count(("POST", "/v1/files")) == 1


def test_deleting_what_is_already_gone_succeeds(lossy: tuple[Writer, LoseFirstAnswer]) -> None:
    writer, _ = lossy
    assistants.delete(writer, "asst_gone")
    stores.delete(writer, "vs_gone")
    writer.delete_file("file-gone")


class RateLimitFirst(httpx.HTTPTransport):
    """Answer the first create with 429 and a Retry-After, as a busy API does; then let requests through."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.sent == 1:
            body = {"error": {"message": "Rate limit reached", "type": "requests", "param": None,
                              "code": "rate_limit_exceeded"}}
            return httpx.Response(429, json=body, headers={"retry-after-ms": "20"}, request=request)
        return super().handle_request(request)


def test_a_429_is_retried_after_the_delay_the_server_asked_for(sandbox: Any, client: openai.OpenAI) -> None:
    transport = RateLimitFirst()
    sdk = openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test",
                        http_client=openai.DefaultHttpxClient(transport=transport))
    writer = Writer(Api(sdk=sdk, target=Target("test", "openai"), log=RequestLog(Output())), "demo")

    store = stores.create(writer, "kb", {"name": "KB", "metadata": tags("demo", "kb", "sha256:0")})

    assert transport.sent == 2  # refused once, then created; the SDK's own retries are off
    assert [s.id for s in client.vector_stores.list()] == [store.id]
    sdk.close()


def _rate_limited(headers: dict[str, str]) -> openai.RateLimitError:
    response = httpx.Response(429, headers=headers, request=httpx.Request("POST", "http://127.0.0.1/v1/files"))
    return openai.RateLimitError("Rate limit reached", response=response, body=None)


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # the SDK's precedence: milliseconds first
    ({"retry-after": "2"}, 2.0),
    ({"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, None),  # a date: our own backoff instead
    ({}, None),
])
def test_retry_after_reads_the_servers_delay(headers: dict[str, str], seconds: float | None) -> None:
    from aac.api.retry import retry_after

    assert retry_after(_rate_limited(headers)) == seconds


@pytest.mark.parametrize("profile", ["llama-stack", "ogx"])
def test_a_delete_retried_after_a_lost_answer_is_done_where_gone_is_a_400(profile: str) -> None:
    from aac.sandbox.server import serve_in_background

    with serve_in_background(":memory:", index_delay_ms=0, profile=profile) as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        store = client.vector_stores.create(name="kb")
        upload = client.files.create(file=("a.md", b"# a\n"), purpose="assistants")
        client.vector_stores.files.create_and_poll(file_id=upload.id, vector_store_id=store.id)
        transport = LoseFirstAnswer({("DELETE", f"/v1/vector_stores/{store.id}/files/{upload.id}"),
                                     ("DELETE", f"/v1/vector_stores/{store.id}")})
        sdk = openai.OpenAI(base_url=server.base_url, api_key="sk-test",
                            http_client=openai.DefaultHttpxClient(transport=transport))
        writer = Writer(Api(sdk=sdk, target=Target("test", "openai"), log=RequestLog(Output())), "demo")

        stores.detach(writer, store.id, upload.id)
        stores.delete(writer, store.id)

        assert transport.sent.count(("DELETE", f"/v1/vector_stores/{store.id}")) == 2  # the retry met a 400
        assert not client.vector_stores.list().data
        sdk.close()


def test_where_files_batches_are_ignored_files_sharing_attributes_go_by_id_and_the_rest_one_by_one() -> None:
    from aac.sandbox.server import serve_in_background

    with serve_in_background(":memory:", index_delay_ms=0, profile="ogx") as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        store = client.vector_stores.create(name="kb")
        a, b, c = (client.files.create(file=(f"{n}.md", b"# x\n"), purpose="assistants").id for n in "abc")
        transport = LoseFirstAnswer(set())
        sdk = openai.OpenAI(base_url=server.base_url, api_key="sk-test",
                            http_client=openai.DefaultHttpxClient(transport=transport))
        writer = Writer(Api(sdk=sdk, target=Target("test", "openai"), log=RequestLog(Output())), "demo")

        stores.attach(writer, store.id, [{"file_id": a, "attributes": {"team": "x"}},
                                 {"file_id": b, "attributes": {"team": "x"}},
                                 {"file_id": c, "attributes": {"team": "y"}}])
        stores.attach(writer, store.id, [{"file_id": a, "attributes": {"team": "z"}}])  # learnt: no batch tried

        attached = {f.id: f.attributes for f in client.vector_stores.files.list(store.id)}
        assert attached == {a: {"team": "z"}, b: {"team": "x"}, c: {"team": "y"}}
        assert transport.sent == [("POST", f"/v1/vector_stores/{store.id}/file_batches"),  # ignored
                                  ("POST", f"/v1/vector_stores/{store.id}/file_batches"),  # a and b by id
                                  ("POST", f"/v1/vector_stores/{store.id}/files"),  # c
                                  ("POST", f"/v1/vector_stores/{store.id}/files")]  # a again
        sdk.close()
