"""Output that cannot fool a reader: control and bidirectional characters in any value of a plan, a drift
report or a retrieval check report are shown escaped in text, markdown and JUnit, wherever the value
appears (names, instructions, reasons, queries)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from aac.apply.graph import Status
from aac.apply.report import ChangeOutcome, print_report
from aac.check_report import CheckReport, Comparison, Move, QueryChange
from aac.errors import Problem
from aac.escape import escape_text
from aac.model.drift import Category, DriftItem
from aac.model.plan import Action, Change
from aac.output import Output
from aac.render import render_drift, render_plan
from aac.render.checks import render_checks
from aac.resources import RetrievalCheck
from aac.retrieval import CheckResult

from .drifts import every_category
from .plans import no_changes

EVIL = "admin\u202eevil\x1b[31mred\x07\u2066x\u200fy\x85z\u2028w\rv\U000e0041"
UNSAFE = ("\u202e", "\x1b", "\x07", "\u2066", "\u200f", "\x85", "\u2028", "\r", "\U000e0041")


def _clean(text: str) -> None:
    found = [repr(c) for c in UNSAFE if c in text]
    assert not found, f"unescaped {found} in:\n{text}"
    assert "\\u202e" in text and "\\u001b" in text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("color", [False, True])
def test_a_plan_escapes_control_and_bidi_characters_wherever_they_appear(fmt: str, color: bool) -> None:
    change = Change(f"assistant.{EVIL}", "assistant", EVIL, Action.UPDATE, id="asst_1",
                    before={"instructions": "one\ntwo", "display_name": "n", "metadata": {"k": "v"}},
                    after={"instructions": f"one\n{EVIL}\nthree", "display_name": EVIL, "metadata": {EVIL: EVIL}},
                    changed_fields=("instructions", "display_name", "metadata"), reason=EVIL)
    plan = replace(no_changes(), changes=(change,), warnings=(EVIL,))
    text = render_plan(plan, fmt, Output(color=color))
    if color:  # the colour codes aac adds are the only escape sequences left
        assert "\x1b[31mred" not in text and "\\u001b[31mred" in text
    else:
        _clean(text)


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit"])
def test_a_drift_report_escapes_them_too(fmt: str) -> None:
    item = DriftItem(f"assistant.{EVIL}", "assistant", EVIL, Category.DRIFTED, id="asst_1",
                     changed_fields=("instructions",), expected={"instructions": "a\nb"},
                     actual={"instructions": f"a\n{EVIL}"}, detail=EVIL)
    report = replace(every_category(), items=(item,))
    _clean(render_drift(report, fmt, Output()))


@pytest.mark.parametrize("fmt", ["text", "junit", "markdown"])
def test_a_check_report_escapes_the_query_and_the_filenames_the_target_names(fmt: str) -> None:
    check = RetrievalCheck(query=EVIL, expect=(f"kb/{EVIL}.md",), within=3, line=4, absent=(f"{EVIL}.pdf",))
    result = CheckResult("kb", 1, check, "assistants/kb.yaml:4", ranked=(f"{EVIL}.pdf",))
    worse = QueryChange("kb", EVIL, (Move(f"kb/{EVIL}.md", 1, None),), worse=True, came_back=(f"{EVIL}.pdf",))
    comparison = Comparison(EVIL, EVIL, (worse,), (), (("kb", EVIL),), (("kb", EVIL),), ())
    report = CheckReport("demo", "sandbox", "2026-01-01T00:00:00Z", (result,), comparison=comparison)
    _clean(render_checks(report, fmt, Output()))


def test_a_value_is_one_line_unless_it_is_shown_as_a_block_and_plain_text_is_untouched() -> None:
    assert escape_text("a\tb\r\nc\nd é 日本") == "a\tb\\u000d\\u000ac\\u000ad é 日本"
    assert escape_text("a\tb\r\nc\nd é 日本", lines=True) == "a\tb\r\nc\nd é 日本"
    assert escape_text("a\rb\vc\fd\x85e\u2028f\u2029g", lines=True) == \
        "a\\u000db\\u000bc\\u000cd\\u0085e\\u2028f\\u2029g"
    assert escape_text("x\u202ey") == "x\\u202ey"


def test_errors_and_warnings_are_escaped_as_plans_are() -> None:
    stderr = io.StringIO()
    out = Output(stderr=stderr, color=True)
    out.error(f"the server said: {EVIL}", f"try {EVIL}")
    out.warn(EVIL)
    text = stderr.getvalue()
    assert "\x1b[31mred" not in text and "\\u001b[31mred" in text and "\u202e" not in text
    assert text.count("\x1b[0m") == 3  # the colour aac adds to "error:", "hint:" and "warning:" stays


# Every line break: each would print a line of its own in a terminal, a log viewer or a markdown renderer.
BREAK_NAMES = {"LF": "\n", "CRLF": "\r\n", "CR": "\r", "VT": "\v", "FF": "\f", "FS": "\x1c", "NEL": "\x85",
               "LS": "\u2028", "PS": "\u2029"}
BREAKS, IDS = tuple(BREAK_NAMES.values()), list(BREAK_NAMES)
OWN = ("No changes.", "No drift.", "## No drift", "error:", "Plan:", "Warning:")


def _forged(brk: str) -> str:
    return brk.join(["x", "No changes. Live state matches the manifests.", "## No drift", "error: forged", "Plan: 1"])


def _no_forged_line(text: str, allowed: tuple[str, ...] = ()) -> None:
    for line in text.splitlines():
        assert not line.startswith(OWN) or line.startswith(allowed), f"forged {line!r} in:\n{text}"
        assert "<summary>" not in line or "</summary>" in line, line


@pytest.mark.parametrize("brk", BREAKS, ids=IDS)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_no_value_of_a_plan_prints_a_line_of_its_own(fmt: str, brk: str) -> None:
    evil = _forged(brk)
    changes = (
        Change(f"file.{evil}", "file", evil, Action.DELETE, id=f"file-{evil}", reason=evil,
               before={"filename": evil, "bytes": 3}),
        Change(f"vector_store_file.kb/{evil}", "vector_store_file", f"kb/{evil}", Action.CREATE,
               after={"vector_store": "kb", "path": evil, "sha256": "a" * 64}),
        Change("vector_store.kb", "vector_store", "kb", Action.UPDATE, id="vs_1", changed_fields=("files",),
               before={"files": []}, after={"files": ["a" * 64]}),
        Change(f"assistant.{evil}", "assistant", evil, Action.UPDATE, id="asst_1",
               changed_fields=("tools", "metadata", "instructions"),
               before={"tools": [], "metadata": {}, "instructions": "a\nb"},
               after={"tools": [{"type": "function", "function": {"name": evil}}], "metadata": {evil: evil},
                      "instructions": "a\nc"}),
    )
    plan = replace(no_changes(), changes=changes, warnings=(evil,), notes=(evil,), stack=evil, target=evil)
    text = render_plan(plan, fmt, Output())
    _no_forged_line(text, ("Plan:", "Warning:") if fmt == "text" else ())
    heredoc = [line for line in text.splitlines() if line.lstrip(" !+-~").strip() in ("a", "b", "c")]
    assert len(heredoc) == 3  # a value shown as a block still keeps its own lines, each prefixed


@pytest.mark.parametrize("brk", BREAKS, ids=IDS)
@pytest.mark.parametrize("fmt", ["text", "markdown", "junit"])
def test_no_value_of_a_drift_report_prints_a_line_of_its_own(fmt: str, brk: str) -> None:
    evil = _forged(brk)
    items = (DriftItem(f"vector_store.{evil}", "vector_store", evil, Category.DRIFTED, id=f"vs_{evil}",
                       changed_fields=("files",), expected={"files": ["a.md"]}, actual={"files": [evil]},
                       detail=f"attached by hand: {evil}"),
             DriftItem(f"assistant.{evil}", "assistant", evil, Category.UNMANAGED, id=evil, actual={"name": evil}))
    report = replace(every_category(), items=items, complete=False, errors=(evil,), stack=evil)
    text = render_drift(report, fmt, Output())
    if fmt == "junit":
        text = "\n".join(node.text or "" for node in ET.fromstring(text).iter())
    _no_forged_line(text)


@pytest.mark.parametrize("brk", BREAKS, ids=IDS)
@pytest.mark.parametrize("fmt", ["text", "junit"])
def test_no_filename_a_search_returns_prints_a_line_of_its_own_in_a_check_report(fmt: str, brk: str) -> None:
    evil = _forged(brk)
    check = RetrievalCheck(query="q", expect=("kb/a.md",), within=3, line=4)
    result = CheckResult("kb", 1, check, "assistants/kb.yaml:4", ranked=(evil,))
    text = render_checks(CheckReport("demo", "sandbox", "2026-01-01T00:00:00Z", (result,)), fmt, Output())
    if fmt == "junit":
        text = "\n".join(node.text or "" for node in ET.fromstring(text).iter())
    _no_forged_line(text)


@pytest.mark.parametrize("brk", BREAKS, ids=IDS)
def test_errors_warnings_problems_and_the_apply_report_keep_a_value_on_its_line(brk: str) -> None:
    evil = _forged(brk)
    stderr, stdout = io.StringIO(), io.StringIO()
    out = Output(stdout=stdout, stderr=stderr)
    out.error(f"deleting vector store {evil} failed", f"check {evil}")
    out.warn(evil)
    out.problem(Problem(f"assistants/{evil}.yaml", 3, evil, evil))
    print_report(out, [ChangeOutcome(f"file.{evil}", Action.DELETE, Status.FAILED, evil)])
    lines = stderr.getvalue().splitlines()
    starts = ("error: deleting", "hint: check", "warning: x", "assistants/x", "    hint: x")
    assert len(lines) == len(starts) and all(line.startswith(s) for line, s in zip(lines, starts, strict=True)), lines
    _no_forged_line(stdout.getvalue())
    assert len(stdout.getvalue().splitlines()) == 2  # the failed change and the summary
