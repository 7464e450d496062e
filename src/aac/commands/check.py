"""`aac check`: run the retrieval checks the vector store manifests declare, with the target's own search.

Exit 0 when every check passes (or none is declared), 2 when a check failed, a threshold was missed or,
with --fail-on-regression, a query or metric got worse than the baseline; 1 on an error.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from aac.check_report import CheckReport, compare, read_baseline
from aac.desired import require_valid
from aac.live import read_live
from aac.output import save_document
from aac.plan.make import connected, showing_reads, utc_now
from aac.render.checks import render_checks
from aac.retrieval import run_checks, thresholds_of
from aac.stack import load_stack

if TYPE_CHECKING:
    from aac.commands import App


# A file named so is written in its format whatever --format prints: one run, a report for each use
# (FILE.json the JSON report a later --baseline reads, FILE.xml for a CI test report, FILE.md a comment).
FORMAT_BY_SUFFIX = {".json": "json", ".xml": "junit", ".md": "markdown"}


def format_of(name: str, fmt: str) -> str:
    return FORMAT_BY_SUFFIX.get(PurePath(name).suffix.lower(), fmt)


def run(app: App, fmt: str = "text", out_files: tuple[str, ...] = (), baseline: str | None = None,
        fail_on_regression: bool = False) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    # manifest problems first, before any network or key
    desired = require_valid(stack, app.out, target=app.target_name, environ=app.environ)
    previous = read_baseline(app.root, baseline, stack.name) if baseline else None  # refused before any request
    if previous is not None and previous.target not in ("", target.name):
        app.out.warn(f"the baseline {baseline} was made on target {previous.target}, this run is on {target.name}: "
                     "what differs may be the targets, not this change")
    results = []
    requests = 0
    if any(spec.checks for spec in desired.vector_stores.values()):
        with connected(stack, target, app.environ, app.out) as api:
            reader = api.reader()
            with showing_reads(api, app.out):
                live = read_live(reader, stack.name)
            results = run_checks(desired, live, reader)
            requests = reader.requests
    report = CheckReport(stack.name, target.name, utc_now(), tuple(results), requests,
                         thresholds_of(desired, results), compare(previous, results) if previous else None,
                         fail_on_regression)
    app.out.document(render_checks(report, fmt, app.out))
    for name in out_files:
        save_document(app.out, app.root, name, render_checks(report, format_of(name, fmt), app.out), "check report")
    app.out.log(f"{requests} API requests")
    return report.exit_code



