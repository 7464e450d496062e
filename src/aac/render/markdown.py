"""The plan as one pull-request comment, updated in place by CI.

A hidden marker comes first so CI finds its own comment (IAC_CONVENTIONS: one sticky
comment per stack). GitHub refuses comments over 65,535 characters (atlantis#55), so the
comment stays under LIMIT by degrading in stages: full details, then each object's diff
cut short, then the table alone, then the table cut short, saying at each stage what it left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from aac.plan import Action, Change, Plan
from aac.render.blocks import SYMBOLS, Block, build_block, file_index
from aac.render.lines import Line
from aac.render.summary import NO_CHANGES, freed_line, ordered, storage_line, summary_line

LIMIT = 60_000
OPEN_LINES = 12  # a diff this short is shown open; longer ones start collapsed
CUT_STEPS = (40, 12, 4)  # lines kept per object as the comment is squeezed
_MD_MARKERS = {"~": "!", "-/+": "!"}  # GitHub's diff highlighting knows +, - and !
_FULL_PLAN = "run `aac show PLAN_FILE` on the saved plan, or read the plan in the CI log"


def marker_comment(stack: str) -> str:
    return f"<!-- aac-plan:{stack} -->"


def render_markdown(plan: Plan, limit: int = LIMIT) -> str:
    changes = ordered(plan)
    if not changes:
        return _join([_head(plan, "no changes"), NO_CHANGES, _footer(plan)])
    table = [_row(change) for change in changes]
    note = f"Details are left out to keep this comment under {limit:,} characters; {_FULL_PLAN}."
    if sum(len(row) + 1 for row in table) > limit:  # no room for details at all: skip building them
        return _squeeze_table(plan, table, note, limit)
    files = file_index(plan)
    bodies = [(block, [_md_line(line) for line in block.lines if line.depth > 0])
              for block in (build_block(change, files) for change in changes)]
    for cut in (None, *CUT_STEPS):
        details = [_details(block, body, cut) for block, body in bodies]
        text = _compose(plan, table, details, _cut_note(cut))
        if len(text) <= limit:
            return text
    return _squeeze_table(plan, table, note, limit)


def _compose(plan: Plan, table: Sequence[str], details: Sequence[str], note: str | None) -> str:
    return _join([_head(plan, summary_line(plan)[len("Plan: "):-1]), _table(table), note, *details, _footer(plan)])


def _squeeze_table(plan: Plan, table: Sequence[str], note: str, limit: int) -> str:
    head, footer = _head(plan, summary_line(plan)[len("Plan: "):-1]), _footer(plan)
    budget = limit - len(head) - len(footer) - len(note) - 200  # 200: the omission line and joins
    rows: list[str] = []
    used = 0
    for row in table:
        if used + len(row) + 1 > budget:
            break
        rows.append(row)
        used += len(row) + 1
    omitted = len(table) - len(rows)
    more = f"… and {omitted:,} more change{'s' if omitted != 1 else ''} not listed here." if omitted else None
    return _join([head, _table(rows), more, note, footer])


def _join(parts: Sequence[str | None]) -> str:
    return "\n\n".join(part for part in parts if part) + "\n"


def _head(plan: Plan, summary: str) -> str:
    title = f"## aac plan for {_code(plan.stack)} on {_code(plan.target)}: {summary}"
    if plan.mode == "destroy":
        title += " (destroy)"
    return f"{marker_comment(plan.stack)}\n{title}"


def _table(rows: Sequence[str]) -> str:
    return "\n".join(["| | Address | Action | Changes |", "|:-:|---|---|---|", *rows])


def _row(change: Change) -> str:
    fields = ", ".join(_code(name) for name in change.changed_fields) if change.action is not Action.CREATE else ""
    details = "; ".join(part for part in (fields, _cell(change.reason or "")) if part)
    return f"| {_code(SYMBOLS[change.action])} | {_code(change.address)} | {change.action.value} | {details} |"


def _details(block: Block, body: list[str], cut: int | None) -> str:
    if cut is not None and len(body) > cut:
        hidden = len(body) - cut
        body = [*body[:cut], f"  # … {hidden} more line{'s' if hidden != 1 else ''} left out"]
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    symbol, address = SYMBOLS[block.change.action], block.change.address
    verb = block.header[len(address):]
    summary = f"<summary><code>{html.escape(symbol)} {html.escape(address)}</code>{html.escape(verb)}</summary>"
    opening = "<details open>" if len(body) <= OPEN_LINES else "<details>"
    return "\n".join([f"{opening}{summary}", "", f"{fence}diff", *body, fence, "", "</details>"])


def _md_line(line: Line) -> str:
    """Markers in column 0, where GitHub's diff highlighting looks for them."""
    marker = _MD_MARKERS.get(line.marker, line.marker)
    return f"{marker}{' ' * (4 * (line.depth - 1) + 1)}{line.text}".rstrip()


def _cut_note(cut: int | None) -> str | None:
    if cut is None:
        return None
    return f"Each diff is cut to {cut} lines to keep this comment short; {_FULL_PLAN}."


def _footer(plan: Plan) -> str:
    lines = [storage_line(plan), freed_line(plan)]
    lines.extend(f"> **Warning:** {_cell(text)}" for text in plan.warnings)
    meta = f"aac {plan.tool_version} · plan made {plan.created_at} · manifests {plan.manifest_digest[:19]}"
    lines.append(f"<sub>{html.escape(meta)}</sub>")
    return "\n\n".join(line for line in lines if line)


def _longest_backtick_run(lines: Sequence[str]) -> int:
    return max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)


def _cell(text: str) -> str:
    """Text safe inside a table cell or a quote: one line, pipes escaped."""
    return html.escape(" ".join(text.split())).replace("|", "\\|")


def _code(text: str) -> str:
    ticks = "`" * (_longest_backtick_run([text]) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text.replace('|', chr(92) + '|')}{pad}{ticks}"
