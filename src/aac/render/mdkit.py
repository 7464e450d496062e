"""Markdown pieces shared by the plan comment and the drift report.

GitHub refuses comments over 65,535 characters (atlantis#55), so reports degrade in
stages to stay under LIMIT: full details, then each diff cut short, then the table alone,
then the table cut short, saying at each stage what was left out (IAC_CONVENTIONS).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from aac.escape import escape_text
from aac.output import plural
from aac.render.lines import Line

LIMIT = 60_000
OPEN_LINES = 12  # a diff this short is shown open; longer ones start collapsed
CUT_STEPS = (40, 12, 4)  # lines kept per object as a report is squeezed
_MD_MARKERS = {"~": "!", "-/+": "!"}  # GitHub's diff highlighting knows +, - and !


def join(parts: Sequence[str | None]) -> str:
    return "\n\n".join(part for part in parts if part) + "\n"


def fit_details(compose: Callable[[int | None], str], limit: int) -> str | None:
    """The first of full details, then ever shorter cuts, that fits; None when none does."""
    for cut in (None, *CUT_STEPS):
        text = compose(cut)
        if len(text) <= limit:
            return text
    return None


def cut_note(cut: int | None, where: str) -> str | None:
    return None if cut is None else f"Each diff is cut to {cut} lines to keep this comment short; {where}."


def rows_within(rows: Sequence[str], budget: int) -> list[str]:
    """As many leading table rows as fit in `budget` characters."""
    kept: list[str] = []
    used = 0
    for row in rows:
        if used + len(row) + 1 > budget:
            break
        kept.append(row)
        used += len(row) + 1
    return kept


def details(title: str, suffix: str, body: Sequence[str], cut: int | None) -> str:
    """A collapsible block: `<code>title</code>suffix` over a ```diff fence of `body`."""
    lines = list(body)
    if cut is not None and len(lines) > cut:
        hidden = len(lines) - cut
        lines = [*lines[:cut], f"  # … {plural(hidden, 'more line')} left out"]
    fence = "`" * max(3, longest_backtick_run(lines) + 1)
    summary = f"<summary><code>{html.escape(title)}</code>{html.escape(suffix)}</summary>"
    opening = "<details open>" if len(lines) <= OPEN_LINES else "<details>"
    return "\n".join([f"{opening}{summary}", "", f"{fence}diff", *lines, fence, "", "</details>"])


def diff_line(line: Line) -> str:
    """A block line with its marker in column 0, where GitHub's diff highlighting looks; one line (aac.escape)."""
    marker = _MD_MARKERS.get(line.marker, line.marker)
    return f"{marker}{' ' * (4 * (line.depth - 1) + 1)}{escape_text(line.text)}".rstrip()


def longest_backtick_run(lines: Sequence[str]) -> int:
    return max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)


def cell(text: str) -> str:
    """Text safe inside a table cell or a quote: one line, pipes escaped."""
    return html.escape(" ".join(text.split())).replace("|", "\\|")


def code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in `text`."""
    ticks = "`" * (longest_backtick_run([text]) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text.replace('|', chr(92) + '|')}{pad}{ticks}"


def footnote(text: str) -> str:
    return f"<sub>{html.escape(text)}</sub>"
