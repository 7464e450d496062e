"""The retrieval check report: text for a terminal or CI log, JSON for machines, JUnit for CI test reports,
markdown for a pull request comment (aac.render.check_markdown).

Text, JUnit and markdown read the report with every string escaped (aac.escape): a query from a manifest
or a filename from the target cannot recolour the log or reorder what a reviewer reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from aac.check_report import CheckReport, MetricChange, QueryChange
from aac.drift.junit import clean_xml, junit_suite, junit_text
from aac.escape import escaped, json_document
from aac.output import Output, plural
from aac.render.check_markdown import render_check_markdown
from aac.retrieval import METRIC_LABELS, METRICS, OVERALL, CheckResult, Threshold

NO_CHECKS = "No retrieval checks declared: add `checks:` to a vector_store manifest."


def render_checks(report: CheckReport, fmt: str, out: Output) -> str:
    if fmt == "json":
        return json_document(report.to_json())
    if fmt == "junit":
        return _junit(escaped(report))
    if fmt == "markdown":
        return render_check_markdown(escaped(report))
    return _text(escaped(report), out)


def number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def rank_text(rank: int | None) -> str:
    return "not returned" if rank is None else f"rank {rank}"


def scope(store: str) -> str:
    return "all stores" if store == OVERALL else f"vector_store.{store}"


def _text(report: CheckReport, out: Output) -> str:
    head = f"aac check (stack {report.stack}, target {report.target}, run {report.created_at}):"
    if not report.results:
        return f"{head}\n\n{NO_CHECKS}\n"
    blocks = []
    for result in report.results:
        status = out.style("PASS", "green", "bold") if result.passed else out.style("FAIL", "red", "bold")
        blocks.append(f"  {status}  {result.name}\n" + "\n".join(f"        {line}" for line in _detail(result)))
    blocks.append(_metrics_text(report))
    if report.thresholds:
        blocks.append("\n".join(["Thresholds:", *(f"  {_threshold_status(t, out)}  {_threshold_line(t)}"
                                                  for t in report.thresholds)]))
    if report.comparison is not None:
        blocks.append(_comparison_text(report, out))
    return "\n\n".join([head, *blocks, out.style(_summary(report), "bold")]) + "\n"


def _detail(result: CheckResult) -> list[str]:
    top = f"the top {plural(result.check.within, 'result')}"
    found = ", ".join(result.found) or "nothing"
    ranks = result.ranks
    lines = []
    if result.missing:
        missed = ", ".join(f"{p} ({rank_text(ranks[p])})" if ranks[p] else p for p in result.missing)
        lines.append(f"{result.source}: expected {missed} in {top}")
    if result.unwanted:
        lines.append(f"{result.source}: {', '.join(result.unwanted)} must not be in {top}")
    if lines:
        return [*lines, f"found: {found}"]
    if result.check.expect:
        placed = ", ".join(f"{p} ({rank_text(ranks[p])})" for p in result.check.expect)
        lines.append(f"{placed} found in {top}: {found}")
    if result.check.absent:
        lines.append(f"{', '.join(result.check.absent)} not in {top}: {found}")
    return lines


def _metrics_text(report: CheckReport) -> str:
    lines = ["Metrics (k is each check's `within`):"]
    for store, values in report.metrics.items():
        shown = "no check expects a file" if values is None else \
            "  ".join(f"{METRIC_LABELS[m]} {number(values[m])}" for m in METRICS)
        lines.append(f"  {scope(store):<28} {shown}")
    return "\n".join(lines)


def _threshold_status(t: Threshold, out: Output) -> str:
    return out.style("PASS", "green", "bold") if t.passed else out.style("FAIL", "red", "bold")


def _threshold_line(t: Threshold) -> str:
    return f"vector_store.{t.store} {METRIC_LABELS[t.metric]} {number(t.value)}, at least {number(t.minimum)}"


def _comparison_text(report: CheckReport, out: Output) -> str:
    c = report.comparison
    assert c is not None
    lines = [f"Against the baseline {c.baseline} (run {c.created_at}): {plural(len(c.worse), 'query', 'queries')} "
             f"worse, {len(c.better)} better, {len(c.new)} new, {len(c.removed)} removed."]
    word = out.style("WORSE", "red", "bold") if report.fail_on_regression else out.style("WORSE", "yellow", "bold")
    lines += [f"  {word}  {metric_line(m)}" for m in c.worse_metrics]
    for change in c.worse:
        lines.append(f"  {word}  vector_store.{change.store}: {change.query}")
        lines += [f"         {line}" for line in change_lines(change)]
    for change in c.better:
        lines.append(f"  {out.style('BETTER', 'green', 'bold')}  vector_store.{change.store}: {change.query}")
        lines += [f"          {line}" for line in change_lines(change)]
    lines += [f"  NEW  vector_store.{store}: {query}" for store, query in c.new]
    lines += [f"  REMOVED  vector_store.{store}: {query}" for store, query in c.removed]
    return "\n".join(lines)


def metric_line(m: MetricChange) -> str:
    return f"{METRIC_LABELS[m.metric]} of {scope(m.store)}: {number(m.before)} -> {number(m.after)}"


def change_lines(change: QueryChange) -> list[str]:
    lines = [f"{m.path}: {rank_text(m.before)} -> {rank_text(m.after)}" for m in change.moves]
    lines += [f"{path}: must not be found, and is now" for path in change.came_back]
    if change.newly_failed and not lines:
        lines.append("passed before, fails now")
    return lines


def _summary(report: CheckReport) -> str:
    failed = len(report.failed)
    parts = [f"Checks: {len(report.results) - failed} passed, {failed} failed."]
    if report.thresholds:
        missed = len(report.thresholds_failed)
        parts.append(f"Thresholds: {len(report.thresholds) - missed} met, {missed} missed.")
    if report.comparison is not None:
        counted = "failing" if report.fail_on_regression else "not failing without --fail-on-regression"
        parts.append(f"Regressions: {report.comparison.regressions} ({counted}).")
    return " ".join(parts)


def _junit(report: CheckReport) -> str:
    """A test case per check, per threshold and, with a baseline, per metric compared."""
    regressed = {(c.store, c.query): c for c in report.comparison.worse} if report.comparison else {}
    compared = report.comparison.metrics if report.comparison else ()
    failing = report.fail_on_regression
    failures = len(report.failed) + len(report.thresholds_failed) + failing * (
        len([r for r in report.results if r.passed and (r.store, r.check.query) in regressed])
        + len([m for m in compared if m.worse]))
    suites, suite = junit_suite("aac check", report.stack, report.target, report.created_at,
                                tests=len(report.results) + len(report.thresholds) + len(compared), failures=failures)
    for result in report.results:
        case = _case(suite, report.stack, f"vector_store.{result.store}", result.name)
        change = regressed.get((result.store, result.check.query))
        if not result.passed:
            _fail(case, "retrieval", _failure_message(result), _detail(result))
        elif change is not None and failing:
            _fail(case, "regression", "worse than the baseline", change_lines(change))
    for t in report.thresholds:
        case = _case(suite, report.stack, f"vector_store.{t.store}", f"threshold: {_threshold_line(t)}")
        if not t.passed:
            _fail(case, "threshold", f"{METRIC_LABELS[t.metric]} below {number(t.minimum)}", [_threshold_line(t)])
    for m in compared:
        case = _case(suite, report.stack, "baseline", f"{METRIC_LABELS[m.metric]} of {scope(m.store)}")
        if m.worse and failing:
            _fail(case, "regression", "went down", [metric_line(m)])
        elif m.worse:
            ET.SubElement(case, "system-out").text = clean_xml(f"{metric_line(m)} (not failing without "
                                                               "--fail-on-regression)")
    return junit_text(suites)


def _failure_message(result: CheckResult) -> str:
    within = result.check.within
    parts = [f"expected {', '.join(result.missing)} in the top {within}"] if result.missing else []
    parts += [f"{', '.join(result.unwanted)} must not be in the top {within}"] if result.unwanted else []
    return "; ".join(parts)


def _case(suite: ET.Element, stack: str, group: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": clean_xml(f"aac.{stack}.{group}"), "name": clean_xml(name),
                                             "time": "0"})


def _fail(case: ET.Element, kind: str, message: str, lines: list[str]) -> None:
    failure = ET.SubElement(case, "failure", {"type": kind, "message": clean_xml(message)})
    failure.text = clean_xml("\n".join(lines))
