"""The executor, and the only writer in the project: run a plan's changes as a graph.

`execute` takes a Plan, the DesiredState it was made from, the LiveState it was made
against and the files' hashes, and applies the actionable changes through the Writer,
independent steps concurrently up to `parallelism`. It reports every change's outcome;
a failed change takes down only the changes that need it, and the next apply (which
plans from what is live) finishes the job.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from aac.api.connect import Api
from aac.api.retry import RetryPolicy
from aac.api.writer import Writer
from aac.apply.build import build_steps
from aac.apply.context import Context
from aac.apply.graph import Status, run_graph
from aac.apply.progress import ApplyProgress
from aac.apply.report import ChangeOutcome, outcomes_by_change, print_report
from aac.apply.verify import read_back, verify
from aac.errors import AacError
from aac.kinds import BY_NAME
from aac.kinds.base import WriteOnlyFields
from aac.model.plan import Action, Plan
from aac.model.steps import Ids
from aac.output import Output, plural
from aac.progress import Progress
from aac.resources import DesiredState, LiveState

DEFAULT_PARALLELISM = 4

__all__ = ["ApplyResult", "DEFAULT_PARALLELISM", "execute", "preflight", "raise_for"]


@dataclass(frozen=True)
class ApplyResult:
    outcomes: tuple[ChangeOutcome, ...]
    interrupted: bool = False
    requests: int = 0  # API requests the apply made

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(o.status is Status.APPLIED for o in self.outcomes)


def execute(
    plan: Plan,
    desired: DesiredState,
    live: LiveState,
    hashes: Mapping[str, str],
    api: Api,
    out: Output,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    index_timeout_s: float = 600.0,
    retry: RetryPolicy | None = None,
    title: str = "Apply",
    environ: Mapping[str, str] | None = None,
) -> ApplyResult:
    """Apply `plan`; print each change's outcome and the summary; never raise for a failed step.

    Raises AacError, before any write, for a change that cannot be made (a secret's variable unset)."""
    environ = environ or {}
    preflight(plan, desired, environ)
    cancel = threading.Event()
    progress = ApplyProgress(Progress.for_output(out), {c.address: c for c in plan.actionable})
    ctx = Context(
        stack=plan.stack, plan=plan, desired=desired, live=live, hashes=hashes,
        writer=Writer(api, plan.stack, policy=retry, cancel=cancel, parallelism=parallelism), progress=progress,
        ids=Ids.from_live(live).prefer_planned(plan), index_timeout_s=index_timeout_s, environ=environ,
    )
    steps = build_steps(ctx)
    progress.begin(steps, _upload_bytes(plan, desired))
    start = api.requests
    try:
        result = run_graph(steps, max(1, parallelism), cancel, on_done=progress.step_done)
    finally:
        progress.close()
    outcomes = outcomes_by_change(plan.actionable, steps, result.outcomes)
    if not result.interrupted and any(o.status is Status.APPLIED for o in outcomes):
        outcomes = _read_back(outcomes, ctx, api)
    print_report(out, outcomes, title)
    return ApplyResult(outcomes, result.interrupted, api.requests - start)


def preflight(plan: Plan, desired: DesiredState, environ: Mapping[str, str]) -> None:
    """Raise AacError for a change that cannot be made (a secret's variable unset): called before any write."""
    for change in plan.actionable:
        kind = BY_NAME.get(change.kind)
        if isinstance(kind, WriteOnlyFields):
            kind.preflight(change, desired, environ)


def _read_back(outcomes: tuple[ChangeOutcome, ...], ctx: Context, api: Api) -> tuple[ChangeOutcome, ...]:
    """Only what the server shows counts as applied (aac.apply.verify)."""
    started, requests = time.monotonic(), api.requests
    try:
        now = read_back(api.reader(), ctx.plan, ctx.live, ctx.writer.server_keys, ctx.writer.wait, ctx.listed)
    except AacError as exc:
        ctx.progress.out.warn(f"could not read back what the apply did: {exc.message}")
        return tuple(replace(o, status=Status.FAILED, reason=f"not confirmed: reading it back failed: {exc.message}",
                             hint=exc.hint) if o.status is Status.APPLIED else o for o in outcomes)
    checked = verify(outcomes, ctx.plan, ctx.desired, ctx.hashes, now)
    ctx.progress.out.log(f"read back what the apply did: {api.requests - requests} requests, "
                         f"{(time.monotonic() - started) * 1000:.0f} ms")
    return checked


def _upload_bytes(plan: Plan, desired: DesiredState) -> int:
    """Bytes the plan uploads: the size of the first path of each new upload."""
    paths = [c.name for c in plan.actionable if c.kind == "file" and c.action in (Action.CREATE, Action.REPLACE)]
    return sum(desired.files[p].size for p in paths if p in desired.files)


def raise_for(result: ApplyResult, command: str = "apply") -> None:
    """The command's error for an apply (or destroy) that did not finish: interrupted (130) or failed (1).

    The hints name `aac COMMAND`, which the CLI turns into the command line the user ran.
    """
    if result.interrupted:
        raise AacError("interrupted: the requests in flight finished, nothing more was sent",
                       f"run `aac {command}` again to finish; it plans from what is live", exit_code=130)
    if result.ok:
        return
    failed = [o for o in result.outcomes if o.status is Status.FAILED]
    skipped = [o for o in result.outcomes if o.status is Status.SKIPPED]
    first = failed[0] if failed else None
    message = f"{plural(len(failed), 'change')} failed, {len(skipped)} skipped"
    if first is not None:
        message += f"; first: {first.address}: {first.reason}"
    hint = (first.hint if first is not None and first.hint else
            f"fix the cause above, then run `aac {command}` again: it plans from what is live and finishes the job")
    raise AacError(message, hint)
