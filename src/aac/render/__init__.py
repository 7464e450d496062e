"""Rendering a plan: text for a terminal, markdown for a pull request, JSON for machines.

Every format reads the same `Plan` (STYLE: the plan is data); none does I/O or decides
colour itself: `out.style` does.
"""

from __future__ import annotations

from aac.errors import AacError
from aac.output import Output
from aac.plan import Plan

FORMATS = ("text", "json", "markdown")


def render_plan(plan: Plan, fmt: str, out: Output) -> str:
    """The plan as `fmt`, ending in a newline; colour (text only) as `out` allows."""
    if fmt == "text":
        from aac.render.text import render_text

        return render_text(plan, out)
    if fmt == "markdown":
        from aac.render.markdown import render_markdown

        return render_markdown(plan)
    if fmt == "json":
        return plan.dumps()
    raise AacError(f"unknown plan format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
