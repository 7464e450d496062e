"""aac import through the CLI against the sandbox: manifests that validate, adoption by tags only, files kept."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import yaml
from tests.cli_harness import Cli, hinted_commands

from aac.identity import owner_of

from .conftest import LONG_INSTRUCTIONS, LONG_SCHEMA, STACK, HandMade, read_json

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

IMPORTED = "assistants/imported"


def _manifest(root: Path, key: str) -> dict[str, object]:
    return yaml.safe_load((root / IMPORTED / f"{key}.yaml").read_text(encoding="utf-8"))


def _attached(client: openai.OpenAI, store_id: str) -> list[str]:
    return sorted(f.id for f in client.vector_stores.files.list(store_id))


def test_import_all_writes_manifests_that_validate_and_adoption_only_adds_tags(
        aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    written = sorted(p.relative_to(aac.root).as_posix() for p in aac.root.rglob("*") if p.is_file()
                     and p.name != "aac.yaml" and ".aac" not in p.parts)
    assert written == [f"{IMPORTED}/math-tutor.yaml", f"{IMPORTED}/support-kb.yaml", f"{IMPORTED}/support.yaml",
                       f"{IMPORTED}/weather-bot.instructions.md", f"{IMPORTED}/weather-bot.yaml",
                       "schemas/functions/get_weather.json"]
    assert aac("validate").code == 0
    # The adoption plan: four objects, each only gaining this stack's tags.
    assert result.out.count("(adopted: aac adds this stack's tags)") == 4
    assert "Plan: 0 to add, 4 to change, 0 to replace, 0 to destroy." in result.out
    attributes = [line.strip() for line in result.out.splitlines() if " = " in line]
    assert attributes and all(a.startswith(("+ tags.", "id ")) for a in attributes), attributes
    assert "Adopted 4 objects." in result.err
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def _stack_on(root: Path, base_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """An empty stack aimed at a sandbox of the test's own (one answering as another server, say)."""
    from .conftest import KEY_ENV

    (root / "assistants").mkdir(parents=True)
    (root / "aac.yaml").write_text(
        f"stack: {STACK}\ndefault_target: t\ntargets:\n  t:\n    type: openai\n"
        f"    base_url: {base_url}\n    api_key_env: {KEY_ENV}\n", encoding="utf-8")
    return Cli(root, capsys)


