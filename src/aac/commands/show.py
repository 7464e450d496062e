"""`aac show FILE`: render a saved plan, offline, and warn when it is stale.

Stale means what `aac apply FILE` would refuse or distrust: the manifests changed since
the plan was made (manifest digest), or the plan is old enough that live state has
likely moved on. `show` reads no live state, so it never needs the network.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from aac.errors import AacError
from aac.model.plan import Plan
from aac.render import render_plan
from aac.stack import Stack, load_stack

if TYPE_CHECKING:
    from aac.commands import App

MAX_AGE = timedelta(hours=24)


def _save_hint(shown_as: str) -> str:
    return f"save a plan with `aac {shlex.join(['plan', '--out', shown_as])}`"


def run(app: App, plan_file: str, fmt: str = "text", now: datetime | None = None) -> int:
    path = Path(plan_file) if Path(plan_file).is_absolute() else app.root / plan_file
    plan = read_plan(path, plan_file)
    for warning in staleness(plan, app.root, now or datetime.now(timezone.utc), plan_file, app.environ):
        app.out.warn(app.invocation.paste(warning))
    app.out.document(render_plan(plan, fmt, app.out))
    return 0


def read_plan(path: Path, shown_as: str) -> Plan:
    """The plan saved at `path`; any unreadable or garbled file is an AacError that says so."""
    from aac.manifest.fs import unreadable_kind  # here: the manifest package is heavy, and `show` rarely needs it

    special = unreadable_kind(path)  # a FIFO's read would wait forever
    if special:
        raise AacError(f"cannot read {shown_as}: it {special}", "pass the file `aac plan --out` wrote")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AacError(f"there is no plan file {shown_as}", _save_hint(shown_as)) from exc
    except IsADirectoryError as exc:
        raise AacError(f"{shown_as} is a folder, not a plan file", "pass the file `aac plan --out` wrote") from exc
    except UnicodeDecodeError as exc:
        raise AacError(f"{shown_as} is not a plan saved by aac (it is not UTF-8 text)",
                       "pass the file `aac plan --out` wrote") from exc
    except OSError as exc:
        raise AacError(f"cannot read {shown_as}: {exc.strerror or exc}", "check the path and its permissions") from exc
    plan = Plan.loads(text, source=shown_as)
    problem = shape_problem(plan)
    if problem:
        raise _garbled(shown_as, problem)
    return plan


def _garbled(shown_as: str, why: str) -> AacError:
    return AacError(f"{shown_as} is not a plan saved by aac: {why}", _save_hint(shown_as))


def shape_problem(plan: Plan) -> str | None:
    """What makes a parsed plan unrenderable, if anything: JSON that parsed but was edited or truncated."""
    for text_field in ("stack", "target", "created_at", "manifest_digest"):
        if not isinstance(getattr(plan, text_field), str):
            return f"`{text_field}` is not a string"
    for index, change in enumerate(plan.changes):
        where = f"changes[{index}]"
        if not all(isinstance(v, str) for v in (change.address, change.kind, change.name)):
            return f"{where} needs string `address`, `kind` and `name`"
        if not all(side is None or isinstance(side, Mapping) for side in (change.before, change.after)):
            return f"{where} `before` and `after` must be objects or null"
        if not all(isinstance(f, str) for f in change.changed_fields):
            return f"{where} `changed_fields` must list field names"
        if not all(v is None or isinstance(v, str) for v in (change.id, change.reason)):
            return f"{where} `id` and `reason` must be strings or null"
    if not all(isinstance(w, str) for w in plan.warnings):
        return "`warnings` must be a list of strings"
    return None


def staleness(plan: Plan, root: Path, now: datetime, plan_file: str = "plan.json",
              environ: Mapping[str, str] = os.environ) -> list[str]:
    """Why this plan (saved as `plan_file`) may no longer say what apply would do; empty when it is fresh."""
    destroy = ["--destroy"] if plan.mode == "destroy" else []
    remake = f"make a fresh one with `aac {shlex.join(['plan', *destroy, '--out', plan_file])}`"
    warnings = _age_warnings(plan, now, remake)
    try:
        stack = load_stack(root)
    except AacError as exc:
        return [*warnings, f"cannot check this plan against the manifests: {exc.message}"]
    if stack.name != plan.stack:
        return [*warnings, f"this plan is for stack {plan.stack!r}, but the stack in {root} is {stack.name!r}"]
    digest, why_not = _manifest_digest(stack, plan.target, environ)
    if digest is None:
        warnings.append(f"cannot check this plan against the manifests: {why_not}")
    elif digest != plan.manifest_digest:
        apply_it = shlex.join(["apply", plan_file])
        warnings.append(f"the manifests changed since this plan was made; `aac {apply_it}` will refuse it: {remake}")
    return warnings


def _age_warnings(plan: Plan, now: datetime, remake: str) -> list[str]:
    try:
        made = datetime.fromisoformat(plan.created_at.replace("Z", "+00:00"))
    except ValueError:
        return [f"this plan's created_at {plan.created_at!r} is not a time, so its age is unknown"]
    if made.tzinfo is None:
        made = made.replace(tzinfo=timezone.utc)
    age = now - made
    if age <= MAX_AGE:
        return []
    hours = int(age.total_seconds() // 3600)
    return [f"this plan was made {hours} hours ago ({plan.created_at}); live state may have changed since: "
            f"{remake}"]


def _manifest_digest(stack: Stack, target: str, environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The digest the manifests have now for the plan's target (offline), or None and why it is unknown."""
    from aac.desired import load_desired  # the loader is heavy; only show with a stack needs it

    try:
        desired, _ = load_desired(stack, target if target in stack.targets else None, environ)
    except AacError as exc:
        return None, f"the manifests do not load ({exc.message})"
    return desired.manifest_digest, ""
