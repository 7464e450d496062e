"""An assistant spec as Responses API request fields: the shapes of the SDK's types/responses/."""

from __future__ import annotations

import pytest
from tests.apply.helpers import accepted_by_sdk

from aac.errors import AacError
from aac.kinds.assistant.responses import LiveIds, responses_config, responses_document
from aac.kinds.assistant.spec import AssistantSpec
from aac.manifest.strict import strict_errors

IDS = LiveIds(stores={"kb": "vs_1"}, files={"a" * 64: "file-A"}, hashes={"data/t.csv": "a" * 64, "t2.csv": "a" * 64})
SCHEMA = {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"], "additionalProperties": False}
NO_ARGUMENTS = {"type": "object", "properties": {}, "additionalProperties": False}


def spec(**fields: object) -> AssistantSpec:
    base: dict[str, object] = {"name": "bot", "display_name": "bot", "model": "o4-mini"}
    return AssistantSpec(**{**base, **fields})  # type: ignore[arg-type]


def test_structured_output_reasoning_and_sampling_map_to_their_responses_fields() -> None:
    config, not_sent = responses_config(spec(
        instructions="Be brief.", temperature=0.5, top_p=0.9, reasoning_effort="high",
        response_format={"type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True}},
    ), IDS)
    assert config == {
        "model": "o4-mini", "instructions": "Be brief.", "temperature": 0.5, "top_p": 0.9,
        "reasoning": {"effort": "high"},
        "text": {"format": {"type": "json_schema", "name": "answer", "schema": SCHEMA, "strict": True}},
    }
    assert not_sent == [] and accepted_by_sdk(config)


@pytest.mark.parametrize(("response_format", "text"), [
    ("auto", None), ({"type": "auto"}, None), ({"type": "text"}, {"format": {"type": "text"}}),
    ({"type": "json_object"}, {"format": {"type": "json_object"}}),
])
def test_response_format_auto_is_no_field_and_the_others_are_text_format(response_format: object,
                                                                         text: object) -> None:
    config, _ = responses_config(spec(response_format=response_format), IDS)
    assert config.get("text") == text and accepted_by_sdk(config)


def test_tools_take_live_ids_and_flatten_functions() -> None:
    config, not_sent = responses_config(spec(
        tools=({"type": "code_interpreter"},
               {"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                           "score_threshold": 0.4}}},
               {"type": "function", "function": {"name": "now"}}),
        code_interpreter_files=("data/t.csv", "t2.csv"), code_interpreter_ids=("file-Z",), vector_store="kb",
    ), IDS)
    assert config["tools"] == [
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-A", "file-Z"]}},
        {"type": "file_search", "vector_store_ids": ["vs_1"], "ranking_options": {"score_threshold": 0.4}},
        {"type": "function", "name": "now", "parameters": NO_ARGUMENTS, "strict": False},
    ]
    assert not_sent == ["tools.file_search.ranking_options.ranker (default_2024_08_21)"]
    assert accepted_by_sdk(config)


def test_a_strict_function_without_parameters_keeps_to_strict_mode() -> None:
    config, _ = responses_config(spec(tools=({"type": "function", "function": {"name": "now", "strict": True}},)), IDS)
    [tool] = config["tools"]
    assert (tool["parameters"], tool["strict"]) == (NO_ARGUMENTS, True)
    assert strict_errors(tool["parameters"]) == []


def test_what_has_no_responses_field_is_named() -> None:
    document = responses_document({"bot": spec(display_name="Bot", description="d", metadata={"team": "x"},
                                               vector_store="kb", code_interpreter_ids=("file-Z",))}, IDS)
    assert document["assistants"]["bot"] == {"model": "o4-mini"}
    assert document["not_sent"]["bot"] == [
        "description", "display_name", "files.code_interpreter (no code_interpreter tool)", "metadata",
        "vector_store (no file_search tool)"]


def test_a_store_or_upload_that_is_not_live_is_an_error_that_says_apply() -> None:
    with pytest.raises(AacError, match="searches vector_store.other, which is not on the target"):
        responses_config(spec(tools=({"type": "file_search"},), vector_store="other"), IDS)
    missing = LiveIds(stores={}, files={}, hashes=IDS.hashes)
    with pytest.raises(AacError, match="code-interpreter file data/t.csv is not uploaded") as error:
        responses_config(spec(tools=({"type": "code_interpreter"},), code_interpreter_files=("data/t.csv",)), missing)
    assert "aac apply" in (error.value.hint or "")
