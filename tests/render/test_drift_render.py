"""Drift reports: goldens for every format, JUnit as CI reads it, exit codes by category."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from aac.errors import AacError
from aac.model.drift import Category, DriftItem, DriftReport, parse_fail_on
from aac.output import Output
from aac.render import render_drift
from aac.render.mdkit import LIMIT

from .drifts import every_category, in_sync, incomplete
from .golden import check_golden

CASES = {"drift_every_category": every_category, "drift_in_sync": in_sync, "drift_incomplete": incomplete}
GOLDEN = {"text": "text.txt", "markdown": "markdown.md", "json": "report.json", "junit": "junit.xml"}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", sorted(GOLDEN))
def test_drift_renders_as_its_golden(case: str, fmt: str) -> None:
    check_golden(f"{case}/{GOLDEN[fmt]}", render_drift(CASES[case](), fmt, Output(color=False)))


def test_drifted_reads_applied_to_live_and_pending_reads_live_to_manifests() -> None:
    text = render_drift(every_category(), "text", Output())
    assert '  # assistant.math-tutor has changed outside aac [- expected, + actual]\n' in text
    assert '      ~ model        = "gpt-4o" -> "gpt-4.1"\n' in text
    pending = "# assistant.weather-bot has changes in the manifests that are not applied yet [- live, + the manifests]"
    assert pending + "\n" in text
    assert 'tools[function getCurrentWeather].parameters.properties.unit.enum = ["c", "f"] -> ["c", "f", "k"]' in text
    assert "Drift: 1 drifted, 1 missing, 1 unmanaged, 1 pending; 1 in sync." in text
    assert "file.data/sales.csv" not in text


def test_junit_has_one_case_per_object_and_fails_only_the_chosen_categories() -> None:
    report = every_category()
    root = ET.fromstring(render_drift(report, "junit", Output(), fail_on={Category.DRIFTED, Category.MISSING}))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert sorted(cases) == sorted(item.address for item in report.items)
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {"assistant.math-tutor", "vector_store.support-kb"}
    assert root.get("failures") == "2" and root.get("tests") == "5"
    failure = cases["assistant.math-tutor"].find("failure")
    assert failure is not None and failure.get("type") == "drifted"
    assert "- Be terse." in (failure.text or "")
    assert cases["assistant.scratch"].find("system-out") is not None


def test_junit_reports_an_incomplete_scan_as_an_error() -> None:
    root = ET.fromstring(render_drift(incomplete(), "junit", Output()))
    errors = [case for case in root.iter("testcase") if case.find("error") is not None]
    assert [case.get("name") for case in errors] == ["scan"]
    assert root.get("errors") == "1"


def test_junit_survives_control_characters_in_instructions() -> None:
    drifted = every_category().items[0]
    item = replace(drifted, actual={**(drifted.actual or {}), "instructions": "bell \x07 here\nand more"})
    root = ET.fromstring(render_drift(replace(every_category(), items=(item,)), "junit", Output()))
    failure = "".join(case.findtext("failure") or "" for case in root.iter("testcase"))
    assert "bell \\u0007 here" in failure and "\x07" not in failure  # kept readable, the control escaped


def test_exit_code_is_1_incomplete_2_drift_0_in_sync() -> None:
    assert every_category().exit_code() == 2
    assert every_category().exit_code(parse_fail_on("")) == 0
    assert in_sync().exit_code() == 0
    assert incomplete().exit_code() == 1


def test_fail_on_names_must_be_categories() -> None:
    assert parse_fail_on("drifted, pending") == {Category.DRIFTED, Category.PENDING}
    with pytest.raises(AacError, match="unknown category bogus"):
        parse_fail_on("drifted,bogus")


def test_json_reads_back_as_the_same_report() -> None:
    report = every_category()
    again = DriftReport.from_json(json.loads(render_drift(report, "json", Output())))
    assert again.dumps() == report.dumps()
    assert again.summary == {"managed": 4, "in_sync": 1, "drifted": 1, "missing": 1, "unmanaged": 1, "pending": 1}


def test_markdown_of_a_huge_drift_stays_under_the_limit() -> None:
    base = every_category().items[0]
    items = tuple(replace(base, address=f"assistant.bot-{i:04d}", name=f"bot-{i:04d}") for i in range(2000))
    text = render_drift(replace(every_category(), items=items), "markdown", Output())
    assert len(text) <= LIMIT
    assert text.startswith("<!-- aac-drift:demo -->\n")
    assert "more objects not listed here." in text


def test_no_drift_is_said_explicitly() -> None:
    assert "No drift. Live state matches the manifests." in render_drift(in_sync(), "text", Output())
    assert "No drift" not in render_drift(incomplete(), "text", Output())


def test_an_item_with_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError):
        DriftItem.from_json({"address": "a.b", "kind": "a", "name": "b", "category": "weird"})
