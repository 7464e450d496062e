"""The repository's own example stack, the schema as shipped, and the command surface."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aac import limits
from aac.cli import main
from aac.desired import load_desired, schema_text
from aac.resources import TAGS
from aac.stack import load_stack

REPO = Path(__file__).resolve().parents[2]
DESIGN_COMMANDS = ("init", "validate", "plan", "apply", "show", "drift", "import", "output", "destroy", "sandbox")


def test_the_example_stack_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-color", "--chdir", str(REPO), "validate"]) == 0
    err = capsys.readouterr().err
    assert "valid: stack 'demo', 1 vector store, 3 assistants, 1 vault, 1 credential, 1 agent, 5 files" in err
    assert "warning" not in err


def test_the_example_stack_exercises_the_format() -> None:
    desired, _ = load_desired(load_stack(REPO))
    assert sorted(desired.assistants) == ["customer-support", "math-tutor", "weather-bot"]
    assert desired.assistants["customer-support"].vector_store == "support-kb"
    assert {Path(p).suffix for p in desired.vector_stores["support-kb"].files} == {".md", ".pdf"}
    functions = [t["function"]["name"] for t in desired.assistants["weather-bot"].tools]
    assert functions == ["getCurrentWeather", "getNickname"]
    for manifest in (REPO / "assistants").rglob("*.yaml"):
        assert manifest.read_text().startswith("# yaml-language-server: $schema=")


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in DESIGN_COMMANDS:
        assert f"  {command} " in out, command


def test_the_repository_schema_is_the_shipped_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert (REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8") == schema_text()
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(schema_text())


def test_the_schema_states_the_same_limits_as_limits_py() -> None:
    defs = json.loads(schema_text())["$defs"]
    assistant = defs["assistant"]["properties"]
    assert assistant["tools"]["maxItems"] == limits.TOOLS_MAX
    assert assistant["instructions"]["maxLength"] == limits.INSTRUCTIONS_MAX
    assert assistant["display_name"]["maxLength"] == limits.NAME_MAX
    assert assistant["description"]["maxLength"] == limits.DESCRIPTION_MAX
    assert assistant["reasoning_effort"]["enum"] == list(limits.REASONING_EFFORTS)
    assert defs["function"]["properties"]["name"]["pattern"] == limits.FUNCTION_NAME_PATTERN
    metadata = defs["metadata"]
    assert metadata["maxProperties"] == limits.USER_METADATA_PAIRS_MAX
    assert metadata["propertyNames"]["not"]["enum"] == list(TAGS)
    assert metadata["propertyNames"]["maxLength"] == limits.METADATA_KEY_MAX
    assert metadata["additionalProperties"]["maxLength"] == limits.METADATA_VALUE_MAX


def test_the_example_pdfs_are_well_formed_and_small() -> None:
    pdfs = sorted((REPO / "knowledge").rglob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
        assert len(data) < 8 * 1024
        xref = int(re.search(rb"startxref\s+(\d+)", data).group(1))  # type: ignore[union-attr]
        assert data[xref:xref + 4] == b"xref"
        for number, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", data), start=1):
            assert data[int(offset):].startswith(b"%d 0 obj" % number), (pdf.name, number)
        assert b"Tj" in data  # it carries text for file_search to index
