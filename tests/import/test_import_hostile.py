"""What a server returns is data: names, filenames, descriptions, metadata and instructions go into the
manifests `aac import` writes as YAML values (or escaped, in comments), so the manifests load back to exactly
the live objects; and no name a server returns makes import write a byte outside the repository.

A loopback proxy in front of the sandbox plays a hostile server where the sandbox (rightly) refuses the
value: function names that are paths, filenames with raw line breaks, a lone surrogate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli
from tests.sdk_http import serving

from aac.canonical import user_metadata
from aac.desired import load_desired
from aac.identity import owner_of
from aac.stack import load_stack

from .conftest import KEY_ENV, STACK, aim, proxied

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

JSON = dict[str, Any]
Rewrite = Callable[[JSON], JSON]

# Every line break YAML or a terminal knows, other controls, bidirectional marks, and what YAML reads as
# structure: each followed by text that would be manifest content if the break ended a comment or a value.
HOSTILE = [
    "lf\nexpires_after: {anchor: last_active_at, days: 1}",
    "cr\rchecks: [{query: x, expect: [y]}]",
    "crlf\r\nprotect: true",
    "nel\x85metadata: {a: b}",
    "ls\u2028display_name: x",
    "ps\u2029model: gpt-4o-mini",
    "vt\vtab\there",
    "ff\fform feed",
    "esc\x1b[31mred\x1b[0m",
    "c1\x9b31m and del\x7f",
    "bidi \u202eoverride\u202c \u2066isolate\u2069",
    "zero\u200bwidth \ufefffeff",
    "# not a comment",
    "key: value",
    "---",
    "...",
    "   leading spaces",
    "trailing spaces   ",
    "!!python/object/apply:os.system ['true']",
    "&anchor *alias",
    "- item",
    "{flow: map}",
    "'single' \"double\" `back`",
    "é ünïcødé 💥 \U000e0041",
    "null",
    "0o17",
    # Literal blocks: a final line feed kept or not, blank lines, indentation on the first line.
    "ends with a line feed\n",
    "two line feeds\n\n",
    "\n  indented after a line feed",
    "mixed\r\nbreaks\nand\rmore\x85still\u2028",
    # Names that would be paths, were a name used as one (keys are slugs of names).
    "../../../../outside/x",
    "/tmp/aac-import-absolute/y",
    "C:\\Windows\\z",
    "..",
    "nul\x00byte",
]


def _serve(aac: Cli, sandbox: Any, rewrite: Rewrite) -> Iterator[None]:
    with serving(proxied(sandbox.base_url, lambda obj, listed: rewrite(obj))) as base_url:
        aim(aac, base_url)
        yield


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


def _untagged(client: openai.OpenAI) -> bool:
    objects = [*client.beta.assistants.list(), *client.vector_stores.list(), *client.beta.agents.list(),
               *client.beta.agents.vaults.list()]
    return all(owner_of(o.metadata) is None for o in objects)


def _one_error(err: str, says: str) -> None:
    """One error line saying `says`, then one hint line, and nothing after: a name cannot add lines."""
    lines = err.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(("error: ", "assistants/")))
    assert says in lines[first] and lines[first + 1].lstrip().startswith("hint: "), err
    assert all(line.startswith(("error: ", "hint: ")) for line in lines[first + 2:]), err


# -- names that would be paths -------------------------------------------------------------------------------

PATH_NAMES = ["../../../../outside/x", "/tmp/aac-import-absolute/x", "a\x00b", "a\\..\\..\\b", "C:\\Windows\\x",
              "C:x", "..", ".", "x\ny", "lf-at-end\n", "name.json", "é", "a" * 65, ""]


def _rename_functions(name: str) -> Rewrite:
    def rewrite(obj: JSON) -> JSON:
        for tool in obj.get("tools") or []:
            if isinstance(tool.get("function"), dict) and tool["function"].get("name") == "get_weather":
                tool["function"]["name"] = name  # an assistant's function
            if tool.get("name") == "get_weather":
                tool["name"] = name  # an agent's
        return obj
    return rewrite


@pytest.mark.parametrize("kind", ["assistant", "agent"])
@pytest.mark.parametrize("name", PATH_NAMES)
def test_a_function_name_that_is_no_name_is_refused_and_nothing_is_written(
        aac: Cli, client: openai.OpenAI, sandbox: Any, tmp_path: Path, kind: str, name: str) -> None:
    parameters = {"type": "object", "properties": {"city": {"type": "string"}}}
    if kind == "assistant":
        client.beta.assistants.create(model="gpt-4o", name="Weather", tools=[
            {"type": "function", "function": {"name": "get_weather", "parameters": parameters}}])
    else:
        client.beta.agents.create(model="gpt-5.1", name="Weather", tools=[
            {"type": "function", "name": "get_weather", "description": "The weather", "parameters": parameters}])
    before = _files_under(tmp_path)
    for _ in _serve(aac, sandbox, _rename_functions(name)):
        result = aac("import", "--all", "--auto-approve")
    assert result.code == 1, result.out
    _one_error(result.err, "has a function named")
    assert _files_under(tmp_path) == before
    assert not Path("/tmp/aac-import-absolute").exists()
    assert _untagged(client)


# -- folders that lead outside ---------------------------------------------------------------------------------

def _weather(client: openai.OpenAI) -> None:
    client.beta.assistants.create(model="gpt-4o", name="Weather", instructions="Say the weather.", tools=[
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}])


@pytest.mark.parametrize(("link", "args"), [
    ("assistants/out", ("--out", "assistants/out")),
    ("assistants/out", ("--out", "assistants/out/deeper")),
    ("assistants/out", ("--out", "assistants/out/../out/x")),
    ("schemas", ()),  # the function schemas' folder
    ("schemas/functions", ()),
])
def test_a_folder_linked_outside_the_repository_receives_nothing(
        aac: Cli, client: openai.OpenAI, tmp_path: Path, link: str, args: tuple[str, ...]) -> None:
    _weather(client)
    outside = tmp_path / "outside"
    outside.mkdir()
    (aac.root / link).parent.mkdir(parents=True, exist_ok=True)
    (aac.root / link).symlink_to(outside)
    before = _files_under(aac.root)

    result = aac("import", "--all", "--auto-approve", *args)

    assert result.code == 1 and "unexpected" not in result.err, result.err
    _one_error(result.err, "outside the repository")
    assert os.listdir(outside) == []
    assert _files_under(aac.root) == before
    assert _untagged(client)


def test_the_default_import_folder_linked_outside_is_refused_by_name(
        aac: Cli, client: openai.OpenAI, tmp_path: Path) -> None:
    _weather(client)
    outside = tmp_path / "outside"
    outside.mkdir()
    (aac.root / "assistants" / "imported").symlink_to(outside)

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 1 and "unexpected" not in result.err and "KeyError" not in result.err, result.err
    assert "assistants/imported is a symlink to" in result.err and "outside the repository" in result.err
    assert os.listdir(outside) == [] and _untagged(client)


@pytest.mark.parametrize(("linked", "args", "written"), [
    ("assistants/imported", (), "weather.yaml"),
    ("assistants/hand", ("--out", "assistants/hand"), "weather.yaml"),
    ("assistants", (), "imported/weather.yaml"),  # the manifests folder itself
])
def test_a_folder_linked_inside_the_repository_is_written_through_and_loads_back(
        aac: Cli, client: openai.OpenAI, linked: str, args: tuple[str, ...], written: str) -> None:
    _weather(client)
    real = aac.root / "elsewhere" / "manifests"
    real.parent.mkdir(parents=True)
    if (aac.root / linked).is_dir():
        (aac.root / linked).rename(real)
    else:
        real.mkdir()
    (aac.root / linked).symlink_to(os.path.relpath(real, (aac.root / linked).parent))

    result = aac("import", "--all", "--auto-approve", *args)

    assert result.code == 0, result.err
    assert _files_under(real) == [written]
    assert (aac.root / "schemas/functions/get_weather.json").is_file()
    assert aac("validate").code == 0
    assert aac("plan", "--detailed-exitcode").code == 0


def test_an_out_folder_outside_the_manifests_folder_is_refused_as_before(aac: Cli, client: openai.OpenAI) -> None:
    _weather(client)
    for out in ("elsewhere", "/tmp", "assistants/../elsewhere"):
        result = aac("import", "--all", "--auto-approve", "--out", out)
        assert result.code == 1 and "is outside the manifests folder assistants/" in result.err, result.err
    assert _files_under(aac.root) == ["aac.yaml"] and _untagged(client)


# -- values that would be structure ----------------------------------------------------------------------------

def _filenames(names: dict[str, str]) -> Rewrite:
    """A server that keeps a filename as the upload sent it: raw line breaks included (multipart allows them)."""
    def rewrite(obj: JSON) -> JSON:
        if obj.get("object") == "file" and obj.get("id") in names:
            obj["filename"] = names[obj["id"]]
        return obj
    return rewrite


def _hand_made(client: openai.OpenAI) -> tuple[dict[str, str], str]:
    """Objects of every kind holding the hostile strings; the uploads' hostile filenames, and the KB's id."""
    uploads = {client.files.create(file=(f"doc-{i}.md", f"text {i}\n".encode()), purpose="assistants").id:
               f"{text}.md" for i, text in enumerate(HOSTILE)}
    kb = client.vector_stores.create(name="Hand-made KB", file_ids=list(uploads)[:-1])
    long = "\n".join(HOSTILE * 2)  # past 40 lines: written to KEY.instructions.md, as the server has it
    client.beta.assistants.create(model="gpt-4o", name="Long", instructions=long)
    client.beta.agents.create(model="gpt-5.1", name="Long", instructions=long)
    code_file = list(uploads)[-1]
    parameters = {"type": "object", "properties": {"q": {"type": "string"}}}
    for i, text in enumerate(HOSTILE):
        client.vector_stores.create(name=text, metadata={text: text})
        client.beta.assistants.create(
            model="gpt-4o", name=text, description=text, instructions=text, metadata={text: text},
            tools=[{"type": "function", "function": {"name": f"lookup_{i}", "description": text,
                                                     "parameters": parameters}}, {"type": "code_interpreter"}],
            tool_resources={"code_interpreter": {"file_ids": [code_file]}})
        client.beta.agents.create(model="gpt-5.1", name=text, instructions=text, metadata={text: text}, tools=[
            {"type": "function", "name": f"lookup_{i}", "description": text, "parameters": parameters}])
    vault = client.beta.agents.vaults.create(name="Hostile vault", metadata={HOSTILE[0]: HOSTILE[1]})
    for text in HOSTILE:
        client.beta.agents.vaults.credentials.create(vault.id, name=text, metadata={text: text}, auth={
            "type": "static_bearer", "token": "hand-made-token-0123456789", "mcp_server_url": "https://mcp.example.com/"})
    return uploads, kb.id


def _keyed(objects: Any) -> dict[str, Any]:
    """This stack's objects by manifest key (its tags say which), as the sandbox holds them."""
    return {owner[1]: o for o in objects if (owner := owner_of(o.metadata)) is not None and owner[0] == STACK}


