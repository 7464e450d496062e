"""The retrieval check report: text for a terminal or CI log, JSON for machines, JUnit for CI test reports.

Text and JUnit read the report with every string escaped (aac.escape): a query from a manifest or a
filename from the target cannot recolour the log or reorder what a reviewer reads.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from aac.drift.junit import clean_xml, junit_suite, junit_text
from aac.escape import escaped
from aac.output import Output, plural
from aac.retrieval import CheckReport, CheckResult

NO_CHECKS = "No retrieval checks declared: add `checks:` to a vector_store manifest."


def render_checks(report: CheckReport, fmt: str, out: Output) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return _junit(escaped(report))
    return _text(escaped(report), out)


def _text(report: CheckReport, out: Output) -> str:
    head = f"aac check (stack {report.stack}, target {report.target}, run {report.created_at}):"
    if not report.results:
        return f"{head}\n\n{NO_CHECKS}\n"
    blocks = []
    for result in report.results:
        status = out.style("PASS", "green", "bold") if result.passed else out.style("FAIL", "red", "bold")
        blocks.append(f"  {status}  {result.name}\n" + "\n".join(f"        {line}" for line in _detail(result)))
    failed = len(report.failed)
    summary = f"Checks: {len(report.results) - failed} passed, {failed} failed."
    return "\n\n".join([head, *blocks, out.style(summary, "bold")]) + "\n"


def _detail(result: CheckResult) -> list[str]:
    top = f"the top {plural(result.check.within, 'result')}"
    found = ", ".join(result.found) or "nothing"
    if result.passed:
        return [f"{' and '.join(result.check.expect)} found in {top}: {found}"]
    return [f"{result.source}: expected {', '.join(result.missing)} in {top}", f"found: {found}"]


def _junit(report: CheckReport) -> str:
    suites, suite = junit_suite("aac check", report.stack, report.target, report.created_at,
                                tests=len(report.results), failures=len(report.failed))
    for result in report.results:
        case = ET.SubElement(suite, "testcase", {"classname": f"aac.{report.stack}.vector_store.{result.store}",
                                                 "name": clean_xml(result.name), "time": "0"})
        if not result.passed:
            message = f"expected {', '.join(result.missing)} in the top {result.check.within}"
            failure = ET.SubElement(case, "failure", {"type": "retrieval", "message": clean_xml(message)})
            failure.text = clean_xml("\n".join(_detail(result)))
    return junit_text(suites)
