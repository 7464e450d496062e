"""JSON documents (`aac output`, `aac check --format json` and their `--out` files) hold what the target returned as
data, and read as they are on a terminal or in a CI log: a line separator, NEL or a bidirectional override in an id
or a filename is a JSON escape, never the raw character, and the document loads back to exactly the server's value.

The hostile values are planted in the real sandbox's store, as a hostile server would answer them.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli
from tests.test_hostile_names import aac, reissue, rename_upload, tags  # noqa: F401  (the fixture)

from aac.sandbox.server import RunningSandbox
from test_plan_cli import KEY, example

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Characters a terminal or a log viewer acts on, which JSON's encoder keeps raw unless told to escape past ASCII.
UNSAFE = {"LS": "\u2028", "PS": "\u2029", "NEL": "\x85", "RLO": "\u202e", "isolate": "\u2066", "tag": "\U000e0041",
          "zero width": "\u200b", "C1 CSI": "\x9b"}


def _raw_unsafe(text: str) -> list[str]:
    return [c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


@pytest.mark.parametrize("char", list(UNSAFE.values()), ids=list(UNSAFE))
def test_output_json_escapes_what_a_terminal_acts_on_and_keeps_the_id(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI, char: str) -> None:  # noqa: F811
    obj_id = client.beta.assistants.create(model="gpt-4o", name="kb", metadata=tags("kb")).id
    hostile = f"{obj_id}{char}é"
    reissue(sandbox, "assistant", obj_id, hostile)

    for result in (aac("output"), aac("output", "--out", "out.json")):
        assert result.code == 0, result.err
    printed = aac("output").out
    assert not _raw_unsafe(printed) and "é" in printed  # readable past ASCII, escaped where it must be
    assert json.loads(printed)["assistants"]["kb"]["id"] == hostile
    saved = (aac.root / "out.json").read_text("utf-8")
    assert not _raw_unsafe(saved) and json.loads(saved)["assistants"]["kb"]["id"] == hostile


@pytest.mark.parametrize("char", ["\u2028", "\x85", "\u202e", "\U000e0041"], ids=["LS", "NEL", "RLO", "tag"])
def test_check_json_escapes_a_filename_the_search_returns(
        tmp_path: Path, sandbox: RunningSandbox, client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], char: str) -> None:
    monkeypatch.setenv("AAC_TEST_KEY", KEY)
    monkeypatch.delenv("AAC_TARGET", raising=False)
    root = example(tmp_path, sandbox.base_url)
    aac = Cli(root, capsys)  # noqa: F811
    assert aac("--target", "remote", "apply", "--auto-approve").code == 0
    store = next(s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "support-kb")
    faq = (root / "knowledge/faq.md").read_bytes()
    upload = client.files.create(file=("faq-copy.md", faq * 3), purpose="assistants")  # ranks with the FAQ
    name = f"faq{char}copy é.md"
    rename_upload(sandbox, upload.id, name)
    client.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=upload.id)

    result = aac("--target", "remote", "check", "--format", "json", "--out", "report.json")
    report = result.json()
    assert any(name in check["found"] for check in report["checks"]), result.out  # the search returned it
    assert not _raw_unsafe(result.out) and "é" in result.out
    saved = (root / "report.json").read_text("utf-8")
    assert not _raw_unsafe(saved) and json.loads(saved)["checks"] == report["checks"]
