"""After apply, read back what it touched and compare with what was asked.

Terraform's "Provider produced an inconsistent result after apply": a server may answer
200 and not do the work (ogx 1.5.0 completed file batches that attached nothing), or keep
a field other than the one sent. So an applied change counts only when a plan made from
a fresh read shows nothing left to do at its address; otherwise it fails, naming the field,
what was sent and what the server returned. The read-back costs pages: the three lists,
and the files of only the stores the apply touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from aac.api.reader import Reader
from aac.apply.graph import Status
from aac.apply.report import ChangeOutcome
from aac.errors import AacError
from aac.live import index_live, read_snapshot
from aac.model.plan import Change, Plan
from aac.plan.diff import diff
from aac.render.values import format_value
from aac.resources import VECTOR_STORE, VECTOR_STORE_FILE, DesiredState, LiveState

HINT = ("the server did not keep what aac sent; run `aac apply` again, and if the same field differs again, "
        "see docs/servers.md for this server")


def touched_stores(plan: Plan, live: LiveState) -> set[str]:
    """Keys of the stores whose files the plan changes (their own or their files' changes)."""
    keys = {c.name for c in plan.actionable if c.kind == VECTOR_STORE}
    for change in plan.actionable:
        if change.kind == VECTOR_STORE_FILE:
            keys.add(change.store_key)
    return keys


def untouched_files(plan: Plan, live: LiveState) -> dict[str, list[dict[str, Any]]]:
    """The file lists, by store id, of the stores the plan leaves alone, as `live` read them: a read that
    follows the plan need not list them again (their files decide nothing the plan does)."""
    touched = touched_stores(plan, live)
    return {store.id: [dict(f.raw) for f in store.files] for key, store in live.vector_stores.items()
            if key not in touched}


def read_back(reader: Reader, plan: Plan, live: LiveState, server_keys: Iterable[str], wait: Callable[[float], None],
              listed: Mapping[str, list[dict[str, Any]]], attempts: int = 3) -> LiveState:
    """Live state now: stores the plan did not touch keep the file lists read before the apply, and
    stores it created the lists read when their files were attached (`listed`, by store id).

    A read can meet another apply of the stack mid-way (a store listed, then deleted as its
    duplicate before its files are read): it is read again, a moment later.
    """
    known = untouched_files(plan, live)
    known.update(listed)
    for attempt in range(1, attempts + 1):
        try:
            snapshot = read_snapshot(reader, plan.stack, known_files=known)
            return index_live(snapshot, plan.stack, reader.reserved_metadata | frozenset(server_keys))
        except AacError:
            if attempt == attempts:
                raise
            wait(0.5 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def verify(outcomes: tuple[ChangeOutcome, ...], plan: Plan, desired: DesiredState, hashes: Mapping[str, str],
           now: LiveState) -> tuple[ChangeOutcome, ...]:
    """Each applied change that a plan from `now` still wants becomes a failure that says why."""
    again = diff(desired, hashes, now, target=plan.target, now=plan.created_at, destroy=plan.mode == "destroy")
    left = {c.address: c for c in again.actionable}
    return tuple(
        replace(o, status=Status.FAILED, reason=inconsistency(left[o.address]), hint=HINT)
        if o.status is Status.APPLIED and o.address in left else o
        for o in outcomes
    )


def inconsistency(change: Change) -> str:
    """What the server holds, against what was sent, for one address."""
    what = "the server's answer after apply does not match what aac sent"
    if change.before is None or not change.changed_fields:
        shown = "missing from" if change.before is None else "still on"
        return f"{what}: it is {shown} the server's listing"
    fields = []
    for name in change.changed_fields[:3]:
        fields.append(f"{name}: sent {_value(change.after, name)}, the server returned {_value(change.before, name)}")
    return f"{what}: " + "; ".join(fields)


def _value(side: Mapping[str, Any] | None, name: str, limit: int = 160) -> str:
    text = format_value((side or {}).get(name))
    return text if len(text) <= limit else text[: limit - 3] + "..."
