"""`aac apply [FILE]`: make live state match the manifests, or run exactly a saved plan.

Without FILE: plan, show the plan on stdout, ask (or `--auto-approve`), apply. With
FILE: refuse it when the manifests changed since it was made (`manifest_digest`) or any
live object it touches changed (`live_fingerprint`), else apply exactly its changes,
with no prompt (Terraform's rule for saved plans).
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aac.api.connect import Api
from aac.apply import execute, preflight, raise_for
from aac.apply.verify import untouched_files
from aac.errors import AacError
from aac.identity import canonical_json, sha256_file
from aac.invocation import Invocation
from aac.model.plan import Action, Change, Plan
from aac.output import Output
from aac.plan.make import Planned, make_plan, validated
from aac.resources import FILE, DesiredState, LiveState
from aac.stack import Stack, Target, load_stack

if TYPE_CHECKING:
    from aac.commands import App

APPROVE = "Apply these changes? Only 'yes' will be accepted: "


def replan(plan_file: str, destroy: bool = False) -> str:
    """The hint for a saved plan apply refuses: make it again, under the name the user gave it."""
    plan = ["plan", "--destroy"] if destroy else ["plan"]
    return (f"make a new plan with `aac {shlex.join([*plan, '--out', plan_file])}`, review it, "
            f"and run `aac {shlex.join(['apply', plan_file])}`")


def require_approval_possible(out: Output, auto_approve: bool, verb: str, invocation: Invocation) -> None:
    """Fail before any write when nobody can answer the prompt, saying what works instead."""
    if auto_approve or out.interactive:
        return
    saved, plan = ("destroy-plan.json", ["plan", "--destroy"]) if verb == "destroy" else ("plan.json", ["plan"])
    raise AacError(
        f"refusing to {verb} without approval: this is not an interactive terminal",
        f"pass --auto-approve (`{invocation.again(add=['--auto-approve'])}`), or save the plan with "
        f"`{invocation.command(*plan, '--out', saved)}`, review it, and run `{invocation.command('apply', saved)}`",
    )


def confirm(out: Output, auto_approve: bool, question: str) -> bool:
    """True when a person answered `yes`; False under --auto-approve, where nobody was asked and the
    plan was read moments ago; raises on any other answer."""
    if auto_approve:
        return False
    out.write_err(out.style(question, "bold"))
    answer = sys.stdin.readline()
    if answer.strip() != "yes":
        raise AacError("cancelled: the answer was not 'yes'", "nothing was changed")
    return True


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI runner cancelling the job) stops an apply as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(app: App, plan_file: str | None = None, auto_approve: bool = False, parallelism: int = 4,
        only: tuple[str, ...] = (), replacing: tuple[str, ...] = ()) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    saved = _read(app, plan_file) if plan_file else None
    if saved is not None:
        same_selection(saved, only, replacing, str(plan_file))
    with validated(stack, target, app.environ, app.out) as (api, desired):
        if saved is not None:
            planned = check_saved(saved, stack, target, api, app.out, desired, plan_file=str(plan_file))
            plan = saved
        else:
            planned = make_plan(stack, target, api, app.out, desired=desired, only=only, replacing=replacing)
            plan = planned.plan
            show(app.out, plan)
        plan.raise_if_refused()
        if not plan.has_changes:
            if saved is not None:  # a fresh plan already said "No changes." on stdout
                app.out.document("No changes. Live state matches the manifests.")
            return 0
        preflight(plan, planned.desired, app.environ)
        if saved is None:
            require_approval_possible(app.out, auto_approve, "apply", app.invocation)
            if confirm(app.out, auto_approve, APPROVE):
                check_uploads_unchanged(plan, stack)  # the file may have been edited while the prompt waited
                planned = check_shown(planned, stack, target, api, app.out, "apply")
        with terminate_as_interrupt():
            result = execute(plan, planned.desired, planned.live, planned.hashes, api, app.out,
                             parallelism=parallelism, environ=app.environ)
    app.out.log(f"{result.requests} API requests to apply the plan")
    raise_for(result, "apply")
    return 0


def same_selection(saved: Plan, only: tuple[str, ...], replacing: tuple[str, ...], plan_file: str) -> None:
    """A saved plan carries its --only and --replace (Terraform records them in the plan too), so `apply FILE`
    needs neither; given anyway, they must be the ones it was made with, or the user meant another plan."""
    for option, given, recorded in (("--only", only, saved.only), ("--replace", replacing, saved.replacing)):
        if given and set(given) != set(recorded):
            made = " ".join(f"{option} {a}" for a in recorded) or f"no {option}"
            raise AacError(f"{plan_file} was made with {made}, not with {' '.join(f'{option} {a}' for a in given)}",
                           f"run `aac apply {plan_file}` without {option} (the plan keeps its own), or make a new "
                           f"plan with the {option} you want")


def show(out: Output, plan: Plan) -> None:
    from aac.render import render_plan

    out.document(render_plan(plan, "text", out))


def _read(app: App, plan_file: str) -> Plan:
    from aac.commands.show import read_plan

    path = Path(plan_file) if Path(plan_file).is_absolute() else app.root / plan_file
    return read_plan(path, plan_file)


def check_uploads_unchanged(plan: Plan, stack: Stack) -> None:
    """Refuse, before any write, a plan whose files to upload no longer hold the bytes planned."""
    for change in plan.actionable:
        after = change.after or {}
        if change.kind != FILE or change.action is not Action.CREATE or "path" not in after:
            continue
        try:
            sha = sha256_file(stack.root / str(after["path"]))
        except AacError:
            sha = None
        if sha != after.get("sha256"):
            raise AacError(f"the plan is stale: {after['path']} was {'edited' if sha else 'deleted'} after the "
                           "plan was made; nothing was changed", "run `aac apply` again to plan what is there now")


@dataclass(frozen=True)
class Staleness:
    """How a refused plan is named: a saved one, or one shown before a prompt that then waited."""
    plan: str  # "the saved plan"
    since: str  # "since the plan was made"
    hint: str


def shown_stale(command: str) -> Staleness:
    return Staleness("the plan", "while the prompt waited",
                     f"nothing was changed: run `aac {command}` again to plan what is there now, and review that")


def check_saved(saved: Plan, stack: Stack, target: Target, api: Api, out: Output,
                desired: DesiredState | None = None, plan_file: str = "plan.json") -> Planned:
    """Plan again now and refuse `saved` (read from `plan_file`) unless everything it touches is as it was."""
    remake = replan(plan_file, destroy=saved.mode == "destroy")  # the hint of every refusal below
    if saved.stack != stack.name:
        raise AacError(f"this plan is for stack {saved.stack!r}, not {stack.name!r}", remake)
    if saved.target != target.name:
        raise AacError(f"this plan was made for target {saved.target!r}, not {target.name!r}",
                       f"pass --target {saved.target}, or {remake}")
    fresh = make_plan(stack, target, api, out, destroy=saved.mode == "destroy", desired=desired, only=saved.only,
                      replacing=saved.replacing)
    if fresh.desired.manifest_digest != saved.manifest_digest:
        raise AacError("the saved plan is stale: the manifests changed since it was made", remake)
    refuse_stale(saved, fresh, Staleness("the saved plan", "since the plan was made", remake))
    return fresh


def check_shown(shown: Planned, stack: Stack, target: Target, api: Api, out: Output, command: str) -> Planned:
    """After the `yes`: read live state again and refuse the plan shown when anything it touches changed
    while the prompt waited (someone's agent now uses a credential it deletes), as a saved plan is refused.

    The manifests and hashes are the ones the plan was made from: what was approved is what is applied. The
    stores the plan leaves alone are not listed again: a read of pages, and of what the plan touches."""
    plan = shown.plan
    fresh = make_plan(stack, target, api, out, destroy=plan.mode == "destroy", desired=shown.desired,
                      now=plan.created_at, known_files=untouched_files(plan, shown.live), only=plan.only,
                      replacing=plan.replacing)
    refuse_stale(plan, fresh, shown_stale(command))
    return fresh


def refuse_stale(plan: Plan, fresh: Planned, stale: Staleness) -> None:
    """Raise, before any write, when a fresh plan would not do exactly what `plan` does to each object it touches."""
    now = {c.address: c for c in fresh.plan.changes}
    for change in plan.actionable:
        current = now.get(change.address)
        if current is None or canonical_json(current.after) != canonical_json(change.after):  # a file edited
            raise AacError(f"{stale.plan} is stale: what {change.address} would become changed {stale.since} "
                           "(a file it names was edited, moved or deleted)", stale.hint)
        if change.live_fingerprint is None:  # a create: nothing may have appeared there since
            if current.id is not None:
                raise AacError(f"{stale.plan} is stale: {change.address} appeared on the target "
                               f"({current.id}) {stale.since}", stale.hint)
            continue
        if current.live_fingerprint != change.live_fingerprint or current.id != change.id:
            what = "is gone from" if current.id != change.id else "changed on"
            raise AacError(f"{stale.plan} is stale: {change.address} ({change.id}) {what} the target "
                           f"{stale.since}", stale.hint)
        if current.action is not change.action or current.refused:  # e.g. something not ours uses it now
            raise AacError(f"{stale.plan} is stale: what apply would do to {change.address} changed {stale.since} "
                           f"({_why(current, fresh.live)})", stale.hint)


def _why(change: Change, live: LiveState) -> str:
    """Why a fresh plan does something else to an object: by whom, when an object not of this stack uses it."""
    who = live.foreign_uses.get(str(change.id))
    return change.refused or (f"now used by {who}, which this stack does not own" if who else None) \
        or change.reason or change.action.value
