"""recall@k, MRR and nDCG@k of `aac check`, against values worked out by hand, and how two reports compare."""

from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import pytest

from aac.check_report import BASELINE_MAX, Baseline, QueryRanks, compare, read_baseline
from aac.errors import AacError
from aac.resources import RetrievalCheck
from aac.retrieval import CheckResult, metrics_of, ndcg_at_k, recall_at_k, reciprocal_rank, store_metrics

# A hand-made ranking: files a..e as the search returned them (after merging chunks), b, c and z relevant.
RANKED = ("a", "x", "b", "y", "c")
RELEVANT = ("b", "c", "z")


@pytest.mark.parametrize(("k", "recall", "rr", "ndcg"), [
    # top 4 holds b (rank 3): 1 of 3 relevant; DCG 1/log2(4) = 0.5; the ideal puts 3 relevant at ranks 1-3.
    (4, 1 / 3, 1 / 3, 0.5 / (1 + 1 / math.log2(3) + 0.5)),
    # top 5 adds c at rank 5: DCG 0.5 + 1/log2(6).
    (5, 2 / 3, 1 / 3, (0.5 + 1 / math.log2(6)) / (1 + 1 / math.log2(3) + 0.5)),
    # top 2 holds none: every metric 0, whatever ranks lower.
    (2, 0.0, 0.0, 0.0),
    # k beyond what came back: the same as all of it.
    (50, 2 / 3, 1 / 3, (0.5 + 1 / math.log2(6)) / (1 + 1 / math.log2(3) + 0.5)),
])
def test_metrics_of_a_hand_made_ranking(k: int, recall: float, rr: float, ndcg: float) -> None:
    assert recall_at_k(RANKED, RELEVANT, k) == pytest.approx(recall)
    assert reciprocal_rank(RANKED, RELEVANT, k) == pytest.approx(rr)
    assert ndcg_at_k(RANKED, RELEVANT, k) == pytest.approx(ndcg)


def test_the_ideal_ranking_holds_no_more_than_k_files() -> None:
    """Two relevant files and k 1: the file at rank 1 is as good as it gets (nDCG 1), recall only half."""
    assert (recall_at_k(("a", "b"), ("a", "b"), 1), reciprocal_rank(("a", "b"), ("a", "b"), 1),
            ndcg_at_k(("a", "b"), ("a", "b"), 1)) == (0.5, 1.0, 1.0)
    # the second relevant file first, the first second: all found, nDCG still 1 (both relevant alike)
    assert ndcg_at_k(("b", "a"), ("a", "b"), 2) == pytest.approx(1.0)
    assert ndcg_at_k(("x", "a"), ("a",), 3) == pytest.approx(1 / math.log2(3))


def test_a_mean_over_checks_leaves_out_those_that_expect_nothing() -> None:
    means = metrics_of([(("a",), ("a",), 3), (("x", "a"), ("a",), 3), (("a",), (), 3)])  # the last: absent only
    assert means == pytest.approx({"recall_at_k": 1.0, "mrr": (1 + 1 / 2) / 2,
                                   "ndcg_at_k": (1 + 1 / math.log2(3)) / 2})
    assert metrics_of([(("a",), (), 3)]) is None


def result(store: str, query: str, ranked: tuple[str, ...], expect: tuple[str, ...], within: int = 3,
           absent: tuple[str, ...] = ()) -> CheckResult:
    return CheckResult(store, 1, RetrievalCheck(query, expect, within, absent=absent), "m.yaml:1", ranked)


def test_a_check_ranks_files_beyond_within_and_counts_only_within() -> None:
    check = result("kb", "q", ("x", "y", "a", "b"), ("a", "c"), within=2, absent=("y",))
    assert check.ranks == {"a": 3, "c": None}
    assert check.found == ("x", "y") and check.missing == ("a", "c") and check.unwanted == ("y",)
    assert check.metrics == {"recall_at_k": 0.0, "mrr": 0.0, "ndcg_at_k": 0.0}
    stores = store_metrics([check, result("other", "q", ("a",), ("a",))])
    assert stores["kb"] == check.metrics and stores["other"] == {"recall_at_k": 1, "mrr": 1, "ndcg_at_k": 1}
    assert stores[""] == {"recall_at_k": 0.5, "mrr": 0.5, "ndcg_at_k": 0.5}


def baseline(*queries: QueryRanks) -> Baseline:
    return Baseline("main.json", "2026-01-01T00:00:00Z", queries)


