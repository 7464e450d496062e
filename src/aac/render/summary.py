"""Facts about a whole plan that every format states the same way."""

from __future__ import annotations

from collections.abc import Mapping

from aac.model.plan import Action, Change, Plan
from aac.output import human_bytes

NO_CHANGES = "No changes. Live state matches the manifests."
LEGEND = {
    "+": "create",
    "~": "update in place",
    "-/+": "replace: create the new one, then destroy the old",  # apply renames the old key first (apply/actions.py)
    "-": "destroy",
}


def ordered(plan: Plan) -> list[Change]:
    """The changes to show, by address (the plan is sorted already; a hand-edited file may not be)."""
    return sorted(plan.actionable, key=lambda c: c.address)


def summary_line(plan: Plan) -> str:
    counts = plan.summary
    moved = f", {len(plan.moves)} moved" if plan.moves else ""  # counted in their action too (a retag is a write)
    return (
        f"Plan: {counts[Action.CREATE.value]} to add, {counts[Action.UPDATE.value]} to change, "
        f"{counts[Action.REPLACE.value]} to replace, {counts[Action.DELETE.value]} to destroy{moved}."
    )


def storage_line(plan: Plan) -> str:
    cost = plan.cost.to_json()
    before = f"{human_bytes(cost['storage_bytes_before'])} (${cost['usd_per_day_before']:.2f}/day)"
    after = f"{human_bytes(cost['storage_bytes_after'])} (${cost['usd_per_day_after']:.2f}/day)"
    if before == after:
        return f"Vector storage: {before}, unchanged."
    return f"Vector storage: {before} -> {after}."


def refused_line(plan: Plan) -> str:
    """Said once under a plan that holds a refused change: apply will not run any of it."""
    n = len(plan.refused)
    what = "a protected object" if all(str(c.refused).startswith("it is protected") for c in plan.refused) \
        else "an object that must be kept"
    return (f"Refused: {n} change{'' if n == 1 else 's'} would delete {what} "
            f"({', '.join(c.address for c in plan.refused)}); apply will not run this plan.")


def freed_line(plan: Plan) -> str | None:
    """Bytes of uploads the plan deletes: storage that stops being billed."""
    freed = [_bytes(c.before) for c in plan.actionable if c.kind == "file" and c.action is Action.DELETE]
    if not freed:
        return None
    noun = "upload" if len(freed) == 1 else "uploads"
    total = plan.cost.files_bytes_freed or sum(freed)  # the diff's own figure when it gave one
    return f"Uploads deleted: {len(freed)} {noun}, {human_bytes(total)} freed."


def _bytes(side: Mapping[str, object] | None) -> int:
    value = side.get("bytes") if isinstance(side, Mapping) else None
    return value if isinstance(value, int) else 0


def headline(plan: Plan) -> str:
    where = f"stack {plan.stack}, target {plan.target}"
    if plan.mode == "destroy":
        return f"aac will destroy everything {where} owns, except protected objects:"
    return f"aac will perform the following actions ({where}):"
