"""`aac check --baseline`: a change that makes a question worse is caught, on the sandbox's own search."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli

SUPPORT = "assistants/support/customer-support.yaml"
GUIDE = "knowledge/guides/getting-started.md"
CHARGE = "1. Charge the widget for two hours before first use.\n"
QUESTION = "How long should I charge the widget before first use?"
WARRANTY = "knowledge/policies/warranty.pdf"
RETURNS = "knowledge/policies/shipping-and-returns.pdf"


def edit(root: Path, path: str, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text
    (root / path).write_text(text.replace(old, new), encoding="utf-8")


def test_deleting_the_paragraph_that_answers_a_question_is_a_regression_and_restoring_it_passes(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    saved = aac("check", "--out", "main.json")  # text on screen, the JSON report in the file
    assert saved.code == 0 and saved.out.startswith("aac check (stack demo")
    assert json.loads((aac.root / "main.json").read_text(encoding="utf-8"))["format_version"] == "2.0"

    edit(aac.root, GUIDE, CHARGE, "")
    assert aac("apply", "--auto-approve").code == 0
    shown = aac("check", "--baseline", "main.json")
    assert shown.code == 0, shown.out  # still within the top 3: a failure only when asked to
    assert f"  WORSE  vector_store.support-kb: {QUESTION}\n         {GUIDE}: rank 1 -> rank 3\n" in shown.out
    assert "  WORSE  MRR of vector_store.support-kb: 0.964 -> 0.917\n" in shown.out
    assert "Regressions: 5 (not failing without --fail-on-regression)." in shown.out

    failing = aac("check", "--baseline", "main.json", "--fail-on-regression", "--format", "markdown", "--out",
                  "comment.md")
    assert failing.code == 2
    assert (aac.root / "comment.md").read_text(encoding="utf-8") == failing.out
    assert "## aac check for `demo` on `test`: 14 passed, 0 failed; against the baseline: 1 worse, 0 better" \
        in failing.out
    assert "| support-kb | MRR | 0.964 | 0.917 | **-0.048** :small_red_triangle_down: |" in failing.out
    assert f"### Worse (1)\n\n| Query | Store | Expected file: rank before → now |\n|---|---|---|\n" \
           f"| {QUESTION} | support-kb | `{GUIDE}`: 1 → 3 |" in failing.out

    junit = ET.fromstring(aac("check", "--baseline", "main.json", "--fail-on-regression", "--format", "junit").out)
    failures = {case.get("name"): case.find("failure") for case in junit.iter("testcase")
                if case.find("failure") is not None}
    assert (junit.get("tests"), junit.get("failures")) == (str(14 + 2 + 6), "5")
    assert failures[f"vector_store.support-kb check 11: {QUESTION}"].get("type") == "regression"  # type: ignore[union-attr]
    assert failures["MRR of vector_store.support-kb"].text == "MRR of vector_store.support-kb: 0.964 -> 0.917"  # type: ignore[union-attr]

    edit(aac.root, GUIDE, "2. Install", CHARGE + "2. Install")
    assert aac("apply", "--auto-approve").code == 0
    restored = aac("check", "--baseline", "main.json", "--fail-on-regression", "--format", "json")
    assert restored.code == 0, restored.out
    assert restored.json()["baseline"]["regressions"] == 0


def test_new_and_removed_queries_are_listed_and_are_not_regressions(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    assert aac("check", "--out", "main.json").code == 0
    edit(aac.root, SUPPORT, "  - query: How do I reset my widget?", "  - query: How do I restart my widget?")
    result = aac("check", "--baseline", "main.json", "--fail-on-regression")
    assert result.code == 0, result.out
    assert "0 queries worse, 0 better, 1 new, 1 removed." in result.out
    assert "  NEW  vector_store.support-kb: How do I restart my widget?" in result.out
    assert "  REMOVED  vector_store.support-kb: How do I reset my widget?" in result.out


@pytest.mark.parametrize("content", [
    "not json", '{"format_version": "9.1", "checks": []}',
    '{"format_version": "2.0", "stack": "other", "checks": []}',  # another stack's report: nothing to compare
    '{"format_version": "2.0", "stack": "demo", "checks": [{"vector_store": "support-kb", "query": "q", '
    '"expect": ["a"], "within": 3, "passed": true, "ranks": {"a": 1000000000000}}]}',
    "[" * 100_000 + "]" * 100_000])
def test_a_bad_baseline_is_refused_before_any_search(aac: Cli, content: str) -> None:
    (aac.root / "main.json").write_text(content, encoding="utf-8")
    result = aac("check", "--baseline", "main.json")
    assert result.code == 1 and result.out == ""
    assert "error: the baseline main.json " in result.err and "hint: " in result.err


def test_an_absent_document_fails_while_it_is_in_the_store_and_passes_once_removed(aac: Cli) -> None:
    (aac.root / "knowledge/policies/returns-2023.md").write_text(
        "# Returns (2023, outdated)\n\nYou may return an unused widget within 14 days for store credit.\n",
        encoding="utf-8")
    edit(aac.root, SUPPORT, "    expect: [knowledge/policies/shipping-and-returns.pdf]\n",
         "    expect: [knowledge/policies/shipping-and-returns.pdf]\n"
         "    absent: [../../knowledge/policies/returns-2023.md]\n")
    assert aac("apply", "--auto-approve").code == 0
    failing = aac("check")
    assert failing.code == 2
    assert f"{SUPPORT}:21: knowledge/policies/returns-2023.md must not be in the top 3 results" in failing.out
    junit = ET.fromstring(aac("check", "--format", "junit").out)
    [failure] = junit.iter("failure")
    assert failure.get("message") == "knowledge/policies/returns-2023.md must not be in the top 3"

    (aac.root / "knowledge/policies/returns-2023.md").unlink()
    assert aac("validate").code == 0  # an absent file need not exist: that is the point
    assert aac("apply", "--auto-approve").code == 0
    passing = aac("check", "--format", "json")
    assert passing.code == 0, passing.out
    assert passing.json()["checks"][1]["absent"] == ["knowledge/policies/returns-2023.md"]


def attributes_of(client: openai.OpenAI) -> dict[str, dict[str, object]]:
    [store] = [s for s in client.vector_stores.list() if s.name == "Support knowledge base"]
    return {str((f.attributes or {})["aac-path"]): dict(f.attributes or {}) for f in client.vector_stores.files.list(
        store.id)}


def test_attributes_reach_the_attachments_change_in_place_and_filter_a_check(aac: Cli,
                                                                              client: openai.OpenAI) -> None:
    edit(aac.root, SUPPORT, "attributes: {kind: policy}", "attributes: {kind: policy, year: 2024, public: true}")
    assert aac("apply", "--auto-approve").code == 0
    live = attributes_of(client)
    assert {k: v for k, v in live[WARRANTY].items() if not k.startswith("aac-")} == \
           {"kind": "policy", "year": 2024, "public": True}
    assert set(live["knowledge/faq.md"]) == {"aac-path", "aac-sha256"}
    ids = {f.id for f in client.files.list()}

    edit(aac.root, SUPPORT, "year: 2024", "year: 2025")
    plan = aac("plan", "--format", "json").json()
    changed = [c for c in plan["changes"] if c["action"] != "no-op"]
    assert [(c["address"], c["action"], c["changed_fields"]) for c in changed] == [
        (f"vector_store_file.support-kb/{path}", "update", ["attributes"]) for path in (RETURNS, WARRANTY)]
    text = aac("plan").out
    assert f"  # vector_store_file.support-kb/{WARRANTY} will be updated in place\n" in text
    assert "      ~ attributes.year = 2024 -> 2025\n" in text
    assert aac("apply", "--auto-approve").code == 0
    assert attributes_of(client)[WARRANTY]["year"] == 2025
    assert {f.id for f in client.files.list()} == ids  # nothing uploaded again
    assert aac("plan", "--detailed-exitcode").code == 0

    edit(aac.root, SUPPORT, "  - query: How do I reset my widget?\n    expect: [knowledge/faq.md]\n",
         "  - query: How do I reset my widget?\n    expect: [knowledge/faq.md]\n"
         "  - query: widget\n    expect: [knowledge/policies/warranty.pdf]\n    within: 5\n"
         "    filters: {type: and, filters: [{type: eq, key: kind, value: policy},"
         " {type: gte, key: year, value: 2025}, {type: nin, key: aac-path, value: [" + RETURNS + "]}]}\n")
    result = aac("check", "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["checks"][1]["ranked"] == [WARRANTY]  # the filter left one file of the four


def test_attributes_changed_by_hand_are_drift_and_apply_sets_them_back(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    [store] = [s for s in client.vector_stores.list() if s.name == "Support knowledge base"]
    [warranty] = [f for f in client.vector_stores.files.list(store.id) if (f.attributes or {})["aac-path"] == WARRANTY]
    client.vector_stores.files.update(warranty.id, vector_store_id=store.id,
                                      attributes={**(warranty.attributes or {}), "kind": "faq", "owner": "me"})
    drift = aac("drift")
    assert drift.code == 2
    assert f"attributes differ from the manifests: {WARRANTY} (kind, owner)" in drift.out
    plan = aac("plan").out
    assert '      ~ attributes.kind  = "faq" -> "policy"\n' in plan and '      - attributes.owner = "me"' in plan
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0
    assert {k: v for k, v in attributes_of(client)[WARRANTY].items() if not k.startswith("aac-")} == {"kind": "policy"}


def test_a_baseline_of_another_target_is_compared_with_a_warning(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    assert aac("check", "--out", "main.json").code == 0
    report = json.loads((aac.root / "main.json").read_text(encoding="utf-8"))
    (aac.root / "main.json").write_text(json.dumps(report | {"target": "prod\nerror: forged"}), encoding="utf-8")
    result = aac("check", "--baseline", "main.json")
    assert result.code == 0, result.err
    assert "warning: the baseline main.json was made on target prod\\u000aerror: forged, this run is on test: " \
           "what differs may be the targets, not this change" in result.err
    assert "\nerror: forged" not in result.err


@pytest.mark.parametrize(("manifest", "by_hand"), [("1", True), ("true", 1), ("0", False), ("false", 0)])
def test_a_boolean_set_by_hand_where_the_manifest_has_a_number_is_drift(aac: Cli, client: openai.OpenAI,
                                                                         manifest: str, by_hand: object) -> None:
    """The search's filters tell `true` from `1` (Python's True == 1 does not)."""
    edit(aac.root, SUPPORT, "attributes: {kind: policy}", f"attributes: {{kind: policy, tier: {manifest}}}")
    assert aac("apply", "--auto-approve").code == 0
    [store] = [s for s in client.vector_stores.list() if s.name == "Support knowledge base"]
    [warranty] = [f for f in client.vector_stores.files.list(store.id) if (f.attributes or {})["aac-path"] == WARRANTY]
    client.vector_stores.files.update(warranty.id, vector_store_id=store.id,
                                      attributes={**(warranty.attributes or {}), "tier": by_hand})
    drift = aac("drift")
    assert drift.code == 2 and f"attributes differ from the manifests: {WARRANTY} (tier)" in drift.out
    assert aac("plan", "--detailed-exitcode").code == 2
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0
    tier = attributes_of(client)[WARRANTY]["tier"]
    assert tier == by_hand and type(tier) is not type(by_hand)  # the manifest's type again
