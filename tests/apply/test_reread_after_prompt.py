"""While `Apply these changes?` waits, the target can change. After the `yes`, apply reads live state again and
refuses, before any write, a plan that would now do something else to an object it touches, as it refuses a
stale saved plan; a change to an object the plan does not touch does not stop it.

Each test runs aac as its own process at a terminal, and makes the hand change through the SDK between the plan
being printed and the `yes` being typed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

from aac.identity import MANAGED_BY, TAG_KEY, TAG_MANAGED_BY, TAG_STACK

from .helpers import STACK, owned
from .prompted import PROMPT, Answered, answer_prompt

STALE = "the plan is stale"
WAITED = "while the prompt waited"


def _applied(aac: Cli) -> None:
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err


def _refused(result: Answered, *words: str) -> str:
    """The one error line (and its hint) of a refused apply, which names what changed."""
    assert result.code == 1, result.err
    [error] = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert STALE in error and WAITED in error, error
    for word in words:
        assert word in error, error
    # the hint names aac as the test ran it (`python -m aac`), with the user's global options
    hint = r"^hint: nothing was changed: run `\S*(aac|python -m aac) .*(apply|destroy)` again"
    assert re.search(hint, result.err, re.M), result.err
    assert "Traceback" not in result.err and "unexpected" not in result.err
    assert result.shown and result.out == result.shown  # the plan, and not one line of an apply's report
    return error


def _assistant(client: openai.OpenAI, key: str) -> Any:
    [assistant] = owned(client).assistants[key]
    return assistant


def _credential(client: openai.OpenAI) -> Any:
    [vault] = list(client.beta.agents.vaults.list())
    [credential] = list(client.beta.agents.vaults.credentials.list(vault.id))
    return credential


def _agent_using(client: openai.OpenAI, credential: Any) -> Any:
    """An agent made by hand that uses the stack's credential, by its id, as a hand-made one does."""
    return client.beta.agents.create(model="gpt-5.1", name="Hand agent", tools=[{
        "type": "mcp", "server_label": "github", "credential_id": credential.id,
        "transport": {"type": "http", "server_url": "https://api.githubcopilot.com/mcp/"}}])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


# -- deletes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("apply",), ("destroy",)])
def test_a_credential_someone_starts_using_while_the_prompt_waits_is_not_deleted(
        aac: Cli, client: openai.OpenAI, command: tuple[str, ...]) -> None:
    _applied(aac)
    if command == ("apply",):
        for manifest in (aac.root / "assistants/agents").glob("*.yaml"):
            manifest.unlink()  # the plan deletes the agent, the vault and its credential
    credential = _credential(client)
    hand: list[Any] = []

    def meanwhile(plan: str) -> None:
        assert "credential.github/github-mcp" in plan
        hand.append(_agent_using(client, credential))

    error = _refused(answer_prompt(aac.root, *command, meanwhile=meanwhile), "credential.github/github-mcp",
                     hand[0].id)
    assert "what apply would do to credential.github/github-mcp changed" in error
    assert client.beta.agents.vaults.credentials.retrieve(credential.id, vault_id=credential.vault_id).id
    assert len(list(client.beta.agents.list())) == 2  # the stack's agent too: nothing was deleted
    assert len(owned(client).assistants) == 3


