"""The plan for a terminal, in Terraform's layout (IAC_CONVENTIONS 1.5).

Colour comes only from `Output.style`, so it is off when stdout is not a TTY, with
`--no-color` and with NO_COLOR.
"""

from __future__ import annotations

from aac.escape import escape_text
from aac.model.plan import Plan
from aac.output import Output
from aac.render.blocks import SYMBOLS, Block, build_block, file_index
from aac.render.lines import Line
from aac.render.summary import (
    LEGEND,
    NO_CHANGES,
    freed_line,
    headline,
    ordered,
    refused_line,
    storage_line,
    summary_line,
)

_MARKER_STYLE = {"+": ("green",), "-": ("red",), "~": ("yellow",)}


def render_text(plan: Plan, out: Output) -> str:
    changes = ordered(plan)
    parts: list[str] = []
    if not changes:
        parts.append(out.style(NO_CHANGES, "green", "bold"))
    else:
        parts.append(_legend(plan, out))
        parts.append(headline(plan))
        files = file_index(plan)
        parts.extend(render_block(build_block(change, files), out) for change in changes)
        parts.append(out.style(summary_line(plan), "bold") + "\n" + _address_list(plan, out))
    parts.append("\n".join(_footer(plan)))
    if plan.refused:
        parts.append(out.style(refused_line(plan), "red", "bold"))
    warnings = [out.style("Note: ", "bold") + text for text in plan.notes]
    warnings += [out.style("Warning: ", "yellow", "bold") + text for text in plan.warnings]
    if warnings:
        parts.append("\n".join(warnings))
    return "\n\n".join(part for part in parts if part) + "\n"


def render_block(block: Block, out: Output) -> str:
    comment = [out.style(f"  # {block.header}", "bold")]
    if block.change.refused:
        comment.append(out.style(f"  # REFUSED: {block.change.refused}", "red", "bold"))
    return "\n".join([*comment, *(format_line(line, out) for line in block.lines)])


def format_line(line: Line, out: Output) -> str:
    """Markers sit in a column per depth; `-/+` hangs left of it, as in Terraform.

    A line is one line: a value that kept its breaks for a block (a path, a tool's name) has them escaped."""
    pad = " " * (2 + 4 * line.depth + 1 - len(line.marker))
    return f"{pad}{_marker(line.marker, out)} {escape_text(line.text)}".rstrip()


def _marker(marker: str, out: Output) -> str:
    if marker == "-/+":
        return out.style("-", "red") + "/" + out.style("+", "green")
    styles = _MARKER_STYLE.get(marker)
    return out.style(marker, *styles) if styles else marker


def _legend(plan: Plan, out: Output) -> str:
    used = {SYMBOLS[change.action] for change in plan.actionable}
    rows = [f"  {_cell(symbol, out)} {meaning}" for symbol, meaning in LEGEND.items() if symbol in used]
    return "\n".join(["Objects are marked with these symbols:", *rows])


def _address_list(plan: Plan, out: Output) -> str:
    return "\n".join(f"  {_cell(SYMBOLS[c.action], out)} {c.address}" for c in ordered(plan))


def _cell(symbol: str, out: Output) -> str:
    """A symbol right-aligned in three columns, so `-/+` lines up with `+`."""
    return " " * (3 - len(symbol)) + _marker(symbol, out)


def _footer(plan: Plan) -> list[str]:
    lines = [storage_line(plan)]
    freed = freed_line(plan)
    if freed:
        lines.append(freed)
    return lines
