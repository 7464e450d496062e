"""Every limit in API_FACTS section 4, enforced server-side: at the limit passes, one past it fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest

Call = Callable[[openai.OpenAI, Any], Any]


def _assistant(**fields: Any) -> Call:
    return lambda client, _: client.beta.assistants.create(model="gpt-4o", **fields)


def _store(**fields: Any) -> Call:
    return lambda client, _: client.vector_stores.create(**fields)


def _function(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


def _search(**options: Any) -> dict[str, Any]:
    return {"type": "file_search", "file_search": options}


def _static(max_tokens: int, overlap: int) -> dict[str, Any]:
    return {"type": "static", "static": {"max_chunk_size_tokens": max_tokens, "chunk_overlap_tokens": overlap}}


def _pairs(count: int) -> dict[str, str]:
    return {f"k{i}": "v" for i in range(count)}


# (case, ok call, failing call, param, code)
CASES: list[tuple[str, Call, Call, str, str]] = [
    ("name", _assistant(name="n" * 256), _assistant(name="n" * 257), "name", "string_above_max_length"),
    ("description", _assistant(description="d" * 512), _assistant(description="d" * 513), "description",
     "string_above_max_length"),
    ("instructions", _assistant(instructions="i" * 256_000), _assistant(instructions="i" * 256_001),
     "instructions", "string_above_max_length"),
    ("tools", _assistant(tools=[_function(f"f{i}") for i in range(128)]),
     _assistant(tools=[_function(f"f{i}") for i in range(129)]), "tools", "array_above_max_length"),
    ("function name length", _assistant(tools=[_function("f" * 64)]), _assistant(tools=[_function("f" * 65)]),
     "tools[0].function.name", "string_above_max_length"),
    ("max_num_results high", _assistant(tools=[_search(max_num_results=50)]),
     _assistant(tools=[_search(max_num_results=51)]), "tools[0].file_search.max_num_results",
     "integer_above_max_value"),
    ("max_num_results low", _assistant(tools=[_search(max_num_results=1)]),
     _assistant(tools=[_search(max_num_results=0)]), "tools[0].file_search.max_num_results",
     "integer_below_min_value"),
    ("score_threshold", _assistant(tools=[_search(ranking_options={"score_threshold": 1})]),
     _assistant(tools=[_search(ranking_options={"score_threshold": 1.5})]),
     "tools[0].file_search.ranking_options.score_threshold", "decimal_above_max_value"),
    ("score_threshold required", _assistant(tools=[_search(ranking_options={"score_threshold": 0})]),
     _assistant(tools=[_search(ranking_options={"ranker": "auto"})]),
     "tools[0].file_search.ranking_options.score_threshold", "missing_required_parameter"),
    ("temperature", _assistant(temperature=2), _assistant(temperature=2.01), "temperature",
     "decimal_above_max_value"),
    ("temperature low", _assistant(temperature=0), _assistant(temperature=-0.1), "temperature",
     "decimal_below_min_value"),
    ("top_p", _assistant(top_p=1), _assistant(top_p=1.01), "top_p", "decimal_above_max_value"),
    ("reasoning_effort", _assistant(reasoning_effort="max"), _assistant(reasoning_effort="extreme"),
     "reasoning_effort", "invalid_value"),
    ("vector stores per assistant", lambda c, vs: c.beta.assistants.create(
        model="gpt-4o", tool_resources={"file_search": {"vector_store_ids": [vs[0]]}}),
     lambda c, vs: c.beta.assistants.create(
        model="gpt-4o", tool_resources={"file_search": {"vector_store_ids": vs[:2]}}),
     "tool_resources.file_search.vector_store_ids", "array_above_max_length"),
    ("metadata pairs", _assistant(metadata=_pairs(16)), _assistant(metadata=_pairs(17)),
     "metadata", "object_above_max_properties"),
    ("metadata key", _assistant(metadata={"k" * 64: "v"}), _assistant(metadata={"k" * 65: "v"}),
     "metadata." + "k" * 65, "string_above_max_length"),
    ("metadata value", _assistant(metadata={"k": "v" * 512}), _assistant(metadata={"k": "v" * 513}),
     "metadata.k", "string_above_max_length"),
    ("vector store metadata", _store(metadata=_pairs(16)), _store(metadata=_pairs(17)),
     "metadata", "object_above_max_properties"),
    ("expires_after high", _store(expires_after={"anchor": "last_active_at", "days": 365}),
     _store(expires_after={"anchor": "last_active_at", "days": 366}), "expires_after.days",
     "integer_above_max_value"),
    ("expires_after low", _store(expires_after={"anchor": "last_active_at", "days": 1}),
     _store(expires_after={"anchor": "last_active_at", "days": 0}), "expires_after.days",
     "integer_below_min_value"),
    ("chunk size high", lambda c, vs: c.vector_stores.files.create(vs[0], file_id=vs[2],
                                                                  chunking_strategy=_static(4096, 0)),
     lambda c, vs: c.vector_stores.files.create(vs[0], file_id=vs[2], chunking_strategy=_static(4097, 0)),
     "chunking_strategy.static.max_chunk_size_tokens", "integer_above_max_value"),
    ("chunk size low", _store(chunking_strategy=_static(100, 50)), _store(chunking_strategy=_static(99, 0)),
     "chunking_strategy.static.max_chunk_size_tokens", "integer_below_min_value"),
    ("chunk overlap", _store(chunking_strategy=_static(800, 400)), _store(chunking_strategy=_static(800, 401)),
     "chunking_strategy.static.chunk_overlap_tokens", "invalid_value"),
    ("attributes keys", lambda c, vs: c.vector_stores.files.create(
        vs[0], file_id=vs[2], attributes={f"a{i}": i for i in range(16)}),
     lambda c, vs: c.vector_stores.files.create(vs[0], file_id=vs[2], attributes={f"a{i}": i for i in range(17)}),
     "attributes", "object_above_max_properties"),
    ("attribute value", lambda c, vs: c.vector_stores.files.update(
        vs[2], vector_store_id=vs[0], attributes={"a": "v" * 512, "b": True, "c": 1.5}),
     lambda c, vs: c.vector_stores.files.update(vs[2], vector_store_id=vs[0], attributes={"a": "v" * 513}),
     "attributes.a", "string_above_max_length"),
    ("attribute type", lambda c, vs: c.vector_stores.files.update(vs[2], vector_store_id=vs[0],
                                                                 attributes={"a": False}),
     lambda c, vs: c.vector_stores.files.update(vs[2], vector_store_id=vs[0], attributes={"a": ["x"]}),
     "attributes.a", "invalid_type"),
    ("list limit", lambda c, _: c.beta.assistants.list(limit=100), lambda c, _: c.beta.assistants.list(limit=101),
     "limit", "integer_above_max_value"),
    ("list limit low", lambda c, _: c.vector_stores.list(limit=1), lambda c, _: c.vector_stores.list(limit=0),
     "limit", "integer_below_min_value"),
    ("files list limit", lambda c, _: c.files.list(limit=10_000), lambda c, _: c.files.list(limit=10_001),
     "limit", "integer_above_max_value"),
]


@pytest.fixture
def stores(client: openai.OpenAI) -> list[str]:
    """Two vector stores and a file attached to the first: what the reference cases need."""
    first, second = client.vector_stores.create(name="a"), client.vector_stores.create(name="b")
    doc = client.files.create(file=("doc.md", b"# doc\n"), purpose="assistants")
    client.vector_stores.files.create(first.id, file_id=doc.id)
    return [first.id, second.id, doc.id]


@pytest.mark.parametrize(("case", "ok", "bad", "param", "code"), CASES, ids=[c[0] for c in CASES])
def test_limit(client: openai.OpenAI, stores: list[str], case: str, ok: Call, bad: Call, param: str,
               code: str) -> None:
    ok(client, stores)
    with pytest.raises(openai.BadRequestError) as err:
        bad(client, stores)
    assert (err.value.param, err.value.code, err.value.type) == (param, code, "invalid_request_error")
    assert err.value.body["message"].startswith(("Invalid", "Missing")), err.value.body  # type: ignore[index]


def test_function_name_pattern_message(client: openai.OpenAI) -> None:
    tools = [_function("ok_name") for _ in range(3)] + [_function("not a name!")]
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.create(model="gpt-4o", tools=tools)  # type: ignore[arg-type]
    assert err.value.body == {
        "message": "Invalid 'tools[3].function.name': string does not match pattern. Expected a string that "
        "matches the pattern '^[a-zA-Z0-9_-]+$'.",
        "type": "invalid_request_error",
        "param": "tools[3].function.name",
        "code": "invalid_value",
    }


def test_code_interpreter_holds_at_most_20_files(client: openai.OpenAI, upload: Callable[..., str]) -> None:
    ids = [upload(f"f{i}.csv", b"a,b\n") for i in range(21)]
    resources = {"code_interpreter": {"file_ids": ids[:20]}}
    client.beta.assistants.create(model="gpt-4o", tool_resources=resources)
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.create(model="gpt-4o", tool_resources={"code_interpreter": {"file_ids": ids}})
    assert (err.value.param, err.value.code) == ("tool_resources.code_interpreter.file_ids", "array_above_max_length")


def test_vector_store_create_takes_at_most_500_file_ids(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.vector_stores.create(file_ids=[f"file-{i}" for i in range(501)])
    assert (err.value.param, err.value.code) == ("file_ids", "array_above_max_length")


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"file_ids": [f"file-{i}" for i in range(2001)]}, "file_ids", "array_above_max_length"),
        ({"files": [{"file_id": f"file-{i}"} for i in range(2001)]}, "files", "array_above_max_length"),
        ({"file_ids": []}, "file_ids", "array_below_min_length"),
        ({"file_ids": ["file-a"], "files": [{"file_id": "file-a"}]}, "file_ids", "invalid_value"),
        ({}, "file_ids", "invalid_value"),
    ],
)
def test_file_batch_limits(client: openai.OpenAI, body: dict[str, Any], param: str, code: str) -> None:
    store = client.vector_stores.create(name="kb")
    with pytest.raises(openai.BadRequestError) as err:
        client.vector_stores.file_batches.create(store.id, **body)
    assert (err.value.param, err.value.code) == (param, code)


@pytest.mark.parametrize(
    ("purpose", "extra", "param"),
    [
        ("secrets", {}, "purpose"),
        ("batch", {"expires_after": {"anchor": "created_at", "seconds": 3599}}, "expires_after.seconds"),
        ("batch", {"expires_after": {"anchor": "created_at", "seconds": 2_592_001}}, "expires_after.seconds"),
    ],
)
def test_upload_limits(client: openai.OpenAI, purpose: str, extra: dict[str, Any], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.files.create(file=("a.jsonl", b"{}\n"), purpose=purpose, **extra)  # type: ignore[arg-type]
    assert (err.value.param, err.value.code) == (param, "invalid_value")


def test_upload_expiry_inside_the_range_is_kept(client: openai.OpenAI) -> None:
    uploaded = client.files.create(
        file=("a.jsonl", b"{}\n"), purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    assert uploaded.expires_at == uploaded.created_at + 3600


def test_an_upload_over_the_size_limit_is_refused_and_leaves_nothing() -> None:
    from aac.sandbox.server import serve_in_background

    with serve_in_background(max_upload_bytes=1000) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k", max_retries=0
    ) as client:
        client.files.create(file=("ok.md", b"x" * 1000), purpose="assistants")
        with pytest.raises(openai.BadRequestError) as err:
            client.files.create(file=("big.md", b"x" * 1001), purpose="assistants")
        assert (err.value.param, err.value.code) == ("file", "file_too_large")
        assert len(client.files.list().data) == 1
        assert len(list(sandbox.store.blob_dir.iterdir())) == 1
