"""load_desired / require_valid: what the manifests turn into, for plan and apply."""

from __future__ import annotations

import io

import pytest
from tests.manifest.conftest import Repo

from aac.desired import load_desired, require_valid
from aac.errors import ValidationFailed
from aac.output import Output
from aac.stack import load_stack

WEATHER = """\
kind: assistant
name: weather
display_name: Weather Bot
model: gpt-4o
instructions_file: prompts/weather.md
tools:
  - code_interpreter
  - type: file_search
    file_search: {max_num_results: 8}
  - type: function
    function:
      name: getCurrentWeather
      parameters: {$ref: ../schemas/weather.json}
files:
  code_interpreter: ["../data/*.csv", "../data/a.csv"]
  file_search: ["../kb/**/*.md"]
temperature: 1
"""


@pytest.fixture
def weather(repo: Repo) -> Repo:
    repo.write("assistants/prompts/weather.md", "Tell the weather.\n")
    repo.write("schemas/weather.json", '{"type": "object", "properties": {"location": {"type": "string"}}}')
    repo.write("data/b.csv", "x\n")
    repo.write("data/a.csv", "x\n")
    repo.write("kb/deep/er/z.md", "# z\n")
    repo.write("kb/a.md", "# a\n")
    repo.write("assistants/weather.yaml", WEATHER)
    return repo


def test_an_assistant_in_api_shape(weather: Repo) -> None:
    desired, problems = load_desired(load_stack(weather.root))
    assert problems == []
    spec = desired.assistants["weather"]
    assert spec.instructions == "Tell the weather.\n"
    assert spec.tools == (
        {"type": "code_interpreter"},
        {"type": "file_search", "file_search": {"max_num_results": 8}},
        {"type": "function", "function": {"name": "getCurrentWeather", "parameters": {
            "type": "object", "properties": {"location": {"type": "string"}}}}},
    )
    assert spec.code_interpreter_files == ("data/a.csv", "data/b.csv")  # sorted, unique
    assert spec.temperature == 1.0
    assert spec.source is not None and spec.source.path == "assistants/weather.yaml"


def test_files_file_search_becomes_the_assistants_own_store(weather: Repo) -> None:
    desired, _ = load_desired(load_stack(weather.root))
    store = desired.vector_stores["weather"]
    assert desired.assistants["weather"].vector_store == "weather"
    assert store.owner == "weather"
    assert store.display_name == "Weather Bot files"
    assert store.files == ("kb/a.md", "kb/deep/er/z.md")
    assert sorted(desired.files) == ["data/a.csv", "data/b.csv", "kb/a.md", "kb/deep/er/z.md"]
    local = desired.files["kb/a.md"]
    assert local.size == 4 and local.abspath.read_bytes() == b"# a\n"


def test_a_shared_store_is_referenced_by_name(repo: Repo) -> None:
    repo.write("kb/a.md", "# a\n")
    repo.write("assistants/all.yaml", """\
kind: vector_store
name: kb
files: [../kb/a.md]
---
kind: assistant
name: bot
model: gpt-4o
tools: [retrieval]
vector_store: kb
""")
    desired, problems = load_desired(load_stack(repo.root))
    assert [p.severity for p in problems] == ["warning"]
    assert desired.assistants["bot"].vector_store == "kb"
    assert desired.assistants["bot"].tools == ({"type": "file_search"},)
    kb = desired.vector_stores["kb"]
    assert kb.owner is None and kb.display_name == "kb" and kb.files == ("kb/a.md",)


def test_the_digest_follows_referenced_schemas_and_instructions(weather: Repo) -> None:
    stack = load_stack(weather.root)
    first = load_desired(stack)[0].manifest_digest
    assert first.startswith("sha256:") and load_desired(stack)[0].manifest_digest == first
    weather.write("schemas/weather.json", '{"type": "object"}')
    second = load_desired(stack)[0].manifest_digest
    weather.write("assistants/prompts/weather.md", "Tell the weather, briefly.\n")
    third = load_desired(stack)[0].manifest_digest
    assert len({first, second, third}) == 3


def test_the_digest_ignores_attached_file_contents(weather: Repo) -> None:
    """Attached files are hashed by the planner; the digest covers what the manifests say."""
    stack = load_stack(weather.root)
    before = load_desired(stack)[0].manifest_digest
    weather.write("kb/a.md", "# changed\n")
    assert load_desired(stack)[0].manifest_digest == before


def test_problems_come_back_and_what_loads_still_loads(repo: Repo) -> None:
    repo.write("assistants/good.yaml", "kind: assistant\nname: good\nmodel: m\n")
    repo.write("assistants/bad.yaml", "kind: assistant\nname: bad\nmodel: m\ncolour: red\n")
    desired, problems = load_desired(load_stack(repo.root))
    assert list(desired.assistants) == ["good"]
    assert [(p.path, p.line, p.severity) for p in problems] == [("assistants/bad.yaml", 4, "error")]


def test_require_valid_warns_and_raises_on_errors(repo: Repo) -> None:
    repo.write("assistants/a.yaml", "kind: assistant\nname: a\nmodel: m\ntools: [retrieval]\n")
    err = io.StringIO()
    desired = require_valid(load_stack(repo.root), Output(stdout=io.StringIO(), stderr=err))
    assert "a" in desired.assistants
    # as validate says it
    assert "assistants/a.yaml:4: warning: tool type `retrieval` was renamed `file_search`" in err.getvalue()
    repo.write("assistants/b.yaml", "kind: assistant\nname: b\n")
    with pytest.raises(ValidationFailed) as caught:
        require_valid(load_stack(repo.root), Output(stdout=io.StringIO(), stderr=io.StringIO()))
    assert [p.message for p in caught.value.problems if p.severity == "error"] == ["assistant needs `model`"]


def test_a_yaml_parameters_ref_with_a_pointer(repo: Repo) -> None:
    repo.write("schemas/all.yaml", "defs:\n  loc: {type: object, properties: {city: {type: string}}}\n")
    repo.write("assistants/a.yaml", """\
kind: assistant
name: a
model: m
tools:
  - {type: function, function: {name: f, parameters: {$ref: "../schemas/all.yaml#/defs/loc"}}}
""")
    desired, problems = load_desired(load_stack(repo.root))
    assert problems == []
    assert desired.assistants["a"].tools[0]["function"]["parameters"]["properties"] == {"city": {"type": "string"}}
