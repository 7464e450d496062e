"""Rendering a plan: text for a terminal, markdown for a pull request, JSON for machines.

JSON is aac's plan with Terraform's representation beside it (aac.render.terraform).
Every format reads the same `Plan` (STYLE: the plan is data); none does I/O or decides
colour itself: `out.style` does. Text, markdown and JUnit read it with every string escaped
(aac.escape): control and bidirectional characters cannot fool a reader.
"""

from __future__ import annotations

from collections.abc import Collection

from aac.errors import AacError
from aac.escape import escaped
from aac.model.drift import DRIFT_CATEGORIES, Category, DriftReport
from aac.model.plan import Plan
from aac.output import Output

FORMATS = ("text", "json", "markdown")
DRIFT_FORMATS = ("text", "json", "markdown", "junit")


def render_plan(plan: Plan, fmt: str, out: Output) -> str:
    """The plan as `fmt`, ending in a newline; colour (text only) as `out` allows."""
    if fmt == "text":
        from aac.render.text import render_text

        return render_text(escaped(plan), out)
    if fmt == "markdown":
        from aac.render.markdown import render_markdown

        return render_markdown(escaped(plan))
    if fmt == "json":
        from aac.render.terraform import plan_document

        return plan_document(plan)
    raise AacError(f"unknown plan format {fmt!r}", f"use one of: {', '.join(FORMATS)}")


def render_drift(report: DriftReport, fmt: str, out: Output,
                 fail_on: Collection[Category] = DRIFT_CATEGORIES) -> str:
    """The drift report as `fmt`; `fail_on` decides which categories JUnit counts as failures."""
    if fmt == "text":
        from aac.drift.text import render_drift_text

        return render_drift_text(escaped(report), out)
    if fmt == "markdown":
        from aac.drift.markdown import render_drift_markdown

        return render_drift_markdown(escaped(report))
    if fmt == "junit":
        from aac.drift.junit import render_drift_junit

        return render_drift_junit(escaped(report), fail_on)
    if fmt == "json":
        return report.dumps()
    raise AacError(f"unknown drift report format {fmt!r}", f"use one of: {', '.join(DRIFT_FORMATS)}")
