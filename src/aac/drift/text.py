"""The drift report for a terminal or a CI log."""

from __future__ import annotations

from aac.drift.blocks import NEXT_STEP, NO_DRIFT, drift_block, drift_summary, incomplete_lines
from aac.model.drift import DriftReport
from aac.output import Output
from aac.render.text import render_block


def render_drift_text(report: DriftReport, out: Output) -> str:
    items = report.drifted
    parts = [f"aac drift report (stack {report.stack}, target {report.target}, scanned {report.created_at}):"]
    if not items and report.complete:
        parts.append(out.style(NO_DRIFT, "green", "bold"))
    parts.extend(render_block(drift_block(item), out) for item in items)
    parts.append(out.style(drift_summary(report), "bold") + (f"\n{NEXT_STEP}" if items else ""))
    incomplete = incomplete_lines(report)
    if incomplete:
        parts.append(out.style("Error: ", "red", "bold") + "\n  ".join(incomplete))
    return "\n\n".join(parts) + "\n"
