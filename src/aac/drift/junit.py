"""The drift report as JUnit XML, so CI shows drift as failed tests: one test case per object.

An object in a `--fail-on` category fails with its field diff as the failure text; an
incomplete scan adds an errored `scan` case, because a scan that could not read
everything cannot vouch for what it did not read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection

from aac.drift.blocks import VERBS, drift_block, incomplete_lines
from aac.model.drift import DRIFT_CATEGORIES, Category, DriftItem, DriftReport
from aac.output import Output
from aac.render.text import render_block

# XML 1.0 cannot carry most control characters, which instructions may hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_drift_junit(report: DriftReport, fail_on: Collection[Category] = DRIFT_CATEGORIES) -> str:
    failing = report.failing(fail_on)
    errors = 0 if report.complete else 1
    suites, suite = junit_suite("aac drift", report.stack, report.target, report.created_at,
                                tests=len(report.items) + errors, failures=len(failing), errors=errors)
    for item in report.ordered:
        _case(suite, report.stack, item, item in failing)
    if not report.complete:
        case = ET.SubElement(suite, "testcase", {"classname": f"aac.{report.stack}", "name": "scan", "time": "0"})
        lines = incomplete_lines(report)
        ET.SubElement(case, "error", {"type": "incomplete", "message": clean_xml(lines[0])}).text = clean_xml(
            "\n".join(lines[1:]))
    return junit_text(suites)


def junit_suite(title: str, stack: str, target: str, created_at: str, *, tests: int, failures: int,
                errors: int = 0) -> tuple[ET.Element, ET.Element]:
    """The <testsuites> root and its one <testsuite>, for a report of one stack on one target."""
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors)}
    suites = ET.Element("testsuites", {"name": title, **counts})
    suite = ET.SubElement(suites, "testsuite", {
        "name": f"{title}: stack {stack}, target {target}", **counts,
        "skipped": "0", "timestamp": created_at.removesuffix("Z"), "time": "0",
    })
    return suites, suite


def junit_text(suites: ET.Element) -> str:
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _case(suite: ET.Element, stack: str, item: DriftItem, failed: bool) -> None:
    case = ET.SubElement(suite, "testcase", {"classname": f"aac.{stack}.{item.kind}", "name": item.address,
                                             "time": "0"})
    if item.category is Category.IN_SYNC:
        return
    message = f"{item.address} {VERBS[item.category]}"
    if item.changed_fields:
        message += f": {', '.join(item.changed_fields)}"
    body = render_block(drift_block(item), Output(color=False))
    if failed:
        failure = ET.SubElement(case, "failure", {"type": item.category.value, "message": clean_xml(message)})
        failure.text = clean_xml(body)
    else:  # a category the job does not fail on: reported, not failed
        ET.SubElement(case, "system-out").text = clean_xml(f"{message}\n{body}")


def clean_xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