def test_imported_manifests_load_back_to_exactly_the_live_objects(
        aac: Cli, client: openai.OpenAI, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    uploads, kb_id = _hand_made(client)
    for _ in _serve(aac, sandbox, _filenames(uploads)):
        result = aac("import", "--all", "--auto-approve")
        assert result.code == 0, result.err
        monkeypatch.setenv(KEY_ENV, "sk-test")
        assert aac("plan", "--detailed-exitcode").code == 0

    desired, problems = load_desired(load_stack(aac.root))  # aac's own loader
    assert [p for p in problems if p.severity == "error"] == []
    stores = _keyed(client.vector_stores.list(limit=100))
    assistants = _keyed(client.beta.assistants.list(limit=100))
    agents = _keyed(client.beta.agents.list(limit=100))
    assert len(assistants) == len(agents) == len(stores) == len(HOSTILE) + 1
    for key, live in stores.items():
        spec = desired.vector_stores[key]
        assert (spec.display_name, dict(spec.metadata)) == (live.name, user_metadata(live.metadata))
        # A filename's line break ended no comment: nothing but what the store holds is declared.
        assert (spec.expires_after, spec.checks, spec.protect, spec.chunking_strategy) == (None, (), False, None)
    kb = next(spec for spec in desired.vector_stores.values() if spec.display_name == "Hand-made KB")
    assert list(kb.file_ids) == sorted(f.id for f in client.vector_stores.files.list(kb_id, limit=100))
    for key, live in assistants.items():
        spec = desired.assistants[key]
        assert (spec.display_name, spec.description, spec.instructions, dict(spec.metadata)) == \
            (live.name, live.description, live.instructions, user_metadata(live.metadata))
        assert [t["function"]["description"] for t in spec.tools if t["type"] == "function"] == \
            [t.function.description for t in live.tools if t.type == "function"]
        if live.name != "Long":
            assert list(spec.code_interpreter_ids) == live.tool_resources.code_interpreter.file_ids
    for key, live in agents.items():
        spec = desired.of("agent")[key]
        assert (spec.display_name, spec.instructions, dict(spec.metadata)) == \
            (live.name, live.instructions, user_metadata(live.metadata))
        assert [t["description"] for t in spec.tools] == [t.description for t in live.tools]
    vault = next(iter(_keyed(client.beta.agents.vaults.list()).values()))
    credentials = {c.name: c for c in client.beta.agents.vaults.credentials.list(vault.id)}
    declared = {spec.display_name: spec for spec in desired.of("credential").values()}
    assert declared.keys() == credentials.keys() and len(declared) == len(HOSTILE)
    for name, spec in declared.items():
        assert dict(spec.metadata) == user_metadata(credentials[name].metadata)
    # Each filename is in a comment, on its one line, escaped.
    folders = {p.parent.relative_to(aac.root).as_posix() for p in aac.root.rglob("*") if p.is_file()}
    assert folders - {".aac"} == {".", "assistants/imported", "schemas/functions"}, folders
    assert not Path("/tmp/aac-import-absolute").exists()
    assert sorted(p.name for p in (aac.root / "assistants/imported").glob("*.md")) == \
        ["long-2.instructions.md", "long.instructions.md"]
    text = "".join(p.read_text(encoding="utf-8") for p in (aac.root / "assistants/imported").glob("*.yaml"))
    assert "lf\\nexpires_after" in text and "nel\\u0085metadata" in text and "ls\\u2028display_name" in text


def test_a_value_no_manifest_can_hold_refuses_the_import_and_writes_nothing(
        aac: Cli, client: openai.OpenAI, sandbox: Any, tmp_path: Path) -> None:
    client.beta.assistants.create(model="gpt-4o", name="Fine", instructions="Fine.")
    odd = client.beta.assistants.create(model="gpt-4o", name="Odd", instructions="half a pair: X")

    def surrogate(obj: JSON) -> JSON:
        if obj.get("id") == odd.id:
            obj["instructions"] = "half a pair: \ud800"
            obj["metadata"] = {"k\udfff": "v"}
        return obj

    before = _files_under(tmp_path)
    for _ in _serve(aac, sandbox, surrogate):
        result = aac("import", "--all", "--auto-approve")
    assert result.code == 1
    _one_error(result.err, f"assistant {odd.id} holds a lone surrogate")
    assert _files_under(tmp_path) == before and _untagged(client)
