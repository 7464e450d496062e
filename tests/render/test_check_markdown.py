"""The check report as a pull request comment: under GitHub's limit, the worst regressions kept."""

from __future__ import annotations

import re

from aac.check_report import CheckReport, Comparison, MetricChange, Move, QueryChange
from aac.output import Output
from aac.render.check_markdown import render_check_markdown
from aac.render.checks import render_checks
from aac.resources import RetrievalCheck
from aac.retrieval import CheckResult

GITHUB_LIMIT = 65_536


def worse(n: int) -> QueryChange:
    # the n-th drops from rank 1 to n + 2: the larger n, the more reciprocal rank it loses
    return QueryChange("kb", f"question {n:05d} " + "about widgets " * 12, (Move("knowledge/faq.md", 1, n + 2),),
                       worse=True)


def big_report(count: int) -> CheckReport:
    changes = sorted((worse(n) for n in range(count)), key=lambda c: -c.severity)
    failed = tuple(CheckResult("kb", n, RetrievalCheck(f"failing {n} " + "x" * 100, ("knowledge/faq.md",), 3),
                               f"m.yaml:{n}", ("other.md",)) for n in range(count))
    comparison = Comparison("main.json", "2026-01-01T00:00:00Z", tuple(changes), tuple(changes[:50]),
                            (("kb", "new one"),), (), (MetricChange("", "mrr", 0.9, 0.5),))
    return CheckReport("demo", "ci", "2026-01-02T00:00:00Z", failed, comparison=comparison)


def test_a_huge_report_is_cut_to_fit_a_comment_saying_how_many_were_left_out() -> None:
    report = big_report(5_000)
    text = render_check_markdown(report)
    assert len(text) <= GITHUB_LIMIT
    shown = re.findall(r"^\| question (\d{5}) ", text, re.MULTILINE)
    assert shown[:3] == ["04999", "04998", "04997"]  # the worst first
    left = re.search(r"… and ([\d,]+) more queries left out to fit this comment\.", text)
    assert left is not None and int(left.group(1).replace(",", "")) == 5_000 - len(shown)
    assert "| all stores | MRR | 0.900 | 0.500 | **-0.400** :small_red_triangle_down: |" in text  # metrics first
    assert "\nFailed checks (5,000): 5,000 failed checks left out to fit this comment.\n" in text
    assert "\nBetter (50): 50 queries left out to fit this comment.\n" in text
    assert text.startswith("<!-- aac-check:demo -->\n")


def test_a_small_report_keeps_every_row_and_a_tight_limit_still_holds() -> None:
    report = big_report(3)
    text = render_checks(report, "markdown", Output())
    assert "left out" not in text
    assert "### Better (3)" in text and "### New and removed queries (1)\n" in text
    tight = render_check_markdown(report, limit=1_500)
    assert len(tight) <= 1_500 and "left out to fit this comment" in tight


def test_a_pipe_or_a_newline_in_a_query_stays_inside_its_table_cell() -> None:
    change = QueryChange("kb", "a | b\nc", (Move("x|y.md", 1, None),), worse=True)
    report = CheckReport("demo", "ci", "t", (), comparison=Comparison("b.json", "t", (change,), (), (), (), ()))
    [row] = [line for line in render_check_markdown(report).splitlines() if line.startswith("| a")]
    assert row == "| a \\| b c | kb | `x\\|y.md`: 1 → out |"
