"""`aac drift`: a read-only report of what changed on the target outside aac.

It reads with the Reader only (never the writer). A scan that could not read the target
still prints a report, marked incomplete, and exits 1: its silence proves nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aac.api.connect import connect
from aac.desired import require_valid
from aac.drift.scan import drift_report
from aac.errors import AacError
from aac.identity import hash_files
from aac.kinds import KINDS
from aac.live import index_live, read_snapshot
from aac.model.drift import DriftReport, parse_fail_on
from aac.output import plural, save_document
from aac.plan.make import HASH_CACHE, require_apis, showing_reads, utc_now
from aac.plan.moves import apply_moves
from aac.render import render_drift
from aac.resources import LiveState
from aac.stack import load_stack

if TYPE_CHECKING:
    from aac.commands import App


def run(app: App, fmt: str = "text", out_file: str | None = None,
        fail_on: str = "drifted,missing,unmanaged,pending") -> int:
    fail = parse_fail_on(fail_on)
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    # manifest problems first, before any network or key
    desired = require_valid(stack, app.out, target=app.target_name, environ=app.environ)
    hashes = hash_files(desired.files, stack.root / HASH_CACHE)
    with connect(stack, target, app.environ, app.out) as api:
        reader = api.reader()
        try:
            with showing_reads(api, app.out):
                snapshot = read_snapshot(reader, stack.name)
            live = replace(index_live(snapshot, stack.name, reader.reserved_metadata), requests=reader.requests)
            require_apis(live, desired, api.base_url)
        except AacError as exc:
            report = _incomplete(stack.name, target.name, exc, reader.requests)
        else:
            filenames = {str(f["id"]): str(f.get("filename") or "") for f in snapshot.get("files") or []}
            moved = apply_moves(live, stack.moves)
            live = moved.live
            report = drift_report(desired, hashes, live, target=target.name, now=utc_now(), filenames=filenames,
                                  moved=moved.previous)
            report = _unread(report, live)
    text = render_drift(report, fmt, app.out, fail)
    app.out.document(text)
    if out_file:
        save_document(app.out, app.root, out_file, text, "drift report")
    _log_foreign(app, report)
    app.out.log(f"{report.requests} API requests to read live state")
    code = report.exit_code(fail)
    if not report.complete:
        app.out.error("the drift scan is incomplete: " + "; ".join(report.errors),
                      "fix the cause and run `aac drift` again")
    return code


def _incomplete(stack: str, target: str, exc: AacError, requests: int) -> DriftReport:
    why = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return DriftReport(stack=stack, target=target, created_at=utc_now(), items=(), complete=False,
                       errors=(why,), requests=requests)


def _unread(report: DriftReport, live: LiveState) -> DriftReport:
    """A store whose listing fell short of its own file_counts: its files may have drifted unseen."""
    short = [f"the server listed {len(s.files)} of the {len(s.files) + s.unread} files of vector_store.{key}"
             for key, s in sorted(live.vector_stores.items()) if s.unread]
    return replace(report, complete=False, errors=(*report.errors, *short)) if short else report


def _log_foreign(app: App, report: DriftReport) -> None:
    if not any(report.foreign.values()):
        return
    nouns = {kind.collection: kind.label for kind in KINDS} | {"files": "file"}  # report.foreign's keys
    counts = ", ".join(plural(n, nouns.get(kind, kind)) for kind, n in sorted(report.foreign.items()) if n)
    app.out.info(f"Not reported: {counts} of other stacks or of nobody (aac never touches them).")