def test_a_comparison_lists_what_got_worse_worst_first_and_what_got_better() -> None:
    before = baseline(QueryRanks("kb", "slipped", {"a": 1}, 3, True), QueryRanks("kb", "fell out", {"a": 1}, 3, True),
                      QueryRanks("kb", "climbed", {"a": 3}, 3, True), QueryRanks("kb", "same", {"a": 2}, 3, True),
                      QueryRanks("kb", "gone", {"a": 1}, 3, True))
    now = [result("kb", "slipped", ("x", "a"), ("a",)), result("kb", "fell out", ("x",), ("a",)),
           result("kb", "climbed", ("a",), ("a",)), result("kb", "same", ("x", "a"), ("a",)),
           result("kb", "new", ("a",), ("a",))]
    c = compare(before, now)
    assert [(q.query, [(m.before, m.after) for m in q.moves]) for q in c.worse] == [
        ("fell out", [(1, None)]), ("slipped", [(1, 2)])]  # the bigger loss of reciprocal rank first
    assert [q.query for q in c.better] == ["climbed"]
    assert (c.new, c.removed) == ((("kb", "new"),), (("kb", "gone"),))
    # Metrics over the 4 queries both have: MRR (1+1+1/3+1/2)/4 before, (1/2+0+1+1/2)/4 now.
    mrr = {m.store: (m.before, m.after) for m in c.metrics if m.metric == "mrr"}
    assert mrr["kb"] == pytest.approx(((1 + 1 + 1 / 3 + 1 / 2) / 4, (1 / 2 + 0 + 1 + 1 / 2) / 4))
    assert {(m.store, m.metric) for m in c.worse_metrics} == {(s, n) for s in ("", "kb")
                                                              for n in ("recall_at_k", "mrr", "ndcg_at_k")}
    assert c.regressions == 2 + 6


def test_an_absent_file_coming_back_or_a_newly_failing_check_is_worse_even_with_the_same_ranks() -> None:
    before = baseline(QueryRanks("kb", "old policy", {}, 3, True), QueryRanks("kb", "q", {"a": 2}, 3, True))
    now = [result("kb", "old policy", ("old.pdf",), (), absent=("old.pdf",)),
           result("kb", "q", ("x", "a"), ("a",), within=1)]
    c = compare(before, now)
    assert [(q.query, q.came_back, q.newly_failed) for q in c.worse] == [
        ("old policy", ("old.pdf",), True), ("q", (), True)]
    # only "q" expects a file: its rank held, but its k went from 3 to 1, so its metrics fell
    assert {(m.metric, m.before, m.after) for m in c.worse_metrics if m.store == "kb"} == {
        ("recall_at_k", 1.0, 0.0), ("mrr", 0.5, 0.0), ("ndcg_at_k", 1 / math.log2(3), 0.0)}


def test_the_same_query_twice_in_a_store_matches_in_order() -> None:
    before = baseline(QueryRanks("kb", "q", {"a": 1}, 3, True), QueryRanks("kb", "q", {"b": 1}, 3, True))
    c = compare(before, [result("kb", "q", ("a",), ("a",)), result("kb", "q", ("x", "b"), ("b",))])
    assert [(q.query, q.moves[0].path) for q in c.worse] == [("q", "b")]


def test_a_report_of_format_1_is_read_its_ranks_from_the_order_found(tmp_path: Path) -> None:
    """What aac check --format json printed before format 2.0: no ranks, no metrics."""
    old = {"format_version": "1.0", "stack": "demo", "target": "sandbox", "created_at": "2026-11-30T00:22:48Z",
           "summary": {"checks": 1, "passed": 1, "failed": 0},
           "checks": [{"vector_store": "kb", "number": 1, "query": "q", "expect": ["a", "b"], "within": 3,
                       "source": "m.yaml:3", "passed": False, "found": ["x", "b"], "missing": ["a"]}],
           "requests": 8}
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    read = read_baseline(tmp_path, "old.json")
    assert read.queries == (QueryRanks("kb", "q", {"a": None, "b": 2}, 3, False),)
    c = compare(read, [result("kb", "q", ("b", "a"), ("a", "b"))])
    assert [(m.path, m.before, m.after) for m in c.better[0].moves] == [("a", None, 2), ("b", 2, 1)]


@pytest.mark.parametrize(("text", "message"), [
    ("checks: []\n", "the baseline r.json is not a JSON check report"),
    ('{"format_version": "1.0"}', "the baseline r.json is not a JSON check report"),
    ('<?xml version="1.0"?><testsuites/>', "the baseline r.json is not a JSON check report"),
    ('{"format_version": "3.0", "checks": []}', "the baseline r.json has format_version 3.0, which this aac cannot"),
    ('{"format_version": "2.0", "checks": [{"query": "q"}]}', "the baseline r.json is a damaged check report"),
    ('{"format_version": "2.0", "checks": [7]}', "the baseline r.json is a damaged check report"),
])
def test_anything_but_a_check_report_is_refused_with_a_hint(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "r.json").write_text(text, encoding="utf-8")
    with pytest.raises(AacError) as raised:
        read_baseline(tmp_path, "r.json")
    assert str(raised.value).startswith(message)
    assert "aac check --out FILE.json" in (raised.value.hint or "")


