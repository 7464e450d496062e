"""A newcomer's mistakes in the example stack's manifests, through `aac validate` and `aac plan` against the
sandbox: a misspelt path gets the closest one that exists, a value of the wrong type or range gets what the
field takes, and a misspelt tool type is offered only the tool types of today."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from tests.cli_harness import Cli
from tests.test_plan_cli import example

from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")

MATH = "assistants/math-tutor.yaml"
SUPPORT = "assistants/support/customer-support.yaml"
WEATHER = "assistants/weather-bot.yaml"
AGENT = "assistants/agents/weather-agent.yaml"


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    """The example stack, with a target `remote` on the test's sandbox."""
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    monkeypatch.delenv("AAC_TARGET", raising=False)
    return Cli(example(tmp_path, sandbox.base_url), capsys)


def _edit(root: Path, manifest: str, old: str, new: str, *, newline: str = "\n") -> None:
    path = root / manifest
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_bytes(text.replace(old, new).replace("\n", newline).encode("utf-8"))


def _run(aac: Cli, sandbox: RunningSandbox, command: str) -> tuple[int, str]:
    """`aac validate`, or `aac plan` against the sandbox, which must then make no request at all."""
    sandbox.reset_counts()
    result = aac(command) if command == "validate" else aac("--target", "remote", command)
    assert command == "validate" or sandbox.requests == 0
    return result.code, result.err


# The manifest, the path as the example writes it, the misspelt path, the path the hint must offer.
PATH_TYPOS = {
    "instructions_file": (SUPPORT, "../prompts/customer-support.md", "../prompts/customer-suport.md",
                          "../prompts/customer-support.md"),
    "a plain path in code_interpreter": (MATH, "../data/*.csv", "../data/quadratic.csv", "../data/quadratics.csv"),
    "a folder in a ** glob": (SUPPORT, "../../knowledge/**/*.md", "../../knowlege/**/*.md",
                              "../../knowledge/**/*.md"),
    "two folders in a glob": (SUPPORT, "../../knowledge/policies/*.pdf", "../../knowlege/polices/*.pdf",
                              "../../knowledge/policies/*.pdf"),
    "a glob's extension": (MATH, "../data/*.csv", "../data/*.cvs", "../data/*.csv"),
    "a ** glob's extension": (SUPPORT, "../../knowledge/**/*.md", "../../knowledge/**/*.mdx",
                              "../../knowledge/**/*.md"),
    "a folder's case": (MATH, "../data/*.csv", "../Data/quadratics.csv", "../data/quadratics.csv"),
    "an assistant's $ref": (WEATHER, "../schemas/functions/get_nickname.json",
                            "../schemas/functions/get_nickame.json", "../schemas/functions/get_nickname.json"),
    "an agent's $ref": (AGENT, "../../schemas/functions/get_current_weather.json",
                        "../../schema/functions/get_current_weather.json",
                        "../../schemas/functions/get_current_weather.json"),
}


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize("case", PATH_TYPOS)
def test_a_misspelt_path_gets_the_closest_that_exists(aac: Cli, sandbox: RunningSandbox, case: str,
                                                      command: str) -> None:
    manifest, written, typo, meant = PATH_TYPOS[case]
    _edit(aac.root, manifest, written, typo)

    code, err = _run(aac, sandbox, command)

    assert code == 1
    assert f"hint: did you mean `{meant}`? ({'paths' if case.endswith(('file', '$ref')) else 'globs'} are " \
           "relative to the manifest's folder" in err
    _edit(aac.root, manifest, typo, meant)
    assert aac("validate").code == 0  # the suggestion is one that works


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_a_manifest_with_other_line_breaks_gets_the_same_suggestion(aac: Cli, newline: str) -> None:
    _edit(aac.root, MATH, "../data/*.csv", "../data/quadratic.csv", newline=newline)

    result = aac("validate")

    assert result.code == 1 and "hint: did you mean `../data/quadratics.csv`?" in result.err


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_misspelt_name_beyond_ascii_gets_the_name_on_disk(aac: Cli, form: str) -> None:
    on_disk = "première étape.md"  # NFC, as most tools write it
    (aac.root / "knowledge" / "guides" / on_disk).write_text("# Première étape\nBonjour.\n", encoding="utf-8")
    typo = unicodedata.normalize(form, "../../knowledge/guides/premiere étape.md")
    _edit(aac.root, SUPPORT, "  - ../../knowledge/**/*.md", f"  - ../../knowledge/**/*.md\n  - {typo}")

    result = aac("validate")

    assert result.code == 1 and f"hint: did you mean `../../knowledge/guides/{on_disk}`?" in result.err