def test_an_upload_someone_attaches_to_their_store_while_the_prompt_waits_is_not_deleted(
        aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    faq = next(u for [u] in owned(client).uploads.values() if u.filename.endswith(".faq.md"))
    (aac.root / "knowledge/faq.md").unlink()  # the plan detaches and deletes its upload
    hand: list[Any] = []

    def meanwhile(plan: str) -> None:
        assert "file.knowledge/faq.md" in plan
        hand.append(client.vector_stores.create(name="hand-made", file_ids=[faq.id]))

    _refused(answer_prompt(aac.root, "apply", meanwhile=meanwhile), "file.knowledge/faq.md", hand[0].id)
    assert client.files.retrieve(faq.id).id == faq.id
    assert faq.id in owned(client).attached["support-kb"]  # not even detached from the stack's own store


# -- replaces -----------------------------------------------------------------------------------------------


def test_a_store_the_plan_rebuilds_that_someone_attached_a_file_to_is_not_rebuilt(
        aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    [store] = owned(client).stores["support-kb"]
    _edit(aac.root / "assistants/support/customer-support.yaml", "chunk_overlap_tokens: 400",
          "chunk_overlap_tokens: 200")  # chunking: the store is rebuilt, the old one deleted

    def meanwhile(plan: str) -> None:
        assert "vector_store.support-kb" in plan and "replace" in plan
        upload = client.files.create(file=("notes.md", b"# Hand-made notes\n"), purpose="assistants")
        client.vector_stores.files.create(store.id, file_id=upload.id)

    _refused(answer_prompt(aac.root, "apply", meanwhile=meanwhile), "vector_store.support-kb", store.id)
    [still] = owned(client).stores["support-kb"]
    assert still.id == store.id and len(owned(client).attached["support-kb"]) == 5


# -- updates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by_hand", ["deleted", "edited"])
def test_an_assistant_the_plan_updates_that_changed_by_hand_is_not_written(
        aac: Cli, client: openai.OpenAI, by_hand: str) -> None:
    _applied(aac)
    bot = _assistant(client, "weather-bot")
    _edit(aac.root / "assistants/weather-bot.yaml", "Tells the weather", "Tells the weather today")

    def meanwhile(plan: str) -> None:
        assert "assistant.weather-bot" in plan and "update" in plan
        if by_hand == "deleted":
            client.beta.assistants.delete(bot.id)
        else:
            client.beta.assistants.update(bot.id, instructions="Edited by hand.")

    what = "is gone from the target" if by_hand == "deleted" else "changed on the target"
    _refused(answer_prompt(aac.root, "apply", meanwhile=meanwhile), f"assistant.weather-bot ({bot.id}) {what}")
    now = owned(client).assistants.get("weather-bot", [])
    if by_hand == "deleted":
        assert now == []  # not made again behind the user's back
    else:
        assert [(a.instructions, a.description) for a in now] == [("Edited by hand.", bot.description)]


def test_an_agent_the_plan_updates_that_was_edited_by_hand_is_not_written(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    [agent] = list(client.beta.agents.list())
    _edit(aac.root / "assistants/agents/weather-agent.yaml", "display_name: Weather agent",
          "display_name: The weather agent")

    def meanwhile(plan: str) -> None:
        client.beta.agents.update(agent.id, instructions="Edited by hand.")

    _refused(answer_prompt(aac.root, "apply", meanwhile=meanwhile), f"agent.weather-agent ({agent.id}) changed")
    assert client.beta.agents.retrieve(agent.id).instructions == "Edited by hand."


# -- creates ------------------------------------------------------------------------------------------------


def test_an_object_made_by_hand_with_the_key_the_plan_creates_is_not_duplicated(
        aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    (aac.root / "assistants/echo-bot.yaml").write_text("kind: assistant\nname: echo-bot\nmodel: gpt-4o\n")
    hand: list[Any] = []

    def meanwhile(plan: str) -> None:
        assert "assistant.echo-bot" in plan
        hand.append(client.beta.assistants.create(model="gpt-4o", name="echo", metadata={
            TAG_MANAGED_BY: MANAGED_BY, TAG_STACK: STACK, TAG_KEY: "echo-bot"}))

    _refused(answer_prompt(aac.root, "apply", meanwhile=meanwhile), f"assistant.echo-bot appeared on the target "
             f"({hand[0].id})")
    assert [a.id for a in owned(client).assistants["echo-bot"]] == [hand[0].id]


# -- what does not matter to the plan -----------------------------------------------------------------------


def test_a_change_to_objects_the_plan_does_not_touch_does_not_stop_it(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    tutor, bot = _assistant(client, "math-tutor"), _assistant(client, "weather-bot")
    _edit(aac.root / "assistants/weather-bot.yaml", "Tells the weather", "Tells the weather today")

    def meanwhile(plan: str) -> None:
        client.beta.assistants.update(tutor.id, instructions="Edited by hand.")  # the stack's, not in the plan
        client.beta.assistants.create(model="gpt-4o", name="someone else's")
        _agent_using(client, _credential(client))  # uses what the plan keeps

    result = answer_prompt(aac.root, "apply", meanwhile=meanwhile)

    assert result.code == 0, result.err
    assert STALE not in result.err and "updated   assistant.weather-bot" in result.out
    assert _assistant(client, "weather-bot").description == "Tells the weather today, calling your code for the " \
        "forecast."
    assert client.beta.assistants.retrieve(tutor.id).instructions == "Edited by hand."  # only what was shown
    assert bot.id == _assistant(client, "weather-bot").id


def test_an_answer_other_than_yes_reads_nothing_again(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    _edit(aac.root / "assistants/weather-bot.yaml", "Tells the weather", "Tells the weather today")
    result = answer_prompt(aac.root, "--debug", "apply", meanwhile=lambda plan: None, answer="no")
    assert result.code == 1 and "cancelled" in result.err
    assert result.err.count("GET /v1/assistants ") == 1


def test_a_saved_plan_that_rebuilds_a_store_someone_has_since_attached_a_file_to_is_stale(
        aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    [store] = owned(client).stores["support-kb"]
    _edit(aac.root / "assistants/support/customer-support.yaml", "chunk_overlap_tokens: 400",
          "chunk_overlap_tokens: 200")
    assert aac("plan", "--out", "plan.json").code == 0
    upload = client.files.create(file=("notes.md", b"# Hand-made notes\n"), purpose="assistants")
    client.vector_stores.files.create(store.id, file_id=upload.id)

    result = aac("apply", "plan.json")

    assert result.code == 1
    assert f"the saved plan is stale: vector_store.support-kb ({store.id}) changed on the target" in result.err
    assert [s.id for s in owned(client).stores["support-kb"]] == [store.id]


# -- what the second read costs -----------------------------------------------------------------------------


def test_the_read_after_the_yes_lists_no_store_the_plan_leaves_alone(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    [store] = owned(client).stores["support-kb"]
    _edit(aac.root / "assistants/weather-bot.yaml", "Tells the weather", "Tells the weather today")

    result = answer_prompt(aac.root, "--debug", "apply", meanwhile=lambda plan: None)

    assert result.code == 0, result.err
    after = result.err.partition(PROMPT)[2]
    assert after.count("GET /v1/assistants ") == 2  # read again, and read back
    assert f"GET /v1/vector_stores/{store.id}/files" not in after  # listed for the plan only
