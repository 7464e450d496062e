"""The front door and error shapes: auth, the beta header, unknown parameters and ids, bad JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest

from aac.sandbox.server import serve_in_background

AUTH = {"Authorization": "Bearer sk-test"}
BETA = {**AUTH, "OpenAI-Beta": "assistants=v2"}
Raw = Callable[..., Any]


def _error(response: Any) -> dict[str, Any]:
    assert set(response.body) == {"error"}
    error: dict[str, Any] = response.body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}])
def test_no_bearer_key_is_401(raw: Raw, headers: dict[str, str]) -> None:
    response = raw("GET", "/files", headers=headers)
    assert response.status == 401
    error = _error(response)
    assert (error["type"], error["code"]) == ("invalid_request_error", "invalid_api_key")
    assert "You didn't provide an API key" in error["message"]


def test_any_non_empty_key_is_accepted(raw: Raw) -> None:
    assert raw("GET", "/files", headers={"Authorization": "Bearer anything"}).status == 200


def test_assistants_need_the_v2_beta_header(raw: Raw) -> None:
    missing = raw("GET", "/assistants", headers=AUTH)
    assert missing.status == 400
    assert _error(missing) == {
        "message": "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again "
        "by setting the header 'OpenAI-Beta: assistants=v2'.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_beta",
    }
    old = raw("GET", "/assistants", headers={**AUTH, "OpenAI-Beta": "assistants=v1"})
    assert old.status == 400 and "The v1 Assistants API has been deprecated" in _error(old)["message"]
    assert raw("GET", "/assistants", headers=BETA).status == 200


def test_vector_stores_and_files_need_no_beta_header(raw: Raw) -> None:
    assert raw("GET", "/vector_stores", headers=AUTH).status == 200
    assert raw("GET", "/files", headers=AUTH).status == 200


def test_unknown_parameter_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.create(model="gpt-4o", extra_body={"colour": "blue"})
    assert err.value.body == {
        "message": "Unknown parameter: 'colour'.",
        "type": "invalid_request_error",
        "param": "colour",
        "code": "unknown_parameter",
    }


def test_unknown_nested_parameter_names_its_path(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 3, "hours": 2})  # type: ignore[typeddict-unknown-key]
    assert (err.value.param, err.value.code) == ("expires_after.hours", "unknown_parameter")


def test_unknown_parameter_on_modify_is_rejected(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    with pytest.raises(openai.BadRequestError) as err:
        client.vector_stores.update(store.id, extra_body={"description": "write-only on create only"})
    assert err.value.code == "unknown_parameter"


def test_missing_required_parameter(raw: Raw) -> None:
    response = raw("POST", "/assistants", headers=BETA, body={"name": "no model"})
    assert response.status == 400
    assert _error(response) == {
        "message": "Missing required parameter: 'model'.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "missing_required_parameter",
    }


def test_wrong_type_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.create(model="gpt-4o", temperature="hot")  # type: ignore[arg-type]
    assert (err.value.param, err.value.code) == ("temperature", "invalid_type")
    assert err.value.body["message"] == (  # type: ignore[index]
        "Invalid type for 'temperature': expected a decimal, but got a string instead."
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.beta.assistants.retrieve("asst_nope"), "No assistant found with id 'asst_nope'."),
        (lambda c: c.beta.assistants.update("asst_nope", name="x"), "No assistant found with id 'asst_nope'."),
        (lambda c: c.beta.assistants.delete("asst_nope"), "No assistant found with id 'asst_nope'."),
        (lambda c: c.files.retrieve("file-nope"), "No such File object: file-nope"),
        (lambda c: c.files.delete("file-nope"), "No such File object: file-nope"),
        (lambda c: c.files.content("file-nope"), "No such File object: file-nope"),
        (lambda c: c.vector_stores.retrieve("vs_nope"), "No vector store found with id 'vs_nope'."),
        (lambda c: c.vector_stores.delete("vs_nope"), "No vector store found with id 'vs_nope'."),
        (lambda c: c.vector_stores.files.list("vs_nope"), "No vector store found with id 'vs_nope'."),
    ],
)
def test_unknown_ids_are_404_with_the_real_messages(client: openai.OpenAI, call: Any, message: str) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        call(client)
    assert err.value.body == {  # type: ignore[comparison-overlap]
        "message": message, "type": "invalid_request_error", "param": None, "code": None
    }


def test_unknown_file_in_a_store_is_404(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    with pytest.raises(openai.NotFoundError, match="No file found with id 'file-x' in vector store"):
        client.vector_stores.files.retrieve("file-x", vector_store_id=store.id)
    with pytest.raises(openai.NotFoundError, match="No such File object: file-x"):
        client.vector_stores.files.create(store.id, file_id="file-x")


def test_invalid_json_body_is_400(raw: Raw) -> None:
    response = raw("POST", "/vector_stores", headers=AUTH, body=b'{"name": ')
    assert response.status == 400
    assert "could not parse the JSON body" in _error(response)["message"]


def test_a_body_that_is_not_an_object_is_400(raw: Raw) -> None:
    response = raw("POST", "/vector_stores", headers=AUTH, body=["a list"])
    assert response.status == 400
    assert _error(response)["code"] == "invalid_type"


def test_upload_must_be_multipart(raw: Raw) -> None:
    response = raw("POST", "/files", headers=AUTH, body={"purpose": "assistants"})
    assert response.status == 400
    assert _error(response)["message"] == (
        "Invalid Content-Type header (application/json), expected multipart/form-data."
    )


def test_every_response_has_a_request_id(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.files.retrieve("file-nope")
    assert err.value.request_id is not None and err.value.request_id.startswith("req_")


def test_unknown_url_is_an_openai_shaped_404(raw: Raw) -> None:
    response = raw("GET", "/threads", headers=AUTH)
    assert response.status == 404
    assert _error(response)["message"] == "Invalid URL (GET /v1/threads)"


def test_no_assistants_mode_answers_404_like_openai_after_the_sunset() -> None:
    with serve_in_background(no_assistants=True) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0
    ) as client:
        with pytest.raises(openai.NotFoundError) as err:
            client.beta.assistants.list()
        assert err.value.body["message"] == "Invalid URL (GET /v1/assistants)"  # type: ignore[index]
        assert client.vector_stores.create(name="still here").status == "completed"
        assert client.files.list().data == []
