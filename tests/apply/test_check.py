"""`aac check`: the vector stores' retrieval checks, run with the target's own search (the sandbox's here)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.cli_harness import Cli

SUPPORT = "assistants/support/customer-support.yaml"
RETURNS = "knowledge/policies/shipping-and-returns.pdf"
DATASET = "assistants/support/evals/support-kb.jsonl"


def set_store_files(root: Path, files: str) -> None:
    manifest = root / SUPPORT
    text = manifest.read_text(encoding="utf-8")
    start = text.index("files:")
    end = text.index("chunking_strategy:")
    manifest.write_text(text[:start] + f"files: {files}\n" + text[end:], encoding="utf-8")


def set_checks(root: Path, check: str) -> None:
    manifest = root / SUPPORT
    text = manifest.read_text(encoding="utf-8")
    start, end = text.index("checks:\n"), text.index("metadata:")
    manifest.write_text(text[:start] + f"checks: [{check}]\n" + text[end:], encoding="utf-8")


def only_manifest_checks(root: Path) -> None:
    """The example without its dataset file and thresholds: the two checks of the manifest alone."""
    manifest = root / SUPPORT
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if not line.startswith(("checks_file:", "thresholds:"))),
                        encoding="utf-8")


def test_the_example_suite_passes_on_the_sandbox(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    result = aac("check", "--format", "json")
    assert result.code == 0, result.out
    report = result.json()
    assert report["summary"] == {"checks": 14, "passed": 14, "failed": 0, "thresholds_failed": 0, "regressions": 0}
    assert report["requests"] == 22  # 8 reads, 14 searches
    assert [t["metric"] for t in report["thresholds"]] == ["recall_at_k", "mrr"]
    assert [c["source"] for c in report["checks"]][1:3] == [f"{SUPPORT}:21", f"{DATASET}:1"]
    [absent] = [c for c in report["checks"] if c["absent"]]
    assert absent["search"] == {"filters": {"type": "eq", "key": "kind", "value": "policy"}}
    assert set(absent["ranked"]) <= {RETURNS, "knowledge/policies/warranty.pdf"}  # the filter keeps policies only


def test_a_check_fails_when_the_manifest_drops_its_document_and_passes_when_it_is_back(aac: Cli) -> None:
    only_manifest_checks(aac.root)
    assert aac("apply", "--auto-approve").code == 0
    passing = aac("check", "--format", "json")
    assert passing.code == 0, passing.err
    report = passing.json()
    assert report["summary"] == {"checks": 2, "passed": 2, "failed": 0, "thresholds_failed": 0, "regressions": 0}
    assert (report["format_version"], report["stack"], report["requests"]) == ("2.0", "demo", 10)  # 8 reads, 2 searches
    assert report["checks"][1]["expect"] == [RETURNS] and RETURNS in report["checks"][1]["found"]

    set_store_files(aac.root, "[../../knowledge/**/*.md, ../../knowledge/policies/warranty.pdf]")
    validated = aac("validate")
    assert validated.code == 0
    assert f"{SUPPORT}:19: warning: a check of vector_store 'support-kb' expects {RETURNS}, which is not among " \
           "its files: the check will fail" in validated.err
    assert aac("apply", "--auto-approve").code == 0
    failing = aac("check", "--out", "checks.txt", "--out", "checks.xml")
    assert failing.code == 2
    assert "  PASS  vector_store.support-kb check 1: How do I reset my widget?" in failing.out
    assert "  FAIL  vector_store.support-kb check 2: Can I return a widget for a refund?" \
           in failing.out
    assert f"{SUPPORT}:18: expected {RETURNS} in the top 3 results" in failing.out
    assert "Checks: 1 passed, 1 failed." in failing.out
    assert (aac.root / "checks.txt").read_text(encoding="utf-8") == failing.out  # as --format says
    saved = ET.fromstring((aac.root / "checks.xml").read_text(encoding="utf-8"))  # by its name: JUnit
    assert (saved.tag, saved.get("tests"), saved.get("failures")) == ("testsuites", "2", "1")

    junit = ET.fromstring(aac("check", "--format", "junit").out)
    assert (junit.get("tests"), junit.get("failures")) == ("2", "1")
    [failure] = junit.iter("failure")
    assert failure.get("message") == f"expected {RETURNS} in the top 3"

    set_store_files(aac.root, "[../../knowledge/**/*.md, ../../knowledge/policies/*.pdf]")
    assert aac("apply", "--auto-approve").code == 0
    assert aac("check").code == 0


def test_within_bounds_how_many_results_count(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifest = aac.root / SUPPORT
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "    expect: [knowledge/faq.md]\n",
        "    expect: [knowledge/faq.md, ../../knowledge/policies/warranty.pdf]\n    within: 1\n"), encoding="utf-8")
    assert aac("plan", "--detailed-exitcode").code == 0  # checks are not part of the store: nothing to apply
    result = aac("check", "--format", "json")
    assert result.code == 2
    first = result.json()["checks"][0]
    assert first["found"] == ["knowledge/faq.md"]  # one result, and the reset answer ranks first
    assert first["missing"] == ["knowledge/policies/warranty.pdf"]  # relative to the manifest, like `files`


def test_a_store_with_checks_that_is_not_on_the_target_is_an_error(aac: Cli) -> None:
    result = aac("check")
    assert result.code == 1 and result.out == ""
    assert "error: vector_store.support-kb has checks but is not on the target" in result.err
    assert "hint: run `aac " in result.err and " apply` on this target first" in result.err  # as the user runs aac


def test_no_checks_declared_passes_without_reading_the_target(aac: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = aac.root / SUPPORT
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[:text.index("# Questions customers")] + text[text.index("metadata:"):], encoding="utf-8")
    monkeypatch.delenv("AAC_APPLY_TEST_KEY")  # no key: nothing may need the target
    result = aac("check")
    assert result.code == 0, result.err
    assert "No retrieval checks declared" in result.out


@pytest.mark.parametrize(("check", "problem"), [
    ("{query: q, expect: [/etc/passwd]}", "error: '/etc/passwd' is an absolute path"),
    ("{query: q, expect: [../../../../outside.md]}", "error: '../../../../outside.md' leaves the repository"),
    ("{query: q, expect: [knowledge/faq.md], within: 0}", "checks[0].within"),
    ("{query: q, expect: []}", "checks[0].expect"),
    ("{query: q, expects: [knowledge/faq.md]}", "expects"),
])
def test_checks_are_validated_offline(aac: Cli, check: str, problem: str) -> None:
    set_checks(aac.root, check)
    result = aac("check")
    assert result.code == 1 and problem in result.err, result.err


@pytest.mark.parametrize(("check", "problem"), [
    ("{query: q, expect: [knowledge/faq.md], within: .inf}", "`checks[0].within`: inf is not a JSON number"),
    ("{query: q, expect: knowledge/faq.md}", "`checks[0].expect` must be a list, not a string"),
    ("{query: q, expect: [[knowledge/faq.md], {a: b}, null]}", "`checks[0].expect[1]` must be a string"),
])
def test_a_check_of_the_wrong_shape_is_its_schema_error_alone(aac: Cli, check: str, problem: str) -> None:
    """Not a crash, and not warnings about made-up files read from a string's letters or a list's repr."""
    set_checks(aac.root, check)
    result = aac("validate")
    assert result.code == 1 and problem in result.err, result.err
    assert "unexpected" not in result.err and ": warning:" not in result.err


@pytest.mark.parametrize(("check", "problem"), [
    ("{query: q}", "error: a check needs `expect` or `absent`"),
    ("{query: q, absent: []}", "checks[0].absent"),
    ("{query: q, expect: [knowledge/faq.md], within: 5, max_num_results: 4}",
     "error: within 5 is more than max_num_results 4: the search never returns that many"),
    ("{query: q, expect: [knowledge/faq.md], max_num_results: 51}", "checks[0].max_num_results"),
    ("{query: q, expect: [knowledge/faq.md], filters: {type: like, key: kind, value: x}}", "checks[0].filters"),
    ("{query: q, expect: [knowledge/faq.md], filters: {type: and, filters: [{type: eq, key: k}]}}",
     "checks[0].filters"),
    ("{query: q, expect: [knowledge/faq.md], ranking_options: {score_threshold: 2}}",
     "checks[0].ranking_options.score_threshold"),
    ("{query: q, expect: [knowledge/faq.md], rewrite_query: yes please}", "checks[0].rewrite_query"),
    ("{query: q, absent: [/etc/passwd]}", "error: '/etc/passwd' is an absolute path"),
])
def test_the_new_check_fields_are_validated_offline(aac: Cli, check: str, problem: str) -> None:
    set_checks(aac.root, check)
    result = aac("validate")
    assert result.code == 1 and problem in result.err, result.err
    assert "hint: " in result.err


def set_dataset(root: Path, text: bytes) -> None:
    (root / "assistants/support/evals/support-kb.jsonl").write_bytes(text)


@pytest.mark.parametrize(("lines", "problem"), [
    (b'{"query": "q", "expect": ["knowledge/faq.md"]}\n{"query": "q", "expect": [}\n', ":2: error: not a JSON object"),
    (b'\n\n{"query": "q", "expects": ["knowledge/faq.md"]}\n', ":3: error: unknown field `expects` in check"),
    (b'{"query": "q", "expect": ["knowledge/faq.md"], "within": 0}\r\n', ":1: error: `within`"),
    (b'{"query": "q", "expect": ["knowledge/faq.md"]}\r{"query": ""}\r', ":2: error: "),
    (b'["q", "knowledge/faq.md"]\n', ":1: error: "),
    (b'{"query": "q", "expect": ["knowledge/faq.md"], "within": NaN}\n', ":1: error: not a JSON object: NaN"),
    (b'{"query": "q", "expect": ["/etc/passwd"]}\n', ":1: error: '/etc/passwd' is an absolute path"),
    (b'{"query": "caf\xe9"}\n', ":1: error: the file is not UTF-8"),
    ('{"query": "q"}'.encode("utf-16"), ":1: error: the file is not UTF-8"),
    (b'{"query": "q", "query": "r", "expect": ["knowledge/faq.md"]}\n', ':1: error: not a JSON object: the key '
     '"query" is given twice'),
    (b'{"query": "q\\ud800", "expect": ["knowledge/faq.md"]}\n', ":1: error: not a JSON object: a lone surrogate"),
    (b'{"query": "q", "expect": ["knowledge/faq.md"], "within": 1e309}\n', ":1: error: not a JSON object: inf "),
    (b"[" * 100_000 + b"]" * 100_000 + b"\n", ":1: error: not a JSON object: the JSON nests deeper"),
    (b'{"query": "q", "filters": ' + b'{"type": "and", "filters": [' * 300 + b"]}" * 300 + b"}\n",
     ":1: error: not a JSON object: nesting deeper than 200 levels"),
])
def test_a_bad_line_of_the_dataset_file_is_an_error_with_its_file_and_line(aac: Cli, lines: bytes,
                                                                           problem: str) -> None:
    set_dataset(aac.root, lines)
    result = aac("check")
    assert result.code == 1 and result.out == ""
    assert f"assistants/support/evals/support-kb.jsonl{problem}" in result.err, result.err
    assert "hint: " in result.err


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_dataset_file_saved_with_a_byte_order_mark_reads_its_first_check(aac: Cli, newline: bytes) -> None:
    set_dataset(aac.root, b"\xef\xbb\xbf" + newline.join([b'{"query": "q", "expect": ["knowledge/faq.md"]}'] * 2))
    result = aac("validate")
    assert result.code == 0, result.err


def test_a_dataset_file_that_is_missing_or_outside_the_repository_is_an_error(aac: Cli) -> None:
    manifest = aac.root / SUPPORT
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("checks_file: evals/support-kb.jsonl", "checks_file: evals/none.jsonl"),
                        encoding="utf-8")
    assert "error: 'evals/none.jsonl' does not exist" in aac("validate").err
    manifest.write_text(text.replace("checks_file: evals/support-kb.jsonl", "checks_file: ../../../x.jsonl"),
                        encoding="utf-8")
    assert "error: '../../../x.jsonl' leaves the repository" in aac("validate").err


def test_a_dataset_line_that_expects_a_file_the_store_lacks_warns_with_its_line(aac: Cli) -> None:
    set_dataset(aac.root, b'{"query": "q", "expect": ["knowledge/missing.md"]}\n')
    result = aac("validate")
    assert result.code == 0
    assert "assistants/support/evals/support-kb.jsonl:1: warning: a check of vector_store 'support-kb' expects " \
           "knowledge/missing.md, which is not among its files: the check will fail" in result.err


def set_files(root: Path, attributes: str) -> None:
    manifest = root / SUPPORT
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("attributes: {kind: policy}", f"attributes: {attributes}"), encoding="utf-8")


@pytest.mark.parametrize(("attributes", "problem"), [
    ("{aac-path: x}", "error: attribute 'aac-path' starts with `aac-` (in any case), which aac keeps for its own"),
    ("{AAC-path: x}", "error: attribute 'AAC-path' starts with `aac-` (in any case), which aac keeps for its own"),
    ("{Aac-Sha256: x}", "error: attribute 'Aac-Sha256' starts with `aac-` (in any case)"),
    ("{" + ", ".join(f"k{n}: v" for n in range(15)) + "}", "`files[1].attributes` has 15 keys; the limit is 14\n"
     "    hint: at most 14 attributes a file: the API allows 16 and aac writes 2 of its own"),
    ("{" + "k" * 65 + ": v}", "files[1].attributes"),
    ("{note: " + "v" * 513 + "}", "files[1].attributes.note"),
    ("{tags: [a, b]}", "files[1].attributes.tags"),
    ("{nothing: null}", "files[1].attributes.nothing"),
])
def test_file_attributes_are_validated_offline(aac: Cli, attributes: str, problem: str) -> None:
    set_files(aac.root, attributes)
    result = aac("validate")
    assert result.code == 1 and problem in result.err, result.err


def test_attributes_of_two_entries_merge_and_too_many_together_is_an_error(aac: Cli) -> None:
    manifest = aac.root / SUPPORT
    seven = ", ".join(f"a{n}: {n}" for n in range(7))
    eight = ", ".join(f"b{n}: {n}" for n in range(8))
    text = manifest.read_text(encoding="utf-8").replace(
        "    attributes: {kind: policy}", f"    attributes: {{{seven}}}\n"
        f"  - path: ../../knowledge/policies/warranty.pdf\n    attributes: {{{eight}}}")
    manifest.write_text(text, encoding="utf-8")
    result = aac("validate")
    assert result.code == 1
    assert "error: knowledge/policies/warranty.pdf gets 15 attributes from the `files` entries that match it, " \
           "over the 14 a file may carry" in result.err
    assert "knowledge/policies/shipping-and-returns.pdf gets" not in result.err  # 7 alone: fine
