"""Progress on stderr: a line per object and a heartbeat in a log, live lines per phase on a terminal."""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
from tests.cli_harness import Cli

from aac.api.connect import connect
from aac.api.writer import Writer
from aac.apply.graph import Outcome, Status, Step
from aac.apply.progress import ApplyProgress
from aac.model.plan import Action, Change
from aac.output import Output
from aac.progress import Progress
from aac.stack import load_stack

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _until(predicate: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_log_gets_one_line_per_object() -> None:
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    created = Change("assistant.bot", "assistant", "bot", Action.CREATE)
    progress = ApplyProgress(Progress.for_output(out), {created.address: created})
    steps = [Step("upload:x", lambda: None), Step("attach:kb", lambda: None),
             Step("assistant:bot", lambda: None, (created.address,))]
    progress.begin(steps, upload_bytes=2048)
    progress.uploaded("knowledge/faq.md", 2048, "file-1")
    progress.indexing("support-kb", 4)
    progress.indexed("support-kb", 4, failed=1)
    progress.step_done(steps[2], Outcome(Status.APPLIED))
    progress.close()
    assert out.stderr.getvalue().splitlines() == [  # type: ignore[attr-defined]
        "uploaded knowledge/faq.md (2.0 KiB) as file-1",
        "indexing 4 files in vector_store.support-kb",
        "indexed vector_store.support-kb: 3 of 4 files, 1 failed",
        "created assistant.bot",
    ]


def test_a_long_wait_in_a_log_gets_a_heartbeat() -> None:
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    progress = Progress.for_output(out, heartbeat_s=0.05)
    with progress.running():
        progress.start("index", "indexing", "store", total=2)
        progress.advance("index", "indexed vector_store.a")
        _until(lambda: "still" in out.stderr.getvalue())  # type: ignore[attr-defined]
        progress.finish("index", "indexed 2 stores")
    lines = out.stderr.getvalue().splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "indexed vector_store.a" and lines[-1] == "indexed 2 stores"
    assert any(line.startswith("still indexing   1/2 stores") for line in lines[1:-1]), lines


def test_a_terminal_gets_a_live_line_per_phase_with_bytes_and_rate() -> None:
    out = Output(stdout=io.StringIO(), stderr=Terminal(), width=120)
    now = [100.0]
    progress = Progress(out, live_line=True, clock=lambda: now[0])
    progress.start("upload", "uploading", "file", total=2, bytes_total=4 * 2**20)
    progress.start("index", "indexing", "store", total=1)
    now[0] = 102.0
    progress.sent("upload", 2 * 2**20)
    progress.advance("upload", "uploaded a.md")  # a terminal shows the count, not a line per file
    out.info("a warning")  # printed above the live lines, which come back below it
    lines = out.live_lines
    assert lines == ("uploading  1/2 files  [##########..........] 2.0 MiB of 4.0 MiB, 1.0 MiB/s  (2 s)",
                     "indexing   0/1 store  [....................]  (2 s)")
    progress.finish("upload")
    progress.close()
    text = out.stderr.getvalue()  # type: ignore[attr-defined]
    assert "uploaded a.md" not in text
    assert "\033[2F\033[Ja warning\n" + "".join(line + "\n" for line in lines) in text
    assert text.endswith("uploading  1/2 files  [##########..........] 2.0 MiB of 4.0 MiB, 1.0 MiB/s  (2 s)\n"
                         "indexing   0/1 store  [....................]  (2 s)\n\033[1F\033[J")
    assert out.live_lines == ()


def test_an_upload_reports_its_bytes_as_they_go(tmp_path: Path, sandbox: Any) -> None:
    (tmp_path / "aac.yaml").write_text(
        f"stack: up\ntargets:\n  t: {{type: openai, base_url: '{sandbox.base_url}', api_key_env: K}}\n")
    data = tmp_path / "big.md"
    data.write_bytes(b"# big\n" * 100_000)  # 600 kB: several chunks
    chunks: list[int] = []
    stack = load_stack(tmp_path)
    with connect(stack, stack.target(), {"K": "sk-test"}, Output(stderr=io.StringIO())) as api:
        sha = hashlib.sha256(data.read_bytes()).hexdigest()
        uploaded = Writer(api, "up").upload("big.md", data, sha, "big.md", chunks.append)
    assert uploaded.bytes == data.stat().st_size == sum(chunks)
    assert len(chunks) > 1


@pytest.fixture
def aac(tmp_path: Path, sandbox: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("AAC_PROGRESS_KEY", "sk-test")
    (tmp_path / "assistants").mkdir()
    (tmp_path / "kb.md").write_text("# KB\n")
    (tmp_path / "assistants/kb.yaml").write_text(
        "kind: vector_store\nname: kb\nfiles: [../kb.md]\n---\n"
        "kind: assistant\nname: bot\nmodel: gpt-4o\ntools: [file_search]\nvector_store: kb\n")
    (tmp_path / "aac.yaml").write_text(
        f"stack: p\ntargets:\n  t: {{type: openai, base_url: '{sandbox.base_url}', api_key_env: AAC_PROGRESS_KEY}}\n")
    return Cli(tmp_path, capsys)


def test_the_cli_in_a_log_says_what_it_reads_and_each_object_it_makes(aac: Cli) -> None:
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert lines[0].startswith("read live state from t: ") and lines[0].endswith(" s")
    uploaded = [line for line in lines[1:] if line.startswith("uploaded kb.md (5 B) as file-")]
    others = sorted(line for line in lines[1:] if line not in uploaded)
    assert len(uploaded) == 1 and others == [
        "created assistant.bot", "created vector_store.kb",
        "indexed vector_store.kb: 1 of 1 files", "indexing 1 file in vector_store.kb"]
