"""A line diff of multi-line text (instructions), shown inside a heredoc as Terraform does."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from aac.output import plural

CONTEXT = 3  # unchanged lines kept around each change, as `diff -u` does


@dataclass(frozen=True)
class Line:
    """One rendered line of a block; text and markdown decide indentation and colour."""

    marker: str  # "+", "-", "~", "-/+", or " " for context and comments
    text: str  # the attribute name when `value` is set
    depth: int  # 0 the block title, 1 attributes, 2 lines inside an attribute
    value: str | None = None  # right-hand side of `name = value`


@lru_cache(maxsize=256)  # many assistants often share one instructions_file, so one edit repeats
def heredoc_lines(old: str, new: str) -> tuple[Line, ...]:
    """The changed lines with a little context; the unchanged rest is counted, not shown."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    lines: list[Line] = []
    seen = 0  # old lines accounted for so far
    for group in matcher.get_grouped_opcodes(CONTEXT):
        lines.extend(_hidden(group[0][1] - seen))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(Line(" ", text, 2) for text in old_lines[i1:i2])
                continue
            lines.extend(Line("-", text, 2) for text in old_lines[i1:i2])
            lines.extend(Line("+", text, 2) for text in new_lines[j1:j2])
        seen = group[-1][2]
    lines.extend(_hidden(len(old_lines) - seen))
    if not any(line.marker != " " for line in lines):
        return (Line(" ", "# (whitespace or line-ending changes only)", 2),)
    return tuple(lines)


def _hidden(count: int) -> list[Line]:
    if count <= 0:
        return []
    return [Line(" ", f"# ({plural(count, 'unchanged line')} hidden)", 2)]
