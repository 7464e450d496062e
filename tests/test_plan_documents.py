"""`aac plan` over a stack attaching hostile documents: it finishes, and warns about each one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests import hostile_documents as hostile
from tests.cli_harness import Cli
from tests.test_storage_estimate import _stack

from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")


@pytest.fixture
def aac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    return Cli(tmp_path, capsys)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_a_plan_over_hostile_documents_finishes_and_warns_about_each(
        aac: Cli, sandbox: RunningSandbox, output: str) -> None:
    files = {"runs.docx": hostile.unclosed_runs("docx"), "bomb.pptx": hostile.zip_bomb("pptx"),
             "shared.pdf": hostile.shared_stream_pdf(3_000, hostile.text_ops("y" * 3_000, 1)),
             "fine.md": b"# fine\n"}
    _stack(aac.root, sandbox.base_url, files)
    result = aac("--target", "remote", "plan", "--format", output)
    assert result.code == 0, result.err
    shown = result.out if output != "json" else "\n".join(result.json()["warnings"])
    for name, reason in [("runs.docx", "its XML is not well-formed"), ("bomb.pptx", "expands past 64 MiB (limit)"),
                         ("shared.pdf", "content expands past 8 MiB (limit)")]:
        assert f"knowledge/{name}: its text could not be extracted" in shown
        assert reason in shown
    assert shown.count("its text could not be extracted") == 3  # none for the readable file
