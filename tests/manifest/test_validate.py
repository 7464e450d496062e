"""`aac validate`: each check in DESIGN section 4, with the message a user acts on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.manifest.conftest import Repo

from aac import limits
from aac.resources import TAGS

ASSISTANT = """\
kind: assistant
name: helper
model: gpt-4o
instructions: Help.
"""
CODE_FILES = "tools: [code_interpreter]\nfiles:\n  code_interpreter: [{}]\n"


def invalid(repo: Repo) -> str:
    result = repo.validate()
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert result.out == ""  # validate writes no document; problems go to stderr
    return result.err


def test_a_valid_stack_passes_with_a_summary(repo: Repo) -> None:
    repo.write("assistants/helper.yaml", ASSISTANT)
    result = repo.validate()
    assert result.code == 0, result.err
    assert "valid: stack 'test', 1 assistant, 0 files" in result.err


def test_all_problems_are_reported_at_once_with_file_and_line(repo: Repo) -> None:
    repo.write("assistants/a.yaml", "kind: assistant\nname: a\nmodel: gpt-4o\nmodle: x\n")
    repo.write("assistants/b.yaml", "kind: assistant\nname: B!\nmodel: gpt-4o\n")
    err = invalid(repo)
    assert "assistants/a.yaml:4: error: unknown field `modle` in assistant" in err
    assert "hint: did you mean `model`?" in err
    assert "assistants/b.yaml:2: error: `name` 'B!' does not match" in err
    assert "2 errors, 0 warnings: the stack is not valid" in err


def test_malformed_yaml_names_its_line(repo: Repo) -> None:
    repo.write("assistants/bad.yaml", "kind: assistant\nname: a\nmodel: [gpt-4o\n")
    assert "assistants/bad.yaml:4: error: invalid YAML" in invalid(repo)


def test_yaml_bomb_is_refused(repo: Repo) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    repo.write("assistants/bomb.yaml", "\n".join(lines) + "\n")
    assert "refused: the YAML expands to more than" in invalid(repo)


def test_duplicate_keys(repo: Repo) -> None:
    repo.write("assistants/dup.yaml", ASSISTANT + "model: gpt-4o-mini\n")
    assert "assistants/dup.yaml:5: error: duplicate key 'model' (first on line 3)" in invalid(repo)


def test_unknown_nested_field_suggests_the_nearest(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "tools:\n  - type: file_search\n    file_serch: {}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:7: error: unknown field `file_serch` in tools[0]" in err
    assert "did you mean `file_search`?" in err


def test_wrong_types_say_what_was_expected(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "temperature: hot\nprotect: 'yes'\nmetadata: {version: 2}\n")
    err = invalid(repo)
    assert "`temperature` must be a number, not a string" in err
    assert "`protect` must be true or false, not a string" in err
    assert "`metadata.version` must be a string, not a number" in err
    assert "hint: quote it" in err


def test_a_missing_model_and_an_unknown_kind(repo: Repo) -> None:
    repo.write("assistants/a.yaml", "kind: assistant\nname: a\n---\nkind: assitant\nname: b\n")
    err = invalid(repo)
    assert "assistants/a.yaml:1: error: assistant needs `model`" in err
    assert "assistants/a.yaml:4: error: unknown kind 'assitant'" in err
    assert "did you mean `assistant`?" in err


def test_both_instructions_and_instructions_file(repo: Repo) -> None:
    repo.write("assistants/prompt.md", "Be kind.\n")
    repo.write("assistants/a.yaml", ASSISTANT + "instructions_file: prompt.md\n")
    assert "both `instructions` and `instructions_file` are set" in invalid(repo)


def test_missing_instructions_file(repo: Repo) -> None:
    repo.write("assistants/a.yaml", "kind: assistant\nname: a\nmodel: m\ninstructions_file: nope.md\n")
    assert "assistants/a.yaml:4: error: 'nope.md' does not exist (assistants/nope.md)" in invalid(repo)


def test_instructions_over_the_limit_inline_and_from_a_file(repo: Repo) -> None:
    long_text = "x" * (limits.INSTRUCTIONS_MAX + 1)
    repo.write("assistants/a.yaml", f"kind: assistant\nname: a\nmodel: m\ninstructions: {long_text}\n")
    repo.write("assistants/long.md", long_text)
    repo.write("assistants/b.yaml", "kind: assistant\nname: b\nmodel: m\ninstructions_file: long.md\n")
    err = invalid(repo)
    assert "`instructions` is 256,001 characters; the API allows at most 256,000" in err
    assert "assistants/long.md holds 256,001 characters of instructions" in err
    assert len(err) < 5_000  # the text itself is never echoed


def test_a_glob_that_matches_nothing(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [code_interpreter]\nfiles:\n  code_interpreter: [data/*.csv]\n")
    err = invalid(repo)
    assert "assistants/a.yaml:7: error: 'data/*.csv' matches no file" in err
    assert "relative to the manifest's folder (assistants/)" in err


def test_an_empty_file_a_glob_matches_is_refused_with_the_manifest_line(repo: Repo) -> None:
    repo.write("kb/full.md", "# Full\n")
    repo.write("kb/empty.md", "")
    repo.write("assistants/kb.yaml", "kind: vector_store\nname: kb\nfiles: [../kb/*.md]\n")
    err = invalid(repo)
    assert "assistants/kb.yaml:3: error: kb/empty.md is empty (0 bytes); the API cannot index an empty file" in err
    assert "full.md" not in err


def test_a_path_that_leaves_the_repository(repo: Repo) -> None:
    (repo.root.parent / "secret.md").write_text("outside\n")
    repo.write("assistants/a.yaml", ASSISTANT + "files:\n  file_search: [../../secret.md]\n")
    assert "'../../secret.md' leaves the repository" in invalid(repo)


def test_a_symlink_that_leaves_the_repository(repo: Repo) -> None:
    outside = repo.root.parent / "elsewhere.md"
    outside.write_text("outside\n")
    (repo.root / "knowledge").mkdir()
    os.symlink(outside, repo.root / "knowledge" / "link.md")
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nfiles:\n  file_search: [../knowledge/*.md]\n")
    assert "knowledge/link.md is a symlink to" in invalid(repo)


def test_a_file_over_512_mb_is_checked_by_size(repo: Repo) -> None:
    big = repo.root / "data" / "big.csv"
    big.parent.mkdir()
    with big.open("wb") as handle:
        handle.truncate(513 * 1024 * 1024)  # sparse: no disk used, never read
    repo.write("assistants/a.yaml", ASSISTANT + CODE_FILES.format("../data/big.csv"))
    assert "data/big.csv is 537,919,488 bytes, over the API's 512 MB per file" in invalid(repo)


def test_an_unsupported_extension_for_its_tool(repo: Repo) -> None:
    repo.write("data/table.csv", "a,b\n1,2\n")
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nfiles:\n  file_search: [../data/table.csv]\n")
    err = invalid(repo)
    assert "data/table.csv: file_search does not accept .csv" in err


def test_an_invalid_function_name(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "tools:\n  - type: function\n    function: {name: get weather}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:7: error: `tools[0].function.name` 'get weather' does not match" in err
    assert "function names use only a-z, A-Z, 0-9" in err


def test_parameters_that_are_not_a_json_schema(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + """\
tools:
  - type: function
    function:
      name: f
      parameters: {type: object, properties: {x: {type: strin}}}
