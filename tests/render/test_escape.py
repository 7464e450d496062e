"""Output that cannot fool a reader: control and bidirectional characters in any value of a plan, a drift
report or a retrieval check report are shown escaped in text, markdown and JUnit, wherever the value
appears (names, instructions, reasons, queries)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from aac.check_report import CheckReport, Comparison, Move, QueryChange
from aac.drift.model import Category, DriftItem
from aac.escape import escape_text
from aac.output import Output
from aac.plan.model import Action, Change
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


def test_newlines_tabs_and_crlf_stay_and_plain_text_is_untouched() -> None:
    assert escape_text("a\tb\r\nc\nd é 日本") == "a\tb\r\nc\nd é 日本"
    assert escape_text("x\u202ey") == "x\\u202ey"


def test_errors_and_warnings_are_escaped_as_plans_are() -> None:
    stderr = io.StringIO()
    out = Output(stderr=stderr, color=True)
    out.error(f"the server said: {EVIL}", f"try {EVIL}")
    out.warn(EVIL)
    text = stderr.getvalue()
    assert "\x1b[31mred" not in text and "\\u001b[31mred" in text and "\u202e" not in text
    assert text.count("\x1b[0m") == 3  # the colour aac adds to "error:", "hint:" and "warning:" stays