@pytest.mark.parametrize(("manifest", "written", "typo", "hint"), [
    (MATH, "../data/*.csv", "../data/zzz-table.csv", "globs are relative to the manifest's folder (assistants/); "
                                                     "check the pattern"),
    (MATH, "../data/*.csv", "../data/*.xlsx", "globs are relative to the manifest's folder (assistants/); "
                                              "check the pattern"),
    (MATH, "../data/*.csv", "../elsewhere/**/*.csv", "globs are relative to the manifest's folder (assistants/); "
                                                     "check the pattern"),
    (SUPPORT, "../prompts/customer-support.md", "../prompts/faq.md", "check the path: it is relative to the "
                                                                     "manifest's folder"),
])
def test_a_path_with_nothing_close_keeps_its_hint(aac: Cli, manifest: str, written: str, typo: str,
                                                 hint: str) -> None:
    _edit(aac.root, manifest, written, typo)

    result = aac("validate")

    assert result.code == 1 and f"hint: {hint}\n" in result.err and "did you mean" not in result.err


def test_a_suggestion_never_leads_out_of_the_repository(aac: Cli, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "quadratics.csv").write_text("a,b,c\n1,2,1\n", encoding="utf-8")
    os.symlink(outside, aac.root / "tables")  # a folder link out of the repository, one letter from the typo
    _edit(aac.root, MATH, "../data/*.csv", "../table/quadratics.csv")

    result = aac("validate")

    assert result.code == 1 and "did you mean" not in result.err and str(outside) not in result.err


STACK = "stack: s\nmanifests: m\ntargets:\n  local: {type: sandbox}\n"
ASSISTANT = "kind: assistant\nname: a\nmodel: gpt-4o\n"
STORE = "kind: vector_store\nname: kb\n"
AGENT_DOC = "kind: agent\nname: g\nmodel: gpt-5.1\n"
MAPPING = "a mapping (`{key: value}`, or `key: value` lines indented below it)"
LIST = "a list (`[a, b]`, or one `- item` a line below it)"

# A manifest, the message and the hint validate prints for it.
TYPE_ERRORS = {
    "a word for a number": (ASSISTANT + 'temperature: "warm"\n', "`temperature` must be a number, not a string",
                            "`temperature` takes a number from 0 to 2"),
    "true for a number": (ASSISTANT + "top_p: true\n", "`top_p` must be a number, not true/false",
                          "`top_p` takes a number from 0 to 1"),
    "a number above the range": (ASSISTANT + "temperature: 2.5\n", "`temperature` is 2.5; it must be at most 2",
                                 "`temperature` takes a number from 0 to 2"),
    "a number below the range": (ASSISTANT + "top_p: -0.1\n", "`top_p` is -0.1; it must be at least 0",
                                 "`top_p` takes a number from 0 to 1"),
    "a word for a whole number": (ASSISTANT + "tools: [{type: file_search, file_search: {max_num_results: ten}}]\n",
                                  "`tools[0].file_search.max_num_results` must be a whole number, not a string",
                                  "`tools[0].file_search.max_num_results` takes a whole number from 1 to 50"),
    "a whole number with no maximum": (
        STORE + "chunking_strategy: {type: static, static: {max_chunk_size_tokens: 800, chunk_overlap_tokens: -1}}\n",
        "`chunking_strategy.static.chunk_overlap_tokens` is -1; it must be at least 0",
        "`chunking_strategy.static.chunk_overlap_tokens` takes a whole number of at least 0"),
    "a word for true or false": (ASSISTANT + 'protect: "yes"\n', "`protect` must be true or false, not a string",
                                 "`protect` takes true or false"),
    "a word for a list": (ASSISTANT + "tools: code_interpreter\n", "`tools` must be a list, not a string",
                          f"`tools` takes {LIST}"),
    "a list for a mapping": (ASSISTANT + "metadata: [team]\n", "`metadata` must be a mapping, not a list",
                             f"`metadata` takes {MAPPING}"),
    "a number for a mapping or its shorthand": (ASSISTANT + "response_format: 5\n",
                                                "`response_format` must be a mapping, not a number",
                                                f"`response_format` takes {MAPPING}, or 'auto'"),
    "a number for a tool": (ASSISTANT + "tools: [5]\n", "`tools[0]` must be a mapping, not a number",
                            f"`tools[0]` takes {MAPPING}, or 'code_interpreter' or 'file_search'"),
    "a number for a glob": (STORE + "files: 3\n", "`files` must be a string or a list, not a number",
                            f"quote it: `files` takes a string or {LIST}"),
    "an agent's whole number": (AGENT_DOC + "multi_agent: {enabled: true, max_concurrent_subagents: 0}\n",
                                "`multi_agent.max_concurrent_subagents` is 0; it must be at least 1",
                                "`multi_agent.max_concurrent_subagents` takes a whole number of at least 1"),
}