""")
    err = invalid(repo)
    assert "assistants/a.yaml:9: error: function 'f': parameters is not a valid JSON Schema at properties/x/type" in err


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}, "required": []},
         "parameters.a is optional, but strict mode requires every property"),
        ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
         "parameters needs `additionalProperties: false` under strict mode"),
        ({"type": "object", "additionalProperties": False, "required": ["a"],
          "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}}},
         "parameters.a needs `additionalProperties: false` under strict mode"),
        ({"type": "object", "additionalProperties": False, "required": ["a"],
          "properties": {"a": {"type": "string", "minLength": 2}}},
         "parameters.a uses `minLength`, which strict mode does not support"),
        ({"type": "object", "additionalProperties": False, "required": ["a"],
          "properties": {"a": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
         "parameters.a uses `oneOf`, which strict mode does not support"),
    ],
)
def test_strict_functions_follow_structured_outputs_rules(repo: Repo, parameters: dict, expected: str) -> None:
    repo.write("schemas/p.json", json.dumps(parameters))
    repo.write("assistants/a.yaml", ASSISTANT + """\
tools:
  - type: function
    function: {name: f, strict: true, parameters: {$ref: ../schemas/p.json}}
""")
    assert expected in invalid(repo)


def test_the_same_schema_without_strict_is_fine(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + """\
tools:
  - type: function
    function: {name: f, parameters: {type: object, properties: {a: {type: string}}}}
