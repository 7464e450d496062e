"""`aac destroy`: delete everything this stack owns, except what is protected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.apply import execute, raise_for
from aac.commands.apply import check_shown, confirm, require_approval_possible, show, terminate_as_interrupt
from aac.plan.make import make_plan, validated
from aac.stack import load_stack

if TYPE_CHECKING:
    from aac.commands import App

APPROVE = "Destroy all these objects? Only 'yes' will be accepted: "


def run(app: App, auto_approve: bool = False, parallelism: int = 4, only: tuple[str, ...] = ()) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    with validated(stack, target, app.environ, app.out) as (api, desired):
        planned = make_plan(stack, target, api, app.out, destroy=True, desired=desired, only=only)
        plan = planned.plan  # what is shown is what is applied: a fresh read can only refuse it
        show(app.out, plan)
        if not plan.has_changes:
            return 0
        require_approval_possible(app.out, auto_approve, "destroy", app.invocation)
        if confirm(app.out, auto_approve, APPROVE):
            planned = check_shown(planned, stack, target, api, app.out, "destroy")
        with terminate_as_interrupt():
            result = execute(plan, planned.desired, planned.live, planned.hashes, api, app.out,
                             parallelism=parallelism, title="Destroy", environ=app.environ)
    app.out.log(f"{result.requests} API requests to apply the plan")
    raise_for(result, "destroy")
    return 0
