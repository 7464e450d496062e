"""Each planned change's outcome, and the summary an apply ends with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aac.apply.graph import Outcome, Status, Step
from aac.escape import escaped
from aac.model.plan import Action, Change
from aac.output import Output

_RANK = {Status.APPLIED: 0, Status.SKIPPED: 1, Status.FAILED: 2}
_DONE = {Action.CREATE: "created", Action.UPDATE: "updated", Action.REPLACE: "replaced",
         Action.DELETE: "deleted", Action.NOOP: "unchanged"}


@dataclass(frozen=True)
class ChangeOutcome:
    address: str
    action: Action
    status: Status
    reason: str | None = None
    hint: str | None = None


def outcomes_by_change(changes: Iterable[Change], steps: Iterable[Step],
                       outcomes: Mapping[str, Outcome]) -> tuple[ChangeOutcome, ...]:
    """A change is applied when all its steps were; else the worst step decides and says why."""
    worst: dict[str, tuple[Outcome, str | None]] = {}
    for step in steps:
        outcome = outcomes[step.id]
        for address in step.addresses:
            if outcome.by_address and address not in outcome.by_address:
                continue  # the step failed for other files of its batch, not this one
            reason = outcome.by_address.get(address, outcome.reason)
            if address not in worst or _RANK[outcome.status] > _RANK[worst[address][0].status]:
                worst[address] = (outcome, reason)
    result = []
    for change in changes:
        outcome, reason = worst.get(change.address, (Outcome(Status.APPLIED), None))
        result.append(ChangeOutcome(change.address, change.action, outcome.status,
                                    reason if outcome.status is not Status.APPLIED else None, outcome.hint))
    return tuple(result)


def summary_line(outcomes: Iterable[ChangeOutcome], title: str = "Apply") -> str:
    items = list(outcomes)
    applied = [o for o in items if o.status is Status.APPLIED]
    if len(applied) == len(items):
        counts = {action: sum(1 for o in items if o.action is action) for action in _DONE}
        parts = [f"{counts[a]} {_DONE[a]}" for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)]
        return f"{title} complete: {', '.join(parts)}."
    failed = sum(1 for o in items if o.status is Status.FAILED)
    skipped = len(items) - len(applied) - failed
    return f"{title} incomplete: {len(applied)} applied, {failed} failed, {skipped} skipped."


def print_report(out: Output, outcomes: Iterable[ChangeOutcome], title: str = "Apply") -> None:
    """One line per planned change (what happened, or why not), then the summary line."""
    items = escaped(list(outcomes))  # addresses and the target's error messages, each on one line
    lines = []
    for item in items:
        if item.status is Status.APPLIED:
            lines.append(f"  {out.style(_DONE[item.action].ljust(9), 'green')} {item.address}")
            continue
        color = "red" if item.status is Status.FAILED else "yellow"
        lines.append(f"  {out.style(item.status.value.ljust(9), color, 'bold')} {item.address}: {item.reason}")
    ok = all(o.status is Status.APPLIED for o in items)
    lines.append(out.style(summary_line(items, title), "bold", "green" if ok else "red"))
    out.document("\n".join(lines))
