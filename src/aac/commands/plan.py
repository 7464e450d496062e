"""`aac plan`: read live state, print the diff, optionally save it for `aac apply FILE`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.output import save_document
from aac.plan.make import make_plan, validated
from aac.render import render_plan
from aac.stack import load_stack

if TYPE_CHECKING:
    from aac.commands import App

EXIT_CHANGES = 2


def run(app: App, out_file: str | None = None, detailed_exitcode: bool = False, fmt: str = "text",
        destroy: bool = False, only: tuple[str, ...] = (), replacing: tuple[str, ...] = ()) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    with validated(stack, target, app.environ, app.out) as (api, desired):
        plan = make_plan(stack, target, api, app.out, destroy=destroy, desired=desired, only=only,
                         replacing=replacing).plan
    app.out.document(render_plan(plan, fmt, app.out))
    plan.raise_if_refused()  # before --out: a plan apply would refuse is not saved to be applied
    if out_file:
        save_document(app.out, app.root, out_file, render_plan(plan, "json", app.out), "plan")  # as --format json
        apply_it = app.invocation.command("apply", out_file)
        app.out.info(f"Saved the plan to {out_file}; apply exactly it with `{apply_it}`.")
    app.out.log(f"{plan.requests} API requests to read live state")
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0

