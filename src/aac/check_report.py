"""The `aac check` report, as JSON (`--out FILE.json`), and how a run compares with a saved one (`--baseline`).

Queries are matched across reports by vector store and query text (the n-th check with the same text in
a store matches the n-th). A matched query is worse when an expected file ranks lower or fell out of the
results, an absent file came back, or it passed and now fails; better when something moved the other
way and nothing got worse. A metric (per store and overall, over the queries both reports have) is worse
when it went down. A query only in this run is new, one only in the baseline removed: both listed,
neither a regression.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aac import jsonsafe
from aac.errors import AacError
from aac.escape import escape_text
from aac.manifest.fs import unreadable_kind
from aac.retrieval import (
    EXIT_FAILED,
    FORMAT_VERSION,
    METRICS,
    OVERALL,
    CheckResult,
    Threshold,
    metrics_of,
    store_metrics,
)

BASELINE_MAX = 64 * 1024 * 1024  # bytes; a report of 10,000 checks is about 10 MB
RANK_MAX = 10_000  # far past any search's results (the API returns at most 50): a larger one is a damaged report
EPSILON = 1e-9  # metrics are means of floats: smaller differences are rounding, not change
READABLE = ("1.", "2.")  # the major versions of the report a baseline may have


@dataclass(frozen=True)
class QueryRanks:
    """One query of a report, as a comparison needs it."""

    store: str
    query: str
    ranks: Mapping[str, int | None]  # expected file -> rank among the results, None when not returned
    within: int
    passed: bool
    unwanted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    path: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class QueryChange:
    store: str
    query: str
    moves: tuple[Move, ...]  # expected files whose rank changed
    worse: bool
    newly_failed: bool = False
    came_back: tuple[str, ...] = ()  # absent files found now and not before

    @property
    def severity(self) -> float:
        """The reciprocal rank lost (a fall out of the results costs all of it): worst first."""
        def rr(rank: int | None) -> float:
            return 1 / rank if rank else 0.0
        return sum(rr(m.before) - rr(m.after) for m in self.moves) + len(self.came_back) + self.newly_failed


@dataclass(frozen=True)
class MetricChange:
    store: str  # OVERALL for every store's checks
    metric: str
    before: float | None
    after: float | None

    @property
    def worse(self) -> bool:
        return self.before is not None and (self.after is None or self.after < self.before - EPSILON)


@dataclass(frozen=True)
class Comparison:
    baseline: str  # the baseline's file, as given
    created_at: str
    worse: tuple[QueryChange, ...]  # worst first
    better: tuple[QueryChange, ...]
    new: tuple[tuple[str, str], ...]  # (store, query)
    removed: tuple[tuple[str, str], ...]
    metrics: tuple[MetricChange, ...]

    @property
    def worse_metrics(self) -> tuple[MetricChange, ...]:
        return tuple(m for m in self.metrics if m.worse)

    @property
    def regressions(self) -> int:
        return len(self.worse) + len(self.worse_metrics)


@dataclass(frozen=True)
class CheckReport:
    stack: str
    target: str
    created_at: str
    results: tuple[CheckResult, ...]
    requests: int = 0
    thresholds: tuple[Threshold, ...] = ()
    comparison: Comparison | None = None
    fail_on_regression: bool = False

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def thresholds_failed(self) -> tuple[Threshold, ...]:
        return tuple(t for t in self.thresholds if not t.passed)

    @property
    def metrics(self) -> dict[str, dict[str, float] | None]:
        return store_metrics(self.results)

    @property
    def exit_code(self) -> int:
        regressed = self.fail_on_regression and self.comparison is not None and self.comparison.regressions
        return EXIT_FAILED if self.failed or self.thresholds_failed or regressed else 0

    def to_json(self) -> dict[str, Any]:
        metrics = self.metrics
        return {
            "format_version": FORMAT_VERSION, "stack": self.stack, "target": self.target, "created_at": self.created_at,
            "summary": {"checks": len(self.results), "passed": len(self.results) - len(self.failed),
                        "failed": len(self.failed), "thresholds_failed": len(self.thresholds_failed),
                        "regressions": self.comparison.regressions if self.comparison else 0},
            "metrics": {"overall": metrics[OVERALL], "vector_stores": {k: v for k, v in metrics.items() if k}},
            "thresholds": [{"vector_store": t.store, "metric": t.metric, "minimum": t.minimum, "value": t.value,
                            "passed": t.passed} for t in self.thresholds],
            "checks": [_check_json(r) for r in self.results],
            "baseline": _comparison_json(self.comparison) if self.comparison else None,
            "requests": self.requests,
        }


def _check_json(r: CheckResult) -> dict[str, Any]:
    return {"vector_store": r.store, "number": r.number, "query": r.check.query, "expect": list(r.check.expect),
            "absent": list(r.check.absent), "within": r.check.within, "search": dict(r.check.search),
            "source": r.source, "passed": r.passed, "found": list(r.found), "ranked": list(r.ranked),
            "ranks": r.ranks, "missing": list(r.missing), "unwanted": list(r.unwanted), "metrics": r.metrics}


def _comparison_json(c: Comparison) -> dict[str, Any]:
    def query(q: QueryChange) -> dict[str, Any]:
        return {"vector_store": q.store, "query": q.query, "newly_failed": q.newly_failed,
                "came_back": list(q.came_back),
                "moves": [{"path": m.path, "before": m.before, "after": m.after} for m in q.moves]}
    return {"file": c.baseline, "created_at": c.created_at, "regressions": c.regressions,
            "worse": [query(q) for q in c.worse], "better": [query(q) for q in c.better],
            "new": [{"vector_store": s, "query": q} for s, q in c.new],
            "removed": [{"vector_store": s, "query": q} for s, q in c.removed],
            "metrics": [{"vector_store": m.store or None, "metric": m.metric, "before": m.before, "after": m.after,
                         "worse": m.worse} for m in c.metrics]}


# --- the baseline -----------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    file: str
    created_at: str
    queries: tuple[QueryRanks, ...]
    target: str = ""  # the target the report was made on, when it says


def read_baseline(root: Path, name: str, stack: str | None = None) -> Baseline:
    """A report saved by `aac check --out FILE.json` (format 1.x or 2.x) of `stack`; an AacError for anything
    else: another stack's report, a file too big to be one, a FIFO (whose read would wait forever)."""
    path = root / name if not Path(name).is_absolute() else Path(name)
    hint = "pass the JSON report an earlier `aac check --out FILE.json` wrote"
    special = unreadable_kind(path)
    if special:
        raise AacError(f"cannot read the baseline {name}: it {special}", hint)
    try:
        if path.stat().st_size > BASELINE_MAX:
            raise AacError(f"the baseline {name} is {path.stat().st_size:,} bytes, more than a check report "
                           f"holds (at most {BASELINE_MAX:,})", hint)
        data = jsonsafe.loads(path.read_text(encoding="utf-8"))  # no NaN, no nesting bomb
    except OSError as exc:
        raise AacError(f"cannot read the baseline {name}: {exc.strerror or exc}", hint) from exc
    except ValueError as exc:  # not UTF-8, or not JSON (a text or JUnit report)
        raise AacError(f"the baseline {name} is not a JSON check report", hint) from exc
    version = data.get("format_version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not isinstance(data.get("checks"), list):
        raise AacError(f"the baseline {name} is not a JSON check report", hint)
    if not version.startswith(READABLE):
        raise AacError(f"the baseline {name} has format_version {version}, which this aac cannot read",
                       f"it reads versions 1 and 2: save a new baseline with this aac ({hint})")
    if stack is not None and isinstance(data.get("stack"), str) and data["stack"] != stack:
        raise AacError(f"the baseline {name} is a report of stack {escape_text(str(data.get('stack')))}, not "
                       f"{stack}: no query of it is one of this stack's", f"{hint} for this stack")
    try:
        queries = tuple(_query(item, version) for item in data["checks"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AacError(f"the baseline {name} is a damaged check report (format_version {version})", hint) from exc
    target = data.get("target")
    return Baseline(name, str(data.get("created_at", "")), queries, target if isinstance(target, str) else "")


def _query(item: Mapping[str, Any], version: str) -> QueryRanks:
    expect = _strings(item["expect"])
    within = _whole(item["within"], RANK_MAX)
    if version.startswith("1."):  # 1.x kept only the top `within`, in order: ranks are their positions
        found = _strings(item["found"])
        ranks = {p: found.index(p) + 1 if p in found else None for p in expect}
    else:
        ranks = {p: None if item["ranks"][p] is None else _whole(item["ranks"][p], RANK_MAX) for p in expect}
    if not isinstance(item["passed"], bool) or not all(isinstance(item[k], str) for k in ("vector_store", "query")):
        raise TypeError("`passed` must be true or false, `vector_store` and `query` strings")
    return QueryRanks(item["vector_store"], item["query"], ranks, within, item["passed"],
                      tuple(_strings(item.get("unwanted", []))))


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of paths holds something else")
    return value


def _whole(value: Any, most: int) -> int:
    """A rank or `within`: a whole number, not a boolean, not 1e309 nor 10**12 (metrics lay out that many)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ValueError(f"{value!r} is not a whole number from 1 to {most:,}")
    return value


def compare(baseline: Baseline, results: Sequence[CheckResult]) -> Comparison:
    now = tuple(QueryRanks(r.store, r.check.query, r.ranks, r.check.within, r.passed, r.unwanted) for r in results)
    before, after = _keyed(baseline.queries), _keyed(now)
    changes = [_change(before[key], after[key]) for key in after if key in before]
    worse = sorted((c for c in changes if c.worse), key=lambda c: (-c.severity, c.store, c.query))
    better = [c for c in changes if not c.worse and c.moves]
    new = tuple((q.store, q.query) for key, q in after.items() if key not in before)
    removed = tuple((q.store, q.query) for key, q in before.items() if key not in after)
    # Over the queries both runs have: a new hard question, or a removed one, is not a change of the search.
    shared = before.keys() & after.keys()
    old, current = _metrics([before[k] for k in shared]), _metrics([after[k] for k in shared])
    moved = tuple(MetricChange(store, name, (old.get(store) or {}).get(name), (values or {}).get(name))
                  for store, values in current.items() for name in METRICS
                  if store in old and (old.get(store) or values))
    return Comparison(baseline.file, baseline.created_at, tuple(worse), tuple(better), new, removed, moved)


def _keyed(queries: Sequence[QueryRanks]) -> dict[tuple[str, str, int], QueryRanks]:
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for q in queries:
        seen[q.store, q.query] += 1
        keyed[q.store, q.query, seen[q.store, q.query]] = q
    return keyed


def _change(before: QueryRanks, after: QueryRanks) -> QueryChange:
    moves = tuple(Move(path, before.ranks.get(path), rank) for path, rank in after.ranks.items()
                  if path in before.ranks and before.ranks[path] != rank)
    dropped = any(m.after is None or (m.before is not None and m.after > m.before) for m in moves)
    came_back = tuple(p for p in after.unwanted if p not in before.unwanted)
    newly_failed = before.passed and not after.passed
    return QueryChange(after.store, after.query, moves, dropped or bool(came_back) or newly_failed,
                       newly_failed, came_back)


def _metrics(queries: Sequence[QueryRanks]) -> dict[str, dict[str, float] | None]:
    """Metrics recomputed from each query's ranks, so a 1.x baseline has them too."""
    def ranking(q: QueryRanks) -> tuple[Sequence[str], Sequence[str], int]:
        placed = sorted((rank, path) for path, rank in q.ranks.items() if rank is not None)
        slots = ["\0"] * max((rank for rank, _ in placed), default=0)  # ranks held by files no check expects
        for rank, path in placed:
            slots[rank - 1] = path
        return slots, list(q.ranks), q.within

    stores = sorted({q.store for q in queries})
    return {OVERALL: metrics_of([ranking(q) for q in queries]),
            **{s: metrics_of([ranking(q) for q in queries if q.store == s]) for s in stores}}