def test_imported_manifests_say_what_is_live(aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    assert aac("import", "--all", "--auto-approve").code == 0

    weather = _manifest(aac.root, "weather-bot")
    assert weather["display_name"] == "Weather Bot" and weather["temperature"] == 0.3
    assert weather["instructions_file"] == "weather-bot.instructions.md"
    assert (aac.root / IMPORTED / "weather-bot.instructions.md").read_text(encoding="utf-8") == LONG_INSTRUCTIONS
    function = weather["tools"][0]["function"]  # type: ignore[index]
    assert function["parameters"] == {"$ref": "../../schemas/functions/get_weather.json"}
    assert read_json(aac.root / "schemas/functions/get_weather.json") == LONG_SCHEMA
    assert weather["metadata"] == {"team": "forecast"}
    assert _manifest(aac.root, "support")["vector_store"] == "support-kb"
    store = _manifest(aac.root, "support-kb")
    assert store["file_ids"] == hand_made.store_files
    text = (aac.root / IMPORTED / "support-kb.yaml").read_text(encoding="utf-8")
    assert f"#   {hand_made.store_files[0]}  " in text and "faq.md" in text and "refunds.md" in text
    assert "put the file in the repository, add its path to `files`" in text
    assert _manifest(aac.root, "math-tutor")["files"] == {"code_interpreter_ids": [hand_made.code_file]}
    math = (aac.root / IMPORTED / "math-tutor.yaml").read_text(encoding="utf-8")
    assert f"#   {hand_made.code_file}  equations.csv  13 bytes" in math


def test_after_adoption_files_stay_attached_and_importing_again_imports_nothing(
        aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    assert aac("import", "--all", "--auto-approve").code == 0

    assert _attached(client, hand_made.store.id) == hand_made.store_files
    math = client.beta.assistants.retrieve(hand_made.math.id)
    assert math.tool_resources.code_interpreter.file_ids == [hand_made.code_file]
    weather = client.beta.assistants.retrieve(hand_made.weather.id)
    assert owner_of(weather.metadata) is not None and owner_of(weather.metadata)[:2] == (STACK, "weather-bot")
    assert weather.metadata["team"] == "forecast"
    applied = aac("apply", "--auto-approve")
    assert applied.code == 0 and "No changes." in applied.out
    before = sorted(p for p in aac.root.rglob("*") if p.is_file())

    again = aac("import", "--all", "--auto-approve")

    assert again.code == 0
    assert "Nothing to import" in again.out
    assert sorted(p for p in aac.root.rglob("*") if p.is_file()) == before


def test_file_ids_attach_and_detach_by_id_and_never_delete_the_upload(
        aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    assert aac("import", "--all", "--auto-approve").code == 0
    manifest = aac.root / IMPORTED / "support-kb.yaml"
    kept, dropped = hand_made.store_files
    extra = client.files.create(file=("shipping.md", b"# Shipping\nFree.\n"), purpose="assistants")
    manifest.write_text(manifest.read_text().replace(f"- {dropped}", f"- {extra.id}"), encoding="utf-8")

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert _attached(client, hand_made.store.id) == sorted([kept, extra.id])
    assert client.files.retrieve(dropped).id == dropped  # detached, never deleted: aac did not upload it
    assert aac("plan", "--detailed-exitcode").code == 0


def test_without_a_terminal_the_manifests_are_written_and_a_second_run_adopts_them(
        aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    first = aac("import", "Support")

    assert first.code == 1
    assert "the manifests are written, but nothing was adopted" in first.err
    [again] = hinted_commands(first.err)
    assert again.endswith(" import Support --auto-approve")
    assert owner_of(client.beta.assistants.retrieve(hand_made.support.id).metadata) is None
    manifests = sorted(p.name for p in (aac.root / IMPORTED).iterdir())
    assert manifests == ["support-kb.yaml", "support.yaml"]

    second = aac.paste(again)

    assert second.code == 0, second.err
    assert "wrote" not in second.err
    assert sorted(p.name for p in (aac.root / IMPORTED).iterdir()) == manifests
    assert aac("plan", "--detailed-exitcode").code == 0  # the other hand-made objects are not the stack's: no change
    assert owner_of(client.beta.assistants.retrieve(hand_made.support.id).metadata) is not None


def test_keys_by_id_or_name_and_what_cannot_be_imported(aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    missing = aac("import", "asst_doesnotexist")
    assert missing.code == 1
    assert "no live assistant, vector store, agent or vault has the id or name 'asst_doesnotexist'" in missing.err
    assert not (aac.root / IMPORTED).exists()

    assert aac("import", hand_made.math.id, "--auto-approve").code == 0
    managed = aac("import", "Math Tutor")
    assert managed.code == 1 and "is managed already: it is assistant.math-tutor of this stack" in managed.err
    by_id = aac("import", hand_made.math.id)
    assert f"error: {hand_made.math.id} is managed already" in by_id.err  # the id, once
    nothing = aac("import")
    assert nothing.code == 1 and "pass live ids or names" in nothing.err


def test_existing_files_are_never_overwritten_and_keys_never_clash(
        aac: Cli, client: openai.OpenAI, hand_made: HandMade) -> None:
    (aac.root / IMPORTED).mkdir(parents=True)
    squatter = aac.root / IMPORTED / "weather-bot.yaml"
    squatter.write_text("kind: vector_store\nname: weather-archive\n", encoding="utf-8")
    (aac.root / "assistants/support.yaml").write_text("kind: vector_store\nname: support\n", encoding="utf-8")

    refused = aac("import", "Weather Bot", "--auto-approve")

    assert refused.code == 1
    assert "import would overwrite" in refused.err and "nothing was written" in refused.err
    assert squatter.read_text(encoding="utf-8") == "kind: vector_store\nname: weather-archive\n"
    assert not (aac.root / "schemas").exists()
    assert sorted(p.name for p in (aac.root / IMPORTED).iterdir()) == ["weather-bot.yaml"]

    result = aac("import", "Support", "--auto-approve")
    assert result.code == 0, result.err
    assert _manifest(aac.root, "support-2")["name"] == "support-2"  # `support` is an existing manifest's key
    outside = aac("import", "--all", "--out", "elsewhere")
    assert outside.code == 1 and "outside the manifests folder" in outside.err


def test_instructions_of_any_shape_round_trip_exactly(aac: Cli, client: openai.OpenAI) -> None:
    odd = ["  indented first line\nsecond\n", "trailing spaces   \n\tand a tab\n", "no newline at the end",
           "windows\r\nline ends\r\n", "unicode: café ✓ — “quotes”\n", "key: value # not a comment\n- dash\n"]
    for index, text in enumerate(odd):
        client.beta.assistants.create(model="gpt-4o", name=f"Odd {index}", instructions=text)

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def test_a_target_without_assistants_imports_its_vector_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from aac.sandbox.server import serve_in_background

    from .conftest import KEY_ENV

    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(":memory:", no_assistants=True) as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as sdk:
        upload = sdk.files.create(file=("guide.md", b"# Guide\n"), purpose="assistants")
        store = sdk.vector_stores.create(name="Guides", file_ids=[upload.id],
                                         expires_after={"anchor": "last_active_at", "days": 7})
        aac = _stack_on(tmp_path / "stack", server.base_url, capsys)
        root = aac.root

        gone = aac("import", "asst_abc")
        assert gone.code == 1 and "the Assistants API is gone" in gone.err
        result = aac("import", "Guides", "--auto-approve")

        assert result.code == 0, result.err
        assert _manifest(root, "guides")["expires_after"] == {"anchor": "last_active_at", "days": 7}
        assert aac("plan", "--detailed-exitcode").code == 0
        assert owner_of(sdk.vector_stores.retrieve(store.id).metadata) is not None


def test_instructions_go_to_a_file_past_40_lines_or_4000_characters(aac: Cli, client: openai.OpenAI) -> None:
    texts = {"forty-lines": "line\n" * 40, "forty-one-lines": "line\n" * 41, "long-line": "x" * 4001}
    for name, text in texts.items():
        client.beta.assistants.create(model="gpt-4o", name=name, instructions=text)

    assert aac("import", "--all", "--auto-approve").code == 0

    assert _manifest(aac.root, "forty-lines")["instructions"] == texts["forty-lines"]
    for name in ("forty-one-lines", "long-line"):
        assert _manifest(aac.root, name)["instructions_file"] == f"{name}.instructions.md"
        assert (aac.root / IMPORTED / f"{name}.instructions.md").read_text(encoding="utf-8") == texts[name]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_what_a_manifest_cannot_say_shows_in_the_adoption_plan_and_apply_makes_it_so(
        aac: Cli, client: openai.OpenAI) -> None:
    nameless = client.beta.assistants.create(model="gpt-4o", instructions="No name.")

    result = aac("import", nameless.id, "--auto-approve")

    assert result.code == 0, result.err
    assert "# assistant.assistant will be updated in place (adopted: aac adds this stack's tags; " \
           "`aac apply` then makes the other changes shown)" in result.out
    assert "+ display_name    = \"assistant\"" in result.out
    assert "apply` makes the other changes shown for assistant.assistant." in result.err
    assert aac("plan", "--detailed-exitcode").code == 2
    assert aac("apply", "--auto-approve").code == 0
    assert client.beta.assistants.retrieve(nameless.id).name == "assistant"
    assert aac("plan", "--detailed-exitcode").code == 0


def test_import_creates_the_manifests_folder_of_a_new_stack(aac: Cli, client: openai.OpenAI,
                                                             hand_made: HandMade) -> None:
    (aac.root / "assistants").rmdir()

    result = aac("import", "--all", "--out", "assistants", "--auto-approve")

    assert result.code == 0, result.err
    assert "created the manifests folder assistants/" in result.err
    assert (aac.root / "assistants/support.yaml").is_file()
    assert aac("plan", "--detailed-exitcode").code == 0


def test_import_with_nothing_to_import_leaves_no_empty_folder(aac: Cli, client: openai.OpenAI) -> None:
    (aac.root / "assistants").rmdir()
    result = aac("import", "--all")
    assert result.code == 0 and "Nothing to import" in result.out
    assert not (aac.root / "assistants").exists()


def test_a_store_on_a_cursor_dropping_server_is_imported_with_every_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """llama-stack's `after` cursor skips files sharing a second: import reads them the other way too, as plan does."""
    from aac.sandbox.server import serve_in_background

    from .conftest import KEY_ENV

    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(":memory:", index_delay_ms=0, profile="llama-stack") as server, \
            openai.OpenAI(base_url=server.base_url, api_key="sk-test") as sdk:
        ids = [sdk.files.create(file=(f"{i}.md", b"x"), purpose="assistants").id for i in range(101)]
        store = sdk.vector_stores.create(name="Big")
        sdk.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
        aac = _stack_on(tmp_path / "stack", server.base_url, capsys)
        root = aac.root

        result = aac("import", "Big", "--auto-approve")

        assert result.code == 0, result.err
        assert sorted(_manifest(root, "big")["file_ids"]) == sorted(ids)  # type: ignore[arg-type]
        assert aac("plan", "--detailed-exitcode").code == 0


def test_the_files_attributes_are_kept_in_view_and_nothing_plans_to_change_them(
        aac: Cli, client: openai.OpenAI) -> None:
    upload = client.files.create(file=("guide.md", b"# Guide\nHello.\n"), purpose="assistants")
    plain = client.files.create(file=("plain.md", b"# Plain\n"), purpose="assistants")
    store = client.vector_stores.create(name="Tagged")
    client.vector_stores.files.create(vector_store_id=store.id, file_id=upload.id,
                                      attributes={"topic": "guide\n# not: a key", "year": 2024, "public": True})
    client.vector_stores.files.create(vector_store_id=store.id, file_id=plain.id)
    assert aac("import", store.id, "--auto-approve").code == 0
    text = (aac.root / IMPORTED / "tagged.yaml").read_text(encoding="utf-8")
    assert f'#   {upload.id}: {{"public": true, "topic": "guide\\n# not: a key", "year": 2024}}\n' in text
    assert plain.id not in text.split("kind:")[0].split("carry these attributes")[-1]  # no attributes, no line
    assert _manifest(aac.root, "tagged")["file_ids"] == sorted([upload.id, plain.id])
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0
