"""Lists: the envelope, order, cursors, and exact pagination when many objects share a second."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest


def test_envelope_of_an_empty_list(client: openai.OpenAI) -> None:
    body = client.beta.assistants.with_raw_response.list().http_response.json()
    assert body == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_auto_pagination_visits_every_object_once_in_order(client: openai.OpenAI) -> None:
    created = [client.beta.assistants.create(model="gpt-4o", name=f"a{i}").id for i in range(25)]
    assert len({a.created_at for a in client.beta.assistants.list(limit=100)}) <= 2  # all within a second or two
    newest_first = [a.id for a in client.beta.assistants.list(limit=4)]
    assert newest_first == created[::-1]
    oldest_first = [a.id for a in client.beta.assistants.list(limit=7, order="asc")]
    assert oldest_first == created


def test_page_envelope_and_cursors(client: openai.OpenAI) -> None:
    ids = [client.vector_stores.create(name=f"s{i}").id for i in range(5)]
    first = client.vector_stores.list(limit=2, order="asc")
    assert [s.id for s in first.data] == ids[:2]
    assert (first.first_id, first.last_id, first.has_more) == (ids[0], ids[1], True)
    after = client.vector_stores.list(limit=2, order="asc", after=ids[1])
    assert [s.id for s in after.data] == ids[2:4]
    last = client.vector_stores.list(limit=2, order="asc", after=ids[3])
    assert ([s.id for s in last.data], last.has_more) == ([ids[4]], False)
    before = client.vector_stores.list(limit=2, order="asc", before=ids[3])
    assert [s.id for s in before.data] == ids[1:3]
    before_desc = client.vector_stores.list(limit=2, order="desc", before=ids[1])
    assert [s.id for s in before_desc.data] == [ids[3], ids[2]]


def test_a_deleted_cursor_still_pages_on(client: openai.OpenAI) -> None:
    ids = [client.beta.assistants.create(model="gpt-4o").id for _ in range(4)]
    page = client.beta.assistants.list(limit=2)
    for assistant in page.data:
        client.beta.assistants.delete(assistant.id)
    rest = client.beta.assistants.list(limit=2, after=page.data[-1].id)
    assert [a.id for a in rest.data] == [ids[1], ids[0]]


def test_files_list_defaults_to_everything_and_filters_by_purpose(
    client: openai.OpenAI, upload: Callable[..., str]
) -> None:
    docs = [upload(f"d{i}.md") for i in range(3)]
    batch = upload("b.jsonl", b"{}\n", purpose="batch")
    page = client.files.list()
    assert ([f.id for f in page.data], page.has_more) == ([batch, *docs[::-1]], False)
    assert [f.id for f in client.files.list(purpose="assistants", order="asc")] == docs
    assert [f.id for f in client.files.list(purpose="batch")] == [batch]
    assert [f.id for f in client.files.list(limit=1, order="asc")] == [*docs, batch]


def test_files_list_has_no_before_cursor(client: openai.OpenAI, upload: Callable[..., str]) -> None:
    file_id = upload()
    with pytest.raises(openai.BadRequestError) as err:
        client.files.list(extra_query={"before": file_id})
    assert (err.value.param, err.value.code) == ("before", "unknown_parameter")


@pytest.mark.parametrize(
    ("query", "param"), [({"order": "sideways"}, "order"), ({"limit": "many"}, "limit")]
)
def test_bad_list_parameters(client: openai.OpenAI, query: dict[str, Any], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.vector_stores.list(extra_query=query)
    assert err.value.param == param


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o3-mini"} <= set(ids)
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
    with pytest.raises(openai.NotFoundError) as err:
        client.models.retrieve("gpt-nope")
    assert err.value.code == "model_not_found"


def test_concurrent_creates_page_exactly(client: openai.OpenAI) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def create(worker: int) -> list[str]:
        return [client.vector_stores.create(name=f"w{worker}-{i}").id for i in range(10)]

    with ThreadPoolExecutor(8) as pool:
        created = [store_id for ids in pool.map(create, range(8)) for store_id in ids]
    listed = [s.id for s in client.vector_stores.list(limit=7)]
    assert len(listed) == len(set(listed)) == 80
    assert set(listed) == set(created)
    assert [s.id for s in client.vector_stores.list(limit=9, order="asc")] == listed[::-1]
