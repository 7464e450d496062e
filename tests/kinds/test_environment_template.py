"""Environment templates through the CLI against the sandbox: a kind whose objects have no metadata (aac's tags
live in the template's name) and whose `env` values and setup commands are confidential, read from the
environment and never shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox, serve_in_background
from cli_harness import Cli, Result

KEY_ENV = "AAC_TEMPLATE_TEST_KEY"
DB_URL = "postgres://app:correct-horse-battery-staple@db.internal/app"
OTHER_DB_URL = "postgres://app:another-secret-password-42@db.internal/app"
SCRIPT = "pip install -e .\r\nexport TOKEN=setup-token-0123456789abcdef\nmake migrate"
SECRETS = {"DB_URL": DB_URL, "OTHER_DB_URL": OTHER_DB_URL, "SETUP_SH": SCRIPT}
MANIFEST: dict[str, Any] = {
    "kind": "environment_template",
    "name": "py-env",
    "capability_directories": ["/workspace/.agents"],
    "packages": {"python": ["pandas", "numpy==2.1"], "system": ["ripgrep"]},
    "network": {"access": "restricted", "allowed_domains": ["pypi.org"]},
    "skills": [{"skill_id": "skill_abc", "version": 2}],
    "env": {"DATABASE_URL": {"value_env": "DB_URL"}},
    "setup_commands": [{"command_env": "SETUP_SH", "cwd": "/workspace/app"}],
}


def write_stack(root: Path, base_url: str, documents: list[dict[str, Any]]) -> Path:
    (root / "envs").mkdir(parents=True, exist_ok=True)
    (root / "envs" / "templates.yaml").write_text(yaml.safe_dump_all(documents, sort_keys=False))
    (root / "aac.yaml").write_text(f"stack: envs\nmanifests: envs\ndefault_target: t\ntargets:\n"
                                   f"  t: {{type: openai, base_url: '{base_url}', api_key_env: {KEY_ENV}}}\n")
    return root


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def outputs() -> list[Result]:
    return []


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str],
        outputs: list[Result]) -> Iterator[Cli]:
    """The stack applied; every result any test gets is kept, and no secret may be in one."""
    cli = Cli(write_stack(tmp_path / "stack", sandbox.base_url, [MANIFEST]), capsys)
    run = cli._main

    def recorded(argv: list[str]) -> Result:
        result = run(argv)
        outputs.append(result)
        return result

    cli._main = recorded  # type: ignore[method-assign]
    assert cli("apply", "--auto-approve").code == 0
    yield cli
    for result in outputs:
        for secret in _secret_lines():
            assert secret not in result.out + result.err


def _secret_lines() -> list[str]:
    return [DB_URL, OTHER_DB_URL, "correct-horse-battery-staple", "setup-token-0123456789abcdef", "make migrate"]


def edit(cli: Cli, change: dict[str, Any], drop: tuple[str, ...] = ()) -> None:
    document = {**MANIFEST, **change}
    for name in drop:
        document.pop(name)
    (cli.root / "envs" / "templates.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def the_template(client: openai.OpenAI) -> Any:
    (template,) = list(client.beta.agents.environments.templates.list())
    return template


def held(sandbox: RunningSandbox, template_id: str) -> dict[str, Any]:
    """What the server holds of the confidential values: their HMACs (the sandbox keeps no value)."""
    stored = sandbox.store.get("environment_template", template_id)
    assert stored is not None
    return {"env": stored["_env"], "setup_commands": stored["_setup_commands"]}


def changed(cli: Cli) -> dict[str, list[str]]:
    plan = cli("plan", "--format", "json").json()
    return {c["address"]: [c["action"], *c.get("changed_fields", [])] for c in plan["changes"]
            if c["action"] != "no-op"}


def test_apply_from_empty_writes_every_field_and_the_next_plan_is_empty(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    template = the_template(client)
    assert re.fullmatch(r"aac:envs:py-env:[0-9a-f]{64}:v1", template.name)
    assert template.packages.python == ["pandas", "numpy==2.1"] and template.packages.npm == []
    assert template.network.access == "restricted" and template.network.allowed_domains == ["pypi.org"]
    assert [(s.skill_id, s.version) for s in template.skills] == [("skill_abc", "2")]
    assert held(sandbox, template.id) == {"env": {"DATABASE_URL": fingerprint(DB_URL)},
                                          "setup_commands": [{"command": fingerprint(SCRIPT), "cwd": "/workspace/app"}]}
    planned = aac("plan", "--detailed-exitcode")
    assert planned.code == 0 and "No changes." in planned.out
    assert aac("drift").code == 0
    assert aac("output").json()["environment_templates"] == {"py-env": {"id": template.id}}


def test_a_minimal_template_reads_back_its_defaults_with_no_perpetual_diff(
        aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {}, drop=("capability_directories", "packages", "network", "skills", "env", "setup_commands"))
    assert changed(aac) == {"environment_template.py-env": [
        "update", "capability_directories", "network", "packages", "skills", "blocked_domains", "env",
        "setup_commands"]}
    assert aac("apply", "--auto-approve").code == 0
    template = the_template(client)
    assert template.network.access == "enabled" and template.desktop.enabled is False
    assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize(("change", "fields"), [
    ({"packages": {"npm": ["typescript"]}}, ["packages"]),
    ({"desktop": {"enabled": True}}, ["desktop"]),
    ({"network": {"access": "disabled"}}, ["network"]),
    ({"capability_directories": ["/workspace/skills", "/workspace/.agents"]}, ["capability_directories"]),
    ({"skills": [{"skill_id": "skill_abc", "version": "latest"}]}, ["skills"]),
])
def test_a_readable_change_is_an_update_that_keeps_the_confidential_values(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        change: dict[str, Any], fields: list[str]) -> None:
    before = held(sandbox, the_template(client).id)
    monkeypatch.setenv("DB_URL", OTHER_DB_URL)  # were env sent again, the server would hold this value now
    edit(aac, change)
    assert changed(aac) == {"environment_template.py-env": ["update", *fields]}
    assert aac("apply", "--auto-approve").code == 0
    assert held(sandbox, the_template(client).id) == before
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_packages_update_sends_all_three_lists(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {"packages": {"python": ["pandas"]}})
    assert aac("apply", "--auto-approve").code == 0
    packages = the_template(client).packages
    assert (packages.python, packages.system, packages.npm) == (["pandas"], [], [])


def test_blocked_domains_never_read_back_compare_through_the_name(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    edit(aac, {"network": {"access": "restricted", "blocked_domains": ["evil.example"]}})
    assert "blocked_domains" in changed(aac)["environment_template.py-env"]
    assert aac("apply", "--auto-approve").code == 0
    stored = sandbox.store.get("environment_template", the_template(client).id)
    assert stored is not None and stored["network"]["blocked_domains"] == ["evil.example"]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_version_bump_sends_the_confidential_values_again(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_URL", OTHER_DB_URL)  # rotated where it is kept; aac cannot see that
    assert aac("plan", "--detailed-exitcode").code == 0
    edit(aac, {"version": 2})
    plan = aac("plan")
    assert "version" in plan.out and "1 -> 2" in plan.out
    assert aac("apply", "--auto-approve").code == 0
    template = the_template(client)
    assert template.name.endswith(":v2")
    assert held(sandbox, template.id)["env"] == {"DATABASE_URL": fingerprint(OTHER_DB_URL)}
    assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("change", [
    {"env": {"DATABASE_URL": {"value_env": "OTHER_DB_URL"}}},  # the value comes from another variable
    {"env": {"DATABASE_URL": {"value_env": "DB_URL"}, "REPLICA_URL": {"value_env": "OTHER_DB_URL"}}},
    {"setup_commands": [{"command_env": "SETUP_SH", "cwd": "/workspace/app"}, {"command_env": "DB_URL"}]},
    {"setup_commands": [{"command_env": "SETUP_SH"}]},  # another working directory
])
def test_a_confidential_change_is_an_update_that_sends_env_and_setup_commands(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, change: dict[str, Any]) -> None:
    edit(aac, change)
    fields = changed(aac)["environment_template.py-env"]
    assert fields[0] == "update" and {"env", "setup_commands"} <= set(fields)
    assert aac("apply", "--auto-approve").code == 0
    document = {**MANIFEST, **change}
    expected = {name: fingerprint(SECRETS[item["value_env"]]) for name, item in document["env"].items()}
    assert held(sandbox, the_template(client).id)["env"] == expected
    assert len(held(sandbox, the_template(client).id)["setup_commands"]) == len(document["setup_commands"])
    assert aac("plan", "--detailed-exitcode").code == 0


def test_removing_the_confidential_values_clears_them(aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    edit(aac, {}, drop=("env", "setup_commands"))
    assert aac("apply", "--auto-approve").code == 0
    assert held(sandbox, the_template(client).id) == {"env": {}, "setup_commands": []}
    assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("by_hand", [
    {"packages": {"python": ["requests"]}},
    {"network": None},
    {"desktop": {"enabled": True}},
    {"capability_directories": []},
    {"skills": []},
])
def test_a_field_changed_by_hand_is_drift(aac: Cli, client: openai.OpenAI, by_hand: dict[str, Any]) -> None:
    client.beta.agents.environments.templates.update(the_template(client).id, **by_hand)
    report = aac("drift", "--format", "json")
    assert report.code == 2
    (item,) = [i for i in report.json()["items"] if i["category"] != "in_sync"]
    assert item["category"] == "drifted" and item["address"] == "environment_template.py-env"
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0


def test_a_template_deleted_by_hand_is_missing_and_created_again(aac: Cli, client: openai.OpenAI) -> None:
    client.beta.agents.environments.templates.delete(the_template(client).id)
    report = aac("drift", "--format", "json").json()
    assert [i["category"] for i in report["items"]] == ["missing"]
    assert changed(aac) == {"environment_template.py-env": ["create"]}


def test_a_hand_made_template_is_never_touched(aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    templates = client.beta.agents.environments.templates
    names = ["py-env", "aac:envs:py-env", "aac:other:py-env:" + "0" * 64, "aac:envs:py-env:" + "0" * 63]
    mine = [templates.create(name=name, env={"X": "hand-made-value-123"}).id for name in names]
    assert aac("drift").code == 0  # neither unmanaged nor drifted: not this stack's
    assert aac("destroy", "--auto-approve").code == 0
    assert sorted(t.id for t in templates.list()) == sorted(mine)
    for template_id in mine:
        assert held(sandbox, template_id)["env"] == {"X": fingerprint("hand-made-value-123")}


def test_destroy_deletes_the_stack_s_template_and_a_protected_one_is_kept(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac, {"protect": True})
    assert changed(aac) == {"environment_template.py-env": ["update", "protect"]}
    assert aac("apply", "--auto-approve").code == 0
    assert the_template(client).name.endswith(":v1:protect")
    destroyed = aac("destroy", "--auto-approve")
    assert destroyed.code == 0 and "environment_template.py-env is protected" in destroyed.err + destroyed.out
    assert the_template(client)
    edit(aac, {"protect": False})
    assert aac("apply", "--auto-approve").code == 0
    assert aac("destroy", "--auto-approve").code == 0
    assert list(client.beta.agents.environments.templates.list()) == []


@pytest.mark.parametrize("variable", ["DB_URL", "SETUP_SH"])
def test_an_unset_variable_stops_apply_before_any_write(
        tmp_path: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.delenv(variable)
    cli = Cli(write_stack(tmp_path / "stack", sandbox.base_url, [MANIFEST]), capsys)
    sandbox.reset_counts()
    result = cli("apply", "--auto-approve")
    assert result.code == 1
    assert f"environment template py-env: ${variable}" in result.err and "is not set" in result.err
    assert "hint: export" in result.err
    assert sandbox.writes == 0


def test_an_unset_variable_stops_a_version_bump_but_not_a_readable_update(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DB_URL")
    edit(aac, {"version": 3})
    sandbox.reset_counts()
    result = aac("apply", "--auto-approve")
    assert result.code == 1 and "$DB_URL (env.DATABASE_URL) is not set" in result.err and sandbox.writes == 0
    edit(aac, {"desktop": {"enabled": True}})
    assert aac("apply", "--auto-approve").code == 0  # the values stay where they are: no variable read


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_no_secret_in_any_plan_or_drift_format(aac: Cli, client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch,
                                               form: str) -> None:
    edit(aac, {"env": {"DATABASE_URL": {"value_env": "OTHER_DB_URL"}}, "version": 2})
    for command in (("plan", "--format", form), ("drift", "--format", form), ("show",), ("output",)):
        aac(*command)
    assert aac("plan", "--out", "plan.json").code == 0
    saved = (aac.root / "plan.json").read_text()
    assert all(secret not in saved for secret in _secret_lines())
    assert aac("apply", "plan.json").code == 0
    assert aac("apply", "--auto-approve").code == 0


@pytest.mark.parametrize("option", [{"no_agents": True}, {"profile": "llama-stack"}, {"profile": "ogx"}])
def test_a_target_without_the_agents_api_is_one_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: dict[str, Any]) -> None:
    with serve_in_background(":memory:", index_delay_ms=0, **option) as server:
        cli = Cli(write_stack(tmp_path / "stack", server.base_url, [MANIFEST]), capsys)
        for command in (("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve")):
            server.reset_counts()
            result = cli(*command)
            errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
            assert result.code == 1 and len(errors) == 1 and "has no environment templates" in errors[0], result.err
            assert "Traceback" not in result.err and server.writes == 0
