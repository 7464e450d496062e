"""`aac plan`: read live state, print the diff, optionally save it for `aac apply FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aac.api.connect import connect
from aac.errors import AacError
from aac.manifest import require_valid
from aac.planner import make_plan
from aac.render import render_plan
from aac.stack import load_stack

if TYPE_CHECKING:
    from aac.cli import App

EXIT_CHANGES = 2


def run(app: App, out_file: str | None = None, detailed_exitcode: bool = False, fmt: str = "text",
        destroy: bool = False) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    desired = require_valid(stack, app.out)  # manifest problems first, before any network or key
    with connect(stack, target, app.environ, app.out) as api:
        plan = make_plan(stack, target, api, app.out, destroy=destroy, desired=desired).plan
    app.out.document(render_plan(plan, fmt, app.out))
    if out_file:
        _save(app.root, out_file, plan.dumps())
        app.out.info(f"Saved the plan to {out_file}; apply exactly it with `aac apply {out_file}`.")
    app.out.log(f"{plan.requests} API requests to read live state")
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0


def _save(root: Path, out_file: str, text: str) -> None:
    path = Path(out_file) if Path(out_file).is_absolute() else root / out_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AacError(f"cannot write the plan to {out_file}: {exc.strerror or exc}",
                       "pick a writable path for --out") from exc
