"""Progress on stderr: a line per event in CI logs, one line rewritten in place on a terminal."""

from __future__ import annotations

import io

from aac.apply.progress import Progress
from aac.output import Output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ci_logs_get_one_line_per_event() -> None:
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    progress = Progress.for_output(out)
    progress.uploaded("knowledge/faq.md", 2048, "file-1")
    progress.indexing("support-kb", 4)
    progress.indexed("support-kb", 4, failed=1)
    assert out.stderr.getvalue().splitlines() == [  # type: ignore[attr-defined]
        "uploaded knowledge/faq.md (2.0 KiB) as file-1",
        "indexing 4 files in vector_store.support-kb",
        "indexed vector_store.support-kb: 3 of 4 files, 1 failed",
    ]


def test_a_terminal_gets_one_updating_line_that_is_cleared_at_the_end() -> None:
    out = Output(stdout=io.StringIO(), stderr=Terminal())
    progress = Progress.for_output(out)
    progress.uploads_total, progress.stores_total = 2, 1
    progress.uploaded("a.md", 10, "file-1")
    progress.uploaded("b.md", 10, "file-2")
    progress.clear()
    text = out.stderr.getvalue()  # type: ignore[attr-defined]
    assert "\n" not in text
    assert "uploads 2/2 · indexed stores 0/1  uploaded b.md (10 B) as file-2" in text
    assert text.endswith("\r\033[K")
