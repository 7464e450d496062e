"""Every format over hand-built plans, against golden files."""

from __future__ import annotations

import pytest

from aac.model.plan import Plan
from aac.output import Output
from aac.render import render_plan

from .golden import check_golden
from .plans import every_action, no_changes

CASES = {"every_action": every_action, "no_changes": no_changes}
GOLDEN = {"text": "text.txt", "markdown": "markdown.md", "json": "plan-json.json"}  # not plan.json: git ignores it


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_plan_renders_as_its_golden(case: str, fmt: str) -> None:
    check_golden(f"{case}/{GOLDEN[fmt]}", render_plan(CASES[case](), fmt, Output(color=False)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_colour_text_renders_as_its_golden(case: str) -> None:
    check_golden(f"{case}/text-color.txt", render_plan(CASES[case](), "text", Output(color=True)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_reads_back_as_the_same_plan(case: str) -> None:
    plan = CASES[case]()
    again = Plan.loads(render_plan(plan, "json", Output()))
    assert again.dumps() == plan.dumps()
    assert again.summary == plan.summary