""")
    assert repo.validate().code == 0


def test_129_tools(repo: Repo) -> None:
    tools = "".join(f"  - {{type: function, function: {{name: f{i}}}}}\n" for i in range(129))
    repo.write("assistants/a.yaml", ASSISTANT + "tools:\n" + tools)
    err = invalid(repo)
    assert "`tools` has 129 items; the limit is 128" in err


def test_21_code_interpreter_files(repo: Repo) -> None:
    for i in range(21):
        repo.write(f"data/t{i:02}.csv", "a\n1\n")
    repo.write("assistants/a.yaml", ASSISTANT + CODE_FILES.format("../data/*.csv"))
    assert "helper attaches 21 files to code_interpreter; the API allows at most 20" in invalid(repo)


def test_17_metadata_keys_and_the_tools_own_tags(repo: Repo) -> None:
    keys = "".join(f"  k{i}: v\n" for i in range(17))
    repo.write("assistants/a.yaml", ASSISTANT + "metadata:\n" + keys)
    repo.write("assistants/b.yaml", "kind: vector_store\nname: kb\nmetadata: {aac-stack: mine}\n")
    err = invalid(repo)
    assert f"`metadata` has 17 keys; the limit is {limits.USER_METADATA_PAIRS_MAX}" in err
    assert f"the tool writes {len(TAGS)} tags of its own" in err
    assert "metadata key 'aac-stack' is one of the tool's own tags" in err


def test_user_metadata_up_to_the_limit_is_fine(repo: Repo) -> None:
    keys = "".join(f"  k{i}: v\n" for i in range(limits.USER_METADATA_PAIRS_MAX))
    repo.write("assistants/a.yaml", ASSISTANT + "metadata:\n" + keys)
    assert repo.validate().code == 0


def test_two_manifests_with_one_name(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT)
    repo.write("assistants/nested/b.yml", ASSISTANT)
    err = invalid(repo)
    assert "assistants/nested/b.yml:2: error: another assistant is already named 'helper' (assistants/a.yaml:2)" in err


def test_a_schema_error_in_one_manifest_hides_no_duplicate_name(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT)
    repo.write("assistants/b.yaml", ASSISTANT.replace("model:", "modle:"))
    err = invalid(repo)
    assert "assistants/b.yaml:3: error: unknown field `modle`" in err
    assert "assistants/b.yaml:2: error: another assistant is already named 'helper' (assistants/a.yaml:2)" in err


def test_a_misspelt_vector_store_suggests_the_nearest_name_at_its_line(repo: Repo) -> None:
    repo.write("kb/a.md", "# A\n")
    repo.write("assistants/kb.yaml", "kind: vector_store\nname: docs\nfiles: [../kb/a.md]\n")
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nvector_store: doc\n")
    err = invalid(repo)
    assert "assistants/a.yaml:6: error: helper names vector store 'doc', and no vector_store manifest" in err
    assert "hint: did you mean `docs`?" in err


def test_an_assistants_own_store_colliding_with_a_vector_store_manifest(repo: Repo) -> None:
    repo.write("kb/a.md", "# A\n")
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nfiles:\n  file_search: [../kb/*.md]\n"
               "---\nkind: vector_store\nname: helper\nfiles: [../kb/a.md]\n")
    assert "assistant 'helper' has its own files.file_search store, and a vector_store manifest" in invalid(repo)


def test_a_vector_store_that_does_not_exist(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nvector_store: kb\n")
    err = invalid(repo)
    assert "helper names vector store 'kb', and no vector_store manifest has that name" in err


def test_vector_store_together_with_files_file_search(repo: Repo) -> None:
    repo.write("kb/a.md", "# A\n")
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [file_search]\nvector_store: kb\n"
               "files:\n  file_search: [../kb/a.md]\n---\nkind: vector_store\nname: kb\nfiles: [../kb/a.md]\n")
    assert "helper sets both `vector_store` and `files.file_search`" in invalid(repo)


def test_a_non_utf8_manifest(repo: Repo) -> None:
    (repo.root / "assistants" / "a.yaml").write_bytes(b"kind: assistant\nname: a\nmodel: caf\xe9\n")
    assert "assistants/a.yaml:3: error: the file is not UTF-8" in invalid(repo)


def test_chunk_overlap_over_half_the_chunk(repo: Repo) -> None:
    repo.write("kb/a.md", "# A\n")
    repo.write("assistants/kb.yaml", """\
kind: vector_store
name: kb
files: ../kb/*.md
chunking_strategy: {type: static, static: {max_chunk_size_tokens: 800, chunk_overlap_tokens: 500}}
""")
    assert "chunk_overlap_tokens (500) is over half of max_chunk_size_tokens (800)" in invalid(repo)


def test_v1_retrieval_loads_with_a_warning(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "tools: [retrieval]\n")
    result = repo.validate()
    assert result.code == 0
    assert ("warning: tool type `retrieval` was renamed `file_search` in Assistants v2; loading it as "
            "`file_search`") in result.err


def test_validate_never_needs_a_target_key(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    repo.write("aac.yaml", "stack: test\ndefault_target: openai\ntargets:\n  openai: {type: openai}\n")
    repo.write("assistants/a.yaml", ASSISTANT)
    assert repo.validate().code == 0


def test_no_stack_file_says_how_to_start_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Repo(tmp_path, capsys)
    err = invalid(repo)
    assert "aac.yaml: error: no aac.yaml in" in err
    assert "aac init" in err


def test_a_strict_json_schema_response_format_follows_the_same_rules(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + """\
response_format:
  type: json_schema
  json_schema:
    name: answer
    strict: true
    schema: {type: object, properties: {text: {type: string}}, required: [text]}
""")
    expected = "assistants/a.yaml:5: error: response_format: json_schema.schema needs `additionalProperties: false`"
    assert expected in invalid(repo)


def test_a_shape_error_does_not_hide_the_deeper_problems_of_the_same_manifest(repo: Repo) -> None:
    repo.write("assistants/a.yaml", ASSISTANT + "colour: red\ntemperature: hot\nfiles:\n  file_search: [none/*.md]\n")
    err = invalid(repo)
    assert "unknown field `colour`" in err
    assert "`temperature` must be a number" in err
    assert "'none/*.md' matches no file" in err
