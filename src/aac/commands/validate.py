"""`aac validate`: every offline check of the stack file and the manifests, every problem at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.desired import validate_targets
from aac.kinds import KINDS
from aac.stack import check_stack

if TYPE_CHECKING:
    from aac.commands import App


def run(app: App) -> int:
    stack, problems = check_stack(app.root)
    if stack is not None:
        desired, manifest_problems = validate_targets(stack, app.environ, app.out.secrets)
        problems = problems + manifest_problems
    for problem in problems:
        app.out.problem(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if errors:
        app.out.error(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}: the stack is not valid",
                      "fix the problems above, then run `aac validate` again")
        return 1
    assert stack is not None
    counts = [_count(len(kind.desired(desired)), kind.label) for kind in KINDS if kind.desired(desired)]
    summary = f"valid: stack {stack.name!r}, {', '.join([*counts, _count(len(desired.files), 'file')])}"
    if warnings:
        summary += f" ({_count(warnings, 'warning')})"
    app.out.info(app.out.style(summary, "green"))
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
