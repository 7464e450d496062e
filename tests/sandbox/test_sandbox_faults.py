"""Injected faults and latency: what a client without retries sees, and that one with retries converges."""

from __future__ import annotations

import time
from collections import Counter

import openai

from aac.sandbox.server import serve_in_background

MODELS = ["gpt-5", "gpt-5-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini", "o3-mini", "gpt-3.5-turbo"]


def _outcome(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except openai.APIStatusError as err:
        return str(err.status_code)
    except openai.APIConnectionError:
        return "dropped"
    return "ok"


def test_without_retries_every_kind_of_fault_shows() -> None:
    with serve_in_background(fault_rate=1.0, seed=3) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=0
    ) as client:
        seen = Counter(_outcome(lambda m=m: client.models.retrieve(m)) for m in MODELS * 3)
        assert set(seen) == {"429", "500", "503", "dropped", "ok"}


def test_a_fault_is_never_repeated_for_the_same_request() -> None:
    with serve_in_background(fault_rate=1.0, seed=1) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=0
    ) as client:
        outcomes = [_outcome(client.models.list) for _ in range(6)]
        assert outcomes[1::2] == ["ok"] * 3
        assert "ok" not in outcomes[0::2]


def test_rate_limit_carries_a_short_retry_after() -> None:
    with serve_in_background(fault_rate=1.0, seed=0) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=0
    ) as client:
        for model in MODELS * 3:
            try:
                client.models.retrieve(model)
            except openai.RateLimitError as err:
                assert 0 < float(err.response.headers["retry-after"]) <= 1
                assert err.response.headers["retry-after-ms"] == "100"
                assert err.body["type"] == "requests"  # type: ignore[index]
                return
            except (openai.APIStatusError, openai.APIConnectionError):
                continue
        raise AssertionError("no 429 in 24 faulted requests")


def test_with_sdk_retries_a_session_converges_at_fault_rate_0_3() -> None:
    with serve_in_background(fault_rate=0.3, seed=42) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=2
    ) as client:
        doc = client.files.create(file=("a.md", b"# a"), purpose="assistants")
        store = client.vector_stores.create(name="kb")
        vs_file = client.vector_stores.files.create_and_poll(doc.id, vector_store_id=store.id)
        assistant = client.beta.assistants.create(
            model="gpt-4o",
            tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}},
        )
        for i in range(5):
            client.beta.assistants.update(assistant.id, name=f"n{i}")
        assert vs_file.status == "completed"
        assert client.beta.assistants.retrieve(assistant.id).name == "n4"
        served = sandbox.requests
    assert served > 14  # some requests were faulted and retried


def test_latency_is_added_to_every_request() -> None:
    with serve_in_background(latency_ms=150) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=0
    ) as client:
        started = time.monotonic()
        client.models.list()
        client.files.list()
        # A lower bound only: the sandbox sleeps at least this long per request.
        assert time.monotonic() - started >= 0.3
