"""Drift items as blocks: the plan's layout, with a header that says what kind of drift.

Drifted items read `what aac applied -> what is live`; pending ones read like a plan,
`what is live -> what the manifests say`.
"""

from __future__ import annotations

from aac.model.drift import DRIFT_CATEGORIES, Category, DriftItem, DriftReport
from aac.model.plan import Action, Change
from aac.render.blocks import Block, build_block

SYMBOLS = {Category.DRIFTED: "~", Category.MISSING: "-", Category.UNMANAGED: "?", Category.PENDING: "~",
           Category.IN_SYNC: " "}
VERBS = {
    Category.DRIFTED: "has changed outside aac",
    Category.MISSING: "is declared in the manifests but missing from the target",
    Category.UNMANAGED: "carries this stack's tags but no manifest declares it",
    Category.PENDING: "has changes in the manifests that are not applied yet",
    Category.IN_SYNC: "is in sync",
}
# The blocks borrow the plan's `-`/`+` and `old -> new`; say what each side is, since in a plan they mean otherwise.
SIDES = {Category.DRIFTED: "- expected, + actual",
         Category.PENDING: "- live, + the manifests"}
NO_DRIFT = "No drift. Live state matches the manifests."
NEXT_STEP = "`aac plan` shows what `aac apply` would do about it."


def drift_block(item: DriftItem) -> Block:
    if item.category is Category.DRIFTED:
        change = _as_change(item, Action.UPDATE, before=item.expected, after=item.actual)
    elif item.category is Category.PENDING:
        change = _as_change(item, Action.UPDATE, before=item.actual, after=item.expected)
    else:  # missing, unmanaged, in sync: the object itself, its fields counted
        whole = item.actual if item.category is Category.UNMANAGED else item.expected
        change = _as_change(item, Action.NOOP, before=whole, after=whole)
    sides = SIDES.get(item.category)
    verb = f"{VERBS[item.category]} [{sides}]" if sides else VERBS[item.category]
    return build_block(change, {}, verb=verb, symbol=SYMBOLS[item.category])


def _as_change(item: DriftItem, action: Action, **sides: object) -> Change:
    return Change(item.address, item.kind, item.name, action, id=item.id, changed_fields=item.changed_fields,
                  reason=item.detail, **sides)  # type: ignore[arg-type]


def drift_summary(report: DriftReport) -> str:
    counts = report.summary
    found = ", ".join(f"{counts[c.value]} {c.value}" for c in DRIFT_CATEGORIES)
    return f"Drift: {found}; {counts[Category.IN_SYNC.value]} in sync."


def incomplete_lines(report: DriftReport) -> list[str]:
    if report.complete:
        return []
    why = list(report.errors) or ["no reason recorded"]
    return ["The scan is incomplete, so objects it could not read may have drifted too:", *why]
