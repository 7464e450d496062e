"""The plan as one pull-request comment, updated in place by CI.

A hidden marker comes first so CI finds its own comment (IAC_CONVENTIONS: one sticky
comment per stack); the comment stays under mdkit.LIMIT characters (see mdkit).
"""

from __future__ import annotations

from collections.abc import Sequence

from aac.model.plan import Action, Change, Plan
from aac.output import plural
from aac.render.blocks import SYMBOLS, build_block, file_index
from aac.render.mdkit import (
    LIMIT,
    cell,
    code,
    cut_note,
    details,
    diff_line,
    fit_details,
    footnote,
    join,
    rows_within,
)
from aac.render.summary import NO_CHANGES, freed_line, ordered, refused_line, storage_line, summary_line

_FULL_PLAN = "run `aac show PLAN_FILE` on the saved plan, or read the plan in the CI log"


def marker_comment(stack: str) -> str:
    return f"<!-- aac-plan:{stack} -->"


def render_markdown(plan: Plan, limit: int = LIMIT) -> str:
    changes = ordered(plan)
    if not changes:
        return join([_head(plan, "no changes"), NO_CHANGES, _footer(plan)])
    table = [_row(change) for change in changes]
    note = f"Details are left out to keep this comment under {limit:,} characters; {_FULL_PLAN}."
    if sum(len(row) + 1 for row in table) > limit:  # no room for details at all: skip building them
        return _squeeze_table(plan, table, note, limit)
    files = file_index(plan)
    blocks = [build_block(change, files) for change in changes]
    bodies = [[diff_line(line) for line in block.lines if line.depth > 0] for block in blocks]

    def compose(cut: int | None) -> str:
        sections = [
            details(f"{SYMBOLS[block.change.action]} {block.change.address}",
                    block.header[len(block.change.address):], body, cut)
            for block, body in zip(blocks, bodies, strict=True)
        ]
        return join([_head(plan, _counts(plan)), _table(table), cut_note(cut, _FULL_PLAN), *sections, _footer(plan)])

    return fit_details(compose, limit) or _squeeze_table(plan, table, note, limit)


def _counts(plan: Plan) -> str:
    return summary_line(plan).removeprefix("Plan: ").removesuffix(".")


def _squeeze_table(plan: Plan, table: Sequence[str], note: str, limit: int) -> str:
    head, footer = _head(plan, _counts(plan)), _footer(plan)
    rows = rows_within(table, limit - len(head) - len(footer) - len(note) - 200)  # 200: the omission line, joins
    omitted = len(table) - len(rows)
    more = f"… and {plural(omitted, 'more change')} not listed here." if omitted else None
    return join([head, _table(rows), more, note, footer])


def _head(plan: Plan, summary: str) -> str:
    title = f"## aac plan for {code(plan.stack)} on {code(plan.target)}: {summary}"
    if plan.mode == "destroy":
        title += " (destroy)"
    return f"{marker_comment(plan.stack)}\n{title}"


def _table(rows: Sequence[str]) -> str:
    return "\n".join(["| | Address | Action | Changes |", "|:-:|---|---|---|", *rows])


def _row(change: Change) -> str:
    fields = ", ".join(code(name) for name in change.changed_fields) if change.action is not Action.CREATE else ""
    refused = f"**refused**: {cell(change.refused)}" if change.refused else ""
    moved = f"moved from {code(change.previous_address)}" if change.previous_address else ""
    text = "; ".join(part for part in (moved, fields, cell(change.reason or ""), refused) if part)
    action = f"{change.action.value} (**refused**)" if change.refused else change.action.value
    return f"| {code(SYMBOLS[change.action])} | {code(change.address)} | {action} | {text} |"


def _footer(plan: Plan) -> str:
    lines = [storage_line(plan), freed_line(plan), f"> **{refused_line(plan)}**" if plan.refused else None]
    lines.extend(f"> **Note:** {cell(text)}" for text in plan.notes)
    lines.extend(f"> **Warning:** {cell(text)}" for text in plan.warnings)
    lines.append(footnote(f"aac {plan.tool_version} · plan made {plan.created_at} · "
                          f"manifests {plan.manifest_digest[:19]}"))
    return "\n\n".join(line for line in lines if line)