@pytest.mark.parametrize("case", TYPE_ERRORS)
def test_a_value_of_the_wrong_type_or_range_says_what_the_field_takes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    manifest, message, hint = TYPE_ERRORS[case]
    (tmp_path / "aac.yaml").write_text(STACK, encoding="utf-8")
    (tmp_path / "m").mkdir()
    (tmp_path / "m/a.yaml").write_text(manifest, encoding="utf-8")

    result = Cli(tmp_path, capsys)("validate")

    assert result.code == 1
    assert f"error: {message}\n    hint: {hint}\n" in result.err


def test_plan_says_what_temperature_takes(aac: Cli, sandbox: RunningSandbox) -> None:
    _edit(aac.root, SUPPORT, "temperature: 0.3", 'temperature: "warm"')

    code, err = _run(aac, sandbox, "plan")

    assert code == 1
    assert ("error: `temperature` must be a number, not a string\n    hint: `temperature` takes a number from "
            "0 to 2\n") in err


# The tool as written, the message and hint validate prints.
TOOL_TYPOS = {
    "typo of the renamed type": (MATH, "  - type: retreival\n", "`tools[1].type` is 'retreival'; expected "
                                 "'code_interpreter' or 'file_search' or 'function'",
                                 "did you mean `file_search`? (`retrieval` was renamed `file_search`)"),
    "shorthand typo of the renamed type": (MATH, "  - retrival\n", "`tools[1]` is 'retrival'; expected "
                                           "'code_interpreter' or 'file_search'",
                                           "did you mean `file_search`? (`retrieval` was renamed `file_search`)"),
    "typo of a current type": (MATH, "  - type: file_serch\n", "`tools[1].type` is 'file_serch'; expected "
                               "'code_interpreter' or 'file_search' or 'function'", "did you mean `file_search`?"),
    "shorthand typo of a current type": (MATH, "  - code_interpeter\n", "`tools[1]` is 'code_interpeter'; "
                                         "expected 'code_interpreter' or 'file_search'",
                                         "did you mean `code_interpreter`?"),
    "agent: typo of mcp": (AGENT, "  - type: mpc\n    server_label: x\n", "`tools[3].type` is 'mpc'", "did you "
                           "mean `mcp`?"),
    "agent: typo of web_search": (AGENT, "  - type: web_serch\n", "`tools[3].type` is 'web_serch'",
                                  "did you mean `web_search`?"),
}


@pytest.mark.parametrize("case", TOOL_TYPOS)
def test_a_misspelt_tool_type_is_offered_only_current_types(aac: Cli, sandbox: RunningSandbox, case: str) -> None:
    manifest, tool, message, hint = TOOL_TYPOS[case]
    _add_tool(aac.root, manifest, tool)

    for command in ("validate", "plan"):
        code, err = _run(aac, sandbox, command)
        assert code == 1
        assert message in err and f"hint: {hint}\n" in err
        assert "retrieval'" not in err  # never among the choices offered


def test_an_agents_retrieval_typo_is_offered_no_assistants_tool(aac: Cli) -> None:
    _add_tool(aac.root, AGENT, "  - type: retreival\n")

    result = aac("validate")

    assert result.code == 1 and "`tools[3].type` is 'retreival'" in result.err
    assert "file_search" not in result.err and "retrieval'" not in result.err


def _add_tool(root: Path, manifest: str, tool: str) -> None:
    """`tool` (YAML lines) as the last of the manifest's tools."""
    after = "  - code_interpreter\n" if manifest == MATH else None
    before = "metadata: {team: weather}\n"  # the line after the agent's tools
    _edit(root, manifest, after or before, after + tool if after else tool + before)


def test_retrieval_itself_is_renamed_file_search_with_a_warning(aac: Cli, sandbox: RunningSandbox) -> None:
    _add_tool(aac.root, MATH, "  - retrieval\n")

    result = aac("--target", "remote", "plan", "--format", "json")

    assert result.code == 0, result.err
    assert ("warning: tool type `retrieval` was renamed `file_search` in Assistants v2; loading it as "
            "`file_search`\n    hint: write `file_search` instead\n") in result.err
    [math] = [c for c in result.json()["changes"] if c["address"] == "assistant.math-tutor"]
    assert [tool["type"] for tool in math["after"]["tools"]] == ["code_interpreter", "file_search"]
