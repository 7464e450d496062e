"""On a Microsoft Foundry target an assistant manifest is a prompt agent: plan, apply, drift, output and destroy
through the CLI against `aac sandbox serve --profile foundry`, the agents checked through the wire calls."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.cli_harness import Cli

from aac.api import foundry_agents as agents
from aac.api.connect import Api, connect
from aac.kinds.assistant.foundry import agent_name
from aac.output import Output
from aac.sandbox.foundry_schemas import AGENT_NAME
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import load_stack

KEY = "fk-7d2e0c9b1a3f48e6b5d4c8a7e2f19b03"
KEY_ENV = "AAC_FOUNDRY_TEST_KEY"

SUPPORT = """kind: assistant
name: support
model: gpt-4o-mini
instructions: Answer from the handbook.
tools: [file_search, code_interpreter]
files:
  file_search: [../knowledge/*.md]
  code_interpreter: [../data/*.csv]
"""
TRIAGE = """kind: assistant
name: triage
model: gpt-4o
instructions: Sort the ticket.
temperature: 0.2
tools:
  - type: function
    function:
      name: route
      description: Route a ticket
      parameters: {type: object, properties: {team: {type: string}}, required: [team]}
"""


def write_stack(root: Path, endpoint: str, manifests: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "aac.yaml").write_text(f"stack: demo\ntargets:\n  az:\n    type: foundry\n    endpoint: {endpoint}\n"
                                   f"    api_key_env: {KEY_ENV}\n", encoding="utf-8")
    for folder, name, text in (("knowledge", "refunds.md", "Refunds are paid within 14 days.\n"),
                               ("knowledge", "shipping.md", "Shipping takes 3 days.\r\n"),
                               ("data", "prices.csv", "sku,price\na,1\n")):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    (root / "assistants").mkdir(exist_ok=True)
    for name, text in manifests.items():
        (root / "assistants" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def foundry() -> Iterator[RunningSandbox]:
    with serve_in_background(":memory:", index_delay_ms=0, profile="foundry") as running:
        yield running


@pytest.fixture
def cli(tmp_path: Path, foundry: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv(KEY_ENV, KEY)
    return Cli(write_stack(tmp_path / "stack", foundry.endpoint,
                           {"support.yaml": SUPPORT, "triage.yaml": TRIAGE}), capsys)


@contextmanager
def connected(root: Path) -> Iterator[Api]:
    stack = load_stack(root)
    with connect(stack, stack.target(), {KEY_ENV: KEY}, Output()) as api:
        yield api


def project(api: Api) -> Any:
    assert api.foundry is not None
    return api.foundry


def test_a_stack_of_assistants_applies_as_prompt_agents_and_plans_empty_after(cli: Cli) -> None:
    plan = cli("plan")
    assert plan.code == 0, plan.err
    assert "+ assistant.support" in plan.out and "+ assistant.triage" in plan.out
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    again = cli("plan")
    assert again.code == 0, again.err
    assert "No changes." in again.out, again.out
    with connected(cli.root) as api:
        found = {a["name"]: a["versions"]["latest"] for a in agents.list_agents(project(api))}
        assert sorted(found) == ["demo-support", "demo-triage"]
        store = next(iter(api.sdk.vector_stores.list()))
        uploads = {f.filename.rsplit(".", 2)[-2]: f.id for f in api.sdk.files.list()}
    tools = {t["type"]: t for t in found["demo-support"]["definition"]["tools"]}
    assert tools["file_search"]["vector_store_ids"] == [store.id]
    assert tools["code_interpreter"]["container"] == {"type": "auto", "file_ids": [uploads["prices"]]}
    assert found["demo-triage"]["definition"]["temperature"] == 0.2
    assert found["demo-support"]["metadata"]["aac-key"] == "support"

    assert found["demo-support"]["metadata"]["aac-stack"] == "demo"
    second = cli("apply", "--auto-approve")
    assert second.code == 0, second.err
    with connected(cli.root) as api:
        assert [v["version"] for v in agents.list_versions(project(api), "demo-support")] == ["1"]
        assert [v["version"] for v in agents.list_versions(project(api), "demo-triage")] == ["1"]


def versions(root: Path, name: str) -> list[dict[str, Any]]:
    with connected(root) as api:
        return agents.list_versions(project(api), name)


def edit(root: Path, manifest: str, old: str, new: str) -> None:
    path = root / "assistants" / manifest
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_instructions_change_makes_exactly_one_new_version(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    edit(cli.root, "support.yaml", "the handbook", "the 2027 handbook")
    plan = cli("plan")
    assert plan.code == 0, plan.err
    assert "# assistant.support will be updated in place (new version 1 -> 2)" in plan.out
    assert '~ instructions = "Answer from the handbook." -> "Answer from the 2027 handbook."' in plan.out
    assert "assistant.triage" not in plan.out
    markdown = cli("plan", "--format", "markdown")
    assert "| `~` | `assistant.support` | update | `instructions`; new version 1 -&gt; 2 |" in markdown.out
    as_json = cli("plan", "--format", "json").json()
    [change] = [c for c in as_json["changes"] if c["action"] != "no-op"]
    assert (change["address"], change["reason"], change["changed_fields"]) == (
        "assistant.support", "new version 1 -> 2", ["instructions"])
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    made = versions(cli.root, "demo-support")
    assert [v["version"] for v in made] == ["1", "2"]
    assert made[1]["definition"]["instructions"] == "Answer from the 2027 handbook."
    assert made[1]["definition"]["tools"] == made[0]["definition"]["tools"]  # the same store and files
    assert made[0]["metadata"]["aac-spec"] != made[1]["metadata"]["aac-spec"]
    assert [v["version"] for v in versions(cli.root, "demo-triage")] == ["1"]
    assert "No changes." in cli("plan").out


@pytest.mark.parametrize("how", ["same definition, no tags", "other definition, no tags",
                                 "other definition, aac's tags copied"])
def test_a_version_made_outside_aac_is_drift_and_apply_puts_it_back(cli: Cli, how: str) -> None:
    assert cli("apply", "--auto-approve").code == 0
    [mine] = versions(cli.root, "demo-triage")
    body = dict(mine["definition"])
    if how.startswith("other"):
        body["instructions"] = "Sort the ticket, then page someone."
    metadata = mine["metadata"] if how.endswith("copied") else {"owner": "portal"}
    with connected(cli.root) as api:
        agents.create_version(project(api), "demo-triage", body, metadata=metadata)
    drift = cli("drift")
    assert drift.code == 2, drift.out + drift.err
    assert "# assistant.triage has changed outside aac" in drift.out
    if how.endswith("no tags"):
        assert '~ latest_version = "made by aac" -> "made outside aac (version 2)"' in " ".join(drift.out.split())
    if how.startswith("other"):
        assert "Sort the ticket, then page someone." in drift.out
    plan = cli("plan")
    assert "# assistant.triage will be updated in place (new version 2 -> 3)" in plan.out
    assert cli("apply", "--auto-approve").code == 0
    assert [v["version"] for v in versions(cli.root, "demo-triage")] == ["1", "2", "3"]
    assert cli("drift").code == 0
    assert "No changes." in cli("plan").out


def test_destroy_removes_every_version_and_the_stores_and_files(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    edit(cli.root, "triage.yaml", "Sort the ticket.", "Sort it.")
    assert cli("apply", "--auto-approve").code == 0
    destroyed = cli("destroy", "--auto-approve")
    assert destroyed.code == 0, destroyed.err
    with connected(cli.root) as api:
        assert agents.list_agents(project(api)) == []
        assert list(api.sdk.vector_stores.list()) == []
        assert list(api.sdk.files.list()) == []
    assert "No changes." in cli("plan", "--destroy").out


def test_output_gives_each_agents_name_and_latest_version(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    edit(cli.root, "triage.yaml", "Sort the ticket.", "Sort it.")
    assert cli("apply", "--auto-approve").code == 0
    output = cli("output")
    assert output.code == 0, output.err
    assistants = output.json()["assistants"]
    store = output.json()["vector_stores"]["support"]["id"]
    assert assistants == {
        "support": {"id": "demo-support", "agent_name": "demo-support", "version": "1", "vector_store_ids": [store]},
        "triage": {"id": "demo-triage", "agent_name": "demo-triage", "version": "2", "vector_store_ids": []},
    }
    env = cli("output", "--format", "env")
    assert "AAC_ASSISTANT_SUPPORT_ID=demo-support\n" in env.out


@pytest.mark.parametrize("metadata", [{}, {"aac-stack": "other", "aac-key": "support",
                                          "managed-by": "assistant-as-code", "aac-spec": "sha256:0"}])
def test_a_name_taken_by_an_agent_aac_does_not_own_is_an_error_never_an_overwrite(
    cli: Cli, metadata: dict[str, str]
) -> None:
    with connected(cli.root) as api:
        agents.create_version(project(api), "demo-support", {"kind": "prompt", "model": "gpt-4o"}, metadata=metadata)
    for args in (("plan",), ("apply", "--auto-approve")):
        result = cli(*args)
        assert result.code == 1
        assert result.err.splitlines()[-2:] == [
            "error: the name 'demo-support' of assistant.support's prompt agent is taken by an agent this stack "
            "does not own",
            "hint: aac never writes over an agent it did not make: rename the assistant's key, or delete or rename "
            "that agent in the Foundry portal"]
    with connected(cli.root) as api:  # nothing was written: only reads were sent
        assert list(api.sdk.files.list()) == [] and list(api.sdk.vector_stores.list()) == []
        assert [a["name"] for a in agents.list_agents(project(api))] == ["demo-support"]
    [only] = versions(cli.root, "demo-support")
    assert only["definition"] == {"kind": "prompt", "model": "gpt-4o"}


def test_a_saved_plan_is_refused_once_a_version_was_made_since(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    edit(cli.root, "triage.yaml", "Sort the ticket.", "Sort it.")
    assert cli("plan", "--out", "triage.plan").code == 0
    [mine] = versions(cli.root, "demo-triage")
    with connected(cli.root) as api:
        agents.create_version(project(api), "demo-triage", mine["definition"], metadata=mine["metadata"])
    stale = cli("apply", "triage.plan")
    assert stale.code == 1
    assert "stale" in stale.err
    assert len(versions(cli.root, "demo-triage")) == 2


def test_a_protected_agent_survives_destroy(cli: Cli) -> None:
    edit(cli.root, "triage.yaml", "temperature: 0.2\n", "temperature: 0.2\nprotect: true\n")
    assert cli("apply", "--auto-approve").code == 0
    assert versions(cli.root, "demo-triage")[0]["metadata"]["aac-protect"] == "true"
    destroyed = cli("destroy", "--auto-approve")
    assert destroyed.code == 0, destroyed.err
    assert len(versions(cli.root, "demo-triage")) == 1
    with connected(cli.root) as api:
        assert [a["name"] for a in agents.list_agents(project(api))] == ["demo-triage"]


def test_no_output_shows_the_key(cli: Cli) -> None:
    shown = []
    for args in (("plan", "--debug"), ("apply", "--auto-approve", "--debug"), ("drift", "--debug"),
                 ("output",), ("plan", "--format", "json"), ("destroy", "--auto-approve", "--debug")):
        result = cli(*args)
        assert result.code == 0, result.err
        shown.append(result.out + result.err)
    assert all(KEY not in text for text in shown)
    assert any("POST /api/projects/sandbox/agents/demo-support/versions" in text for text in shown)


# --- what a prompt agent cannot express, refused at validation -------------------------------------------

def two_targets(root: Path, manifests: dict[str, str]) -> Path:
    """A stack with a sandbox target (the default) and a foundry one, `az`."""
    write_stack(root, "https://acme.services.ai.azure.com/api/projects/support", manifests)
    text = (root / "aac.yaml").read_text(encoding="utf-8")
    (root / "aac.yaml").write_text(text.replace("targets:\n", "default_target: local\ntargets:\n  local:\n"
                                                "    type: sandbox\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize(("manifest", "line", "message"), [
    ("kind: assistant\nname: a\nmodel: m\ndisplay_name: Support Bot\n", 4,
     "display_name: a prompt agent has no display name"),
    ("kind: assistant\nname: a\nmodel: m\ntools: [code_interpreter]\nfiles:\n  file_search: [../knowledge/*.md]\n",
     6, "a has a vector store but no file_search tool: a prompt agent names its stores only in that tool"),
    ("kind: assistant\nname: a\nmodel: m\ntools: [file_search]\nfiles:\n  code_interpreter: [../data/*.csv]\n",
     6, "a attaches code_interpreter files but has no code_interpreter tool"),
    ("kind: assistant\nname: a\nmodel: m\ntools:\n  - type: file_search\n    file_search:\n"
     "      ranking_options: {ranker: default_2024_08_21, score_threshold: 0.5}\n", 7,
     "tools.file_search.ranking_options.ranker 'default_2024_08_21': a prompt agent's file_search takes"),
])
def test_what_a_prompt_agent_cannot_express_is_an_error_at_its_line_on_a_foundry_target_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str, line: int, message: str
) -> None:
    cli = Cli(two_targets(tmp_path, {"a.yaml": manifest}), capsys)
    local = cli("--target", "local", "plan")
    assert local.code == 0, local.err
    plan = cli("--target", "az", "plan")
    assert plan.code == 1
    assert f"assistants/a.yaml:{line}: error: {message}" in plan.err, plan.err
    assert "    hint: " in plan.err
    every = cli("validate")  # every target's problems, each labelled with the targets it concerns
    assert every.code == 1
    assert f"assistants/a.yaml:{line}: error: (target az) {message}" in every.err
    assert every.err.count(": error: ") == 1


def test_a_display_name_only_for_the_other_targets_validates(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    manifest = ("kind: assistant\nname: a\nmodel: m\ndisplay_name: Support Bot\n"
                "overrides:\n  az:\n    display_name: null\n")
    assert Cli(two_targets(tmp_path, {"a.yaml": manifest}), capsys)("validate").code == 0


@pytest.mark.parametrize(("kind", "manifest"), [
    ("agent.helper", "kind: agent\nname: helper\nmodel: gpt-5.1\ninstructions: Help.\n"),
    ("vault.tools", "kind: vault\nname: tools\ncredentials:\n  - name: tracker\n    auth: {type: static_bearer, "
     "mcp_server_url: 'https://mcp.tracker.example/', token_env: TRACKER_TOKEN}\n"),
    ("environment_template.py", "kind: environment_template\nname: py\npackages: {python: [pandas]}\n"),
])
def test_an_agents_api_kind_on_a_foundry_target_is_one_error_before_any_request(
    cli: Cli, foundry: RunningSandbox, kind: str, manifest: str
) -> None:
    (cli.root / "assistants/extra.yaml").write_text(manifest, encoding="utf-8")
    for args in (("validate",), ("plan",), ("apply", "--auto-approve")):
        result = cli(*args)
        assert result.code == 1
        errors = [line for line in result.err.splitlines() if ": error: " in line]
        assert errors == [f"assistants/extra.yaml:1: error: {kind}: a foundry target has no OpenAI Agents API, "
                          f"which {kind.split('.')[0].replace('_', ' ')} manifests need"], result.err
    assert foundry.requests == 0


# --- names ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stack", "key", "name"), [
    ("demo", "support", "demo-support"),
    ("Demo_Stack", "faq.v2", "demo-stack-faq-v2"),
    ("demo", "__x__", "demo-x"),
    ("d", "k" * 70, "d-" + "k" * 52 + "-"),
])
def test_an_agents_name_is_the_stack_and_key_as_foundry_allows(stack: str, key: str, name: str) -> None:
    made = agent_name(stack, key)
    assert made.startswith(name)
    assert len(made) <= 63 and AGENT_NAME.fullmatch(made)
    assert agent_name(stack, key) == made  # deterministic
    if len(f"{stack}-{key}") > 63:
        assert len(made) == 63 and made != agent_name(stack, key + "k")


def test_two_keys_that_are_one_agent_name_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifests = {"a.yaml": "kind: assistant\nname: faq_v2\nmodel: m\n",
                 "b.yaml": "kind: assistant\nname: faq.v2\nmodel: m\n"}
    cli = Cli(two_targets(tmp_path, manifests), capsys)
    assert cli("--target", "local", "plan").code == 0
    result = cli("validate")
    assert result.code == 1
    assert ("error: (target az) assistants 'faq.v2' and 'faq_v2' are both the prompt agent 'demo-faq-v2' on a "
            "foundry target") in result.err


def test_a_key_too_long_for_a_name_applies_under_its_hashed_name(cli: Cli) -> None:
    key = "the-assistant-that-answers-every-question-about-refunds-returns"
    (cli.root / "assistants/long.yaml").write_text(f"kind: assistant\nname: {key}\nmodel: m\n", encoding="utf-8")
    assert cli("apply", "--auto-approve").code == 0
    name = cli("output").json()["assistants"][key]["agent_name"]
    assert name == agent_name("demo", key) and len(name) == 63
    assert "No changes." in cli("plan").out


# --- generated manifests ----------------------------------------------------------------------------------

def _maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else None


def _function(rng: random.Random, index: int) -> dict[str, Any]:
    function: dict[str, Any] = {"name": f"fn_{index}"}
    strict = rng.choice([None, False, True])
    if rng.random() < 0.8:
        props = {name: {"type": rng.choice(["string", "integer", "boolean"])}
                 for name in rng.sample(["city", "unit", "day"], rng.randint(1, 3))}
        items = list({"type": "object", "properties": props, "required": sorted(props),
                      "additionalProperties": False}.items())
        rng.shuffle(items)  # key order is never a change
        function["parameters"] = dict(items)
    elif strict:
        strict = None  # strict mode needs parameters
    if strict is not None:
        function["strict"] = strict
    if rng.random() < 0.5:
        function["description"] = "Does it."
    return {"type": "function", "function": function}


def generated_assistant(rng: random.Random, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": "assistant", "name": name, "model": rng.choice(["gpt-4o", "gpt-4.1-mini"])}
    tools: list[Any] = []
    files: dict[str, Any] = {}
    if rng.random() < 0.5:
        tools.append("code_interpreter")
        if rng.random() < 0.7:
            files["code_interpreter"] = ["../data/*.csv"]
    if rng.random() < 0.6:
        search = rng.choice([{}, {"max_num_results": rng.randint(1, 50)},
                             {"ranking_options": {"ranker": "auto", "score_threshold": rng.choice([0, 0.25, 1.0])}}])
        tools.append({"type": "file_search", "file_search": search} if search else "file_search")
        files["file_search"] = rng.choice([["../knowledge/*.md"], ["../knowledge/refunds.md"]])
    tools += [_function(rng, index) for index in range(rng.randint(0, 2))]
    rng.shuffle(tools)
    optional = {
        "description": _maybe(rng, "A bot."),
        "instructions": _maybe(rng, rng.choice(["Be brief.\nBe kind.\n", "Ünïcode — ok", "line\r\nbreaks"])),
        "temperature": rng.choice([None, 0, 0.5, 1, 1.0, 2]),
        "top_p": rng.choice([None, 0.1, 1.0]),
        "response_format": rng.choice([None, "auto", {"type": "json_object"}, {"type": "json_schema", "json_schema": {
            "name": "answer", "strict": True, "schema": {"type": "object", "properties": {"a": {"type": "string"}},
                                                         "required": ["a"], "additionalProperties": False}}}]),
        "reasoning_effort": rng.choice([None, "low", "high"]),
        "metadata": rng.choice([None, {"team": "x"}]),
        "protect": rng.choice([None, True]),
        "tools": tools or None,
        "files": files or None,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    return doc


def test_generated_assistants_applied_as_prompt_agents_plan_empty(
    tmp_path: Path, foundry: RunningSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    for seed in range(12):  # one stack per seed on one server: stacks never see each other
        rng = random.Random(seed)
        manifests = {f"{name}.yaml": yaml.safe_dump(generated_assistant(rng, name), sort_keys=False)
                     for name in ("bot", "helper")}
        root = write_stack(tmp_path / f"s{seed}", foundry.endpoint, manifests)
        (root / "aac.yaml").write_text((root / "aac.yaml").read_text().replace("stack: demo", f"stack: gen{seed}"))
        cli = Cli(root, capsys)
        applied = cli("apply", "--auto-approve")
        assert applied.code == 0, f"seed {seed}: {applied.err}"
        plan = cli("plan", "--format", "json")
        assert [(c["address"], c["changed_fields"]) for c in plan.json()["changes"] if c["action"] != "no-op"] == [], \
            f"seed {seed}: {manifests}"
        assert cli("drift").code == 0, f"seed {seed}"
        assert cli("apply", "--auto-approve").code == 0
        assert [len(versions(root, f"gen{seed}-{name}")) for name in ("bot", "helper")] == [1, 1], f"seed {seed}"


# --- keep_versions, import --------------------------------------------------------------------------------

def test_keep_versions_prunes_the_older_versions_after_apply(cli: Cli) -> None:
    text = (cli.root / "aac.yaml").read_text(encoding="utf-8")
    (cli.root / "aac.yaml").write_text(text + "    keep_versions: 2\n", encoding="utf-8")
    assert cli("apply", "--auto-approve").code == 0
    for n in range(3):
        edit(cli.root, "triage.yaml", "Sort the ticket" + "!" * n + ".", "Sort the ticket" + "!" * (n + 1) + ".")
        assert cli("apply", "--auto-approve").code == 0
    made = versions(cli.root, "demo-triage")
    assert [v["version"] for v in made] == ["3", "4"]
    assert made[-1]["definition"]["instructions"] == "Sort the ticket!!!."
    assert [v["version"] for v in versions(cli.root, "demo-support")] == ["1"]
    assert "No changes." in cli("plan").out


@pytest.mark.parametrize(("line", "message"), [
    ("    keep_versions: 0\n", "`keep_versions` must be a whole number of at least 1, got 0"),
    ("    keep_versions: two\n", "`keep_versions` must be a whole number of at least 1, got 'two'"),
    ("    keep_versions: true\n", "`keep_versions` must be a whole number of at least 1, got True"),
    ("  local:\n    type: sandbox\n    keep_versions: 3\n", "`keep_versions` does not apply to a `type: sandbox`"),
])
def test_an_unusable_keep_versions_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str,
                                                message: str) -> None:
    root = write_stack(tmp_path, "https://acme.services.ai.azure.com/api/projects/p", {})
    (root / "aac.yaml").write_text((root / "aac.yaml").read_text(encoding="utf-8") + line, encoding="utf-8")
    result = Cli(root, capsys)("validate")
    assert result.code == 1
    assert message in result.err and "hint: " in result.err


def test_an_agent_made_by_hand_imports_keeps_its_name_and_plans_empty(cli: Cli) -> None:
    for manifest in ("support.yaml", "triage.yaml"):
        (cli.root / "assistants" / manifest).unlink()
    with connected(cli.root) as api:
        store = api.sdk.vector_stores.create(name="handbook")
        agents.create_version(project(api), "Help-Desk", {
            "kind": "prompt", "model": "gpt-4o", "instructions": "Help.", "temperature": 0.3,
            "reasoning": {"effort": "low"},
            "tools": [{"type": "file_search", "vector_store_ids": [store.id], "max_num_results": 5},
                      {"type": "function", "name": "lookup", "parameters": {"type": "object", "properties": {}}}]},
            description="the desk")
    imported = cli("import", "--all", "--auto-approve")
    assert imported.code == 0, imported.err
    manifest = (cli.root / "assistants/imported/help-desk.yaml").read_text(encoding="utf-8")
    assert "display_name" not in manifest and "vector_store: handbook" in manifest
    assert "reasoning_effort: low" in manifest and "write-only" not in manifest
    assert "No changes." in cli("plan").out
    assert cli("drift").code == 0
    edit(cli.root, "imported/help-desk.yaml", "instructions: Help.", "instructions: Help kindly.")
    assert "(new version 2 -> 3)" in cli("plan").out  # the import's adoption was version 2
    assert cli("apply", "--auto-approve").code == 0
    made = versions(cli.root, "Help-Desk")
    assert [v["version"] for v in made] == ["1", "2", "3"]
    assert made[-1]["definition"]["instructions"] == "Help kindly."
    assert made[-1]["description"] == "the desk"
    with connected(cli.root) as api:
        assert [a["name"] for a in agents.list_agents(project(api))] == ["Help-Desk"]


# --- stores rebuilt, keys moved ---------------------------------------------------------------------------

SHARED = """kind: vector_store
name: kb
files: [../knowledge/*.md]
"""
READER = """kind: assistant
name: reader
model: gpt-4o
tools: [file_search]
vector_store: kb
"""


def test_a_rebuilt_store_gets_a_new_version_naming_it_and_the_old_store_goes(
    tmp_path: Path, foundry: RunningSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    cli = Cli(write_stack(tmp_path / "stack", foundry.endpoint, {"kb.yaml": SHARED, "reader.yaml": READER}), capsys)
    assert cli("apply", "--auto-approve").code == 0
    (cli.root / "assistants/kb.yaml").write_text(SHARED + "chunking_strategy: {type: static, static: "
                                                 "{max_chunk_size_tokens: 400, chunk_overlap_tokens: 100}}\n")
    plan = cli("plan")
    assert "-/+ vector_store.kb" in plan.out and "~ assistant.reader" in plan.out
    assert cli("apply", "--auto-approve").code == 0, plan.out
    with connected(cli.root) as api:
        [store] = list(api.sdk.vector_stores.list())
    made = versions(cli.root, "demo-reader")
    assert [v["version"] for v in made] == ["1", "2"]
    assert made[-1]["definition"]["tools"] == [{"type": "file_search", "vector_store_ids": [store.id]}]
    assert "No changes." in cli("plan").out


def test_a_moved_key_is_retagged_in_a_new_version_of_the_same_agent(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    (cli.root / "assistants/triage.yaml").write_text(TRIAGE.replace("name: triage", "name: router"))
    with (cli.root / "aac.yaml").open("a", encoding="utf-8") as stack:
        stack.write("moved:\n  - from: assistant.triage\n    to: assistant.router\n")
    plan = cli("plan")
    assert plan.code == 0, plan.err
    assert "assistant.router" in plan.out and "assistant.triage" in plan.out
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    made = versions(cli.root, "demo-triage")  # identity is the tags: the agent keeps its name
    assert [v["version"] for v in made] == ["1", "2"]
    assert made[-1]["metadata"]["aac-key"] == "router"
    assert made[-1]["definition"] == made[0]["definition"]
    assert "No changes." in cli("plan").out
    assert cli("output").json()["assistants"]["router"]["agent_name"] == "demo-triage"


def test_drift_tells_its_four_categories_apart_for_prompt_agents(cli: Cli) -> None:
    faq = "kind: assistant\nname: faq\nmodel: gpt-4o\n"
    (cli.root / "assistants/faq.yaml").write_text(faq, encoding="utf-8")
    (cli.root / "assistants/desk.yaml").write_text(faq.replace("faq", "desk"), encoding="utf-8")
    assert cli("apply", "--auto-approve").code == 0
    (cli.root / "assistants/faq.yaml").unlink()  # tagged, in no manifest: unmanaged
    edit(cli.root, "triage.yaml", "Sort the ticket.", "Sort it.")  # not applied: pending
    [mine] = versions(cli.root, "demo-desk")
    with connected(cli.root) as api:
        agents.delete_agent(project(api), "demo-support")  # missing
        agents.create_version(project(api), "demo-desk", {**mine["definition"], "model": "gpt-4.1"},
                              metadata=mine["metadata"])  # drifted
    report = cli("drift", "--format", "json")
    assert report.code == 2, report.err
    categories = {item["address"]: item["category"] for item in report.json()["items"]}
    assert categories == {"assistant.desk": "drifted", "assistant.faq": "unmanaged", "assistant.support": "missing",
                          "assistant.triage": "pending", "vector_store.support": "in_sync"}
    drifted = next(item for item in report.json()["items"] if item["address"] == "assistant.desk")
    assert drifted["changed_fields"] == ["model"]


def test_the_projects_other_agents_are_never_touched(cli: Cli) -> None:
    other_stack = {"managed-by": "assistant-as-code", "aac-stack": "other", "aac-key": "support", "aac-spec": "x"}
    with connected(cli.root) as api:
        for name, metadata in (("portal-bot", {}), ("other-support", other_stack), ("demo", {"aac-stack": "demo"})):
            agents.create_version(project(api), name, {"kind": "prompt", "model": "gpt-4o"}, metadata=metadata)
    for args in (("apply", "--auto-approve"), ("plan",), ("drift",), ("destroy", "--auto-approve")):
        result = cli(*args)
        assert result.code == 0, result.err
        assert "portal-bot" not in result.out and "other-support" not in result.out
    with connected(cli.root) as api:
        left = {a["name"]: a["versions"]["latest"]["version"] for a in agents.list_agents(project(api))}
    assert left == {"portal-bot": "1", "other-support": "1", "demo": "1"}


def test_a_requested_replace_makes_the_agent_anew(cli: Cli) -> None:
    assert cli("apply", "--auto-approve").code == 0
    edit(cli.root, "triage.yaml", "Sort the ticket.", "Sort it.")
    assert cli("apply", "--auto-approve").code == 0
    replaced = cli("apply", "--replace", "assistant.triage", "--auto-approve")
    assert replaced.code == 0, replaced.err
    made = versions(cli.root, "demo-triage")
    assert len(made) == 1 and made[0]["definition"]["instructions"] == "Sort it."
    assert "No changes." in cli("plan").out
