"""The drift report as markdown: a job summary or the body of one tracking issue.

A hidden marker comes first so the nightly job updates one issue instead of opening
another (IAC_CONVENTIONS: "do not comment on every run"); the size budget is mdkit's.
"""

from __future__ import annotations

from collections.abc import Sequence

from aac.drift.blocks import NEXT_STEP, NO_DRIFT, SYMBOLS, drift_block, drift_summary, incomplete_lines
from aac.model.drift import DriftItem, DriftReport
from aac.output import plural
from aac.render.mdkit import LIMIT, cell, code, cut_note, details, diff_line, fit_details, footnote, join, rows_within

_FULL_REPORT = "run `aac drift` for the whole report"


def marker_comment(stack: str) -> str:
    return f"<!-- aac-drift:{stack} -->"


def render_drift_markdown(report: DriftReport, limit: int = LIMIT) -> str:
    items = report.drifted
    head = _head(report)
    if not items:
        return join([head, NO_DRIFT if report.complete else None, _incomplete(report), _footer(report)])
    table = [_row(item) for item in items]
    blocks = [drift_block(item) for item in items]
    bodies = [[diff_line(line) for line in block.lines if line.depth > 0] for block in blocks]

    def compose(cut: int | None) -> str:
        sections = [details(f"{SYMBOLS[item.category]} {item.address}", block.header[len(item.address):], body, cut)
                    for item, block, body in zip(items, blocks, bodies, strict=True)]
        return join([head, _incomplete(report), _table(table), NEXT_STEP, cut_note(cut, _FULL_REPORT), *sections,
                     _footer(report)])

    return fit_details(compose, limit) or _squeeze(report, table, limit)


def _squeeze(report: DriftReport, table: Sequence[str], limit: int) -> str:
    note = f"Details are left out to keep this report under {limit:,} characters; {_FULL_REPORT}."
    head, footer, incomplete = _head(report), _footer(report), _incomplete(report) or ""
    rows = rows_within(table, limit - len(head) - len(footer) - len(note) - len(incomplete) - 200)
    omitted = len(table) - len(rows)
    more = f"… and {plural(omitted, 'more object')} not listed here." if omitted else None
    return join([head, incomplete, _table(rows), more, note, footer])


def _head(report: DriftReport) -> str:
    counts = drift_summary(report).removeprefix("Drift: ").removesuffix(".")
    title = f"## aac drift for {code(report.stack)} on {code(report.target)}: {counts}"
    return f"{marker_comment(report.stack)}\n{title}"


def _table(rows: Sequence[str]) -> str:
    return "\n".join(["| | Address | Drift | Fields |", "|:-:|---|---|---|", *rows])


def _row(item: DriftItem) -> str:
    fields = ", ".join(code(name) for name in item.changed_fields)
    text = "; ".join(part for part in (fields, cell(item.detail or "")) if part)
    return f"| {code(SYMBOLS[item.category])} | {code(item.address)} | {item.category.value} | {text} |"


def _incomplete(report: DriftReport) -> str | None:
    lines = incomplete_lines(report)
    if not lines:
        return None
    return "\n".join([f"> **Error:** {cell(lines[0])}", *(f"> - {cell(line)}" for line in lines[1:])])


def _footer(report: DriftReport) -> str:
    return footnote(f"aac {report.tool_version} · scanned {report.created_at} · {report.requests} API requests")