def test_a_missing_or_binary_baseline_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AacError, match="cannot read the baseline nowhere.json"):
        read_baseline(tmp_path, "nowhere.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(AacError, match="is not a JSON check report"):
        read_baseline(tmp_path, "bin.json")


def report_with(**fields: object) -> str:
    """A 2.0 report of stack demo with one check whose fields are replaced by `fields`."""
    check = {"vector_store": "kb", "number": 1, "query": "q", "expect": ["a"], "within": 3, "passed": True,
             "ranks": {"a": 1}, "unwanted": []} | fields
    return json.dumps({"format_version": "2.0", "stack": "demo", "target": "sandbox", "created_at": "x",
                       "checks": [check]})


@pytest.mark.parametrize("text", [
    report_with(ranks={"a": 10**12}),  # the metrics laid out a list this long
    report_with(ranks={"a": 0}), report_with(ranks={"a": -3}), report_with(ranks={"a": True}),
    report_with(ranks={"a": 1.5}), report_with(ranks={"a": "1"}),
    report_with(within=10**30), report_with(within=0), report_with(within=False),
    report_with(passed="yes"), report_with(passed=1), report_with(query=["q"]), report_with(vector_store=None),
    report_with(expect="a"), report_with(unwanted="a"), report_with(expect=[1]),
])
def test_a_field_of_the_wrong_type_or_size_is_a_damaged_report(tmp_path: Path, text: str) -> None:
    (tmp_path / "r.json").write_text(text, encoding="utf-8")
    with pytest.raises(AacError, match="the baseline r.json is a damaged check report"):
        compare(read_baseline(tmp_path, "r.json", "demo"), [])


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"format_version": "2.0", "checks": [], "x": ' + "[" * 500 + "]" * 500 + "}",
    report_with().replace('"created_at": "x"', '"created_at": NaN'),
    report_with(ranks={"a": 1}).replace('"a": 1}', '"a": 1e309}'),
])
def test_a_nesting_bomb_or_a_constant_json_lacks_is_not_a_report(tmp_path: Path, text: str) -> None:
    (tmp_path / "r.json").write_text(text, encoding="utf-8")
    with pytest.raises(AacError, match="the baseline r.json is not a JSON check report"):
        read_baseline(tmp_path, "r.json", "demo")


def test_another_stack_s_report_is_refused_and_a_report_that_names_none_is_read(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(report_with().replace('"demo"', '"other\\nstack"'), encoding="utf-8")
    with pytest.raises(AacError) as raised:
        read_baseline(tmp_path, "r.json", "demo")
    assert str(raised.value) == ("the baseline r.json is a report of stack other\\u000astack, not demo: no query "
                                 "of it is one of this stack's")
    (tmp_path / "r.json").write_text(report_with().replace('"stack": "demo", ', ""), encoding="utf-8")
    assert read_baseline(tmp_path, "r.json", "demo").target == "sandbox"


def write_when_read(fifo: Path) -> None:
    """Feed a reader of `fifo`, if one ever opens it (so a read that should not happen ends, and fails the test)."""
    try:
        with open(fifo, "w", encoding="utf-8") as writer:
            writer.write("not a report")
    except OSError:  # the test's own non-blocking open, at its end, closed before this wrote
        pass


def test_a_fifo_a_folder_or_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")  # opening it to read would wait for a writer forever
    writer = threading.Thread(target=write_when_read, args=(tmp_path / "fifo.json",), daemon=True)
    writer.start()
    try:
        with pytest.raises(AacError, match=r"cannot read the baseline fifo.json: it is a FIFO \(named pipe\)"):
            read_baseline(tmp_path, "fifo.json", "demo")
    finally:
        # A reader held open while the writer finishes: its open returns however late the thread started.
        reader = os.open(tmp_path / "fifo.json", os.O_RDONLY | os.O_NONBLOCK)
        writer.join()
        os.close(reader)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(AacError, match="cannot read the baseline folder.json: Is a directory"):
        read_baseline(tmp_path, "folder.json", "demo")
    with open(tmp_path / "huge.json", "wb") as huge:
        huge.truncate(BASELINE_MAX + 1)  # sparse: no disk used
    with pytest.raises(AacError, match="the baseline huge.json is 67,108,865 bytes, more than a check report holds"):
        read_baseline(tmp_path, "huge.json", "demo")
