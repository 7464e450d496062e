"""Retrieval checks (`aac check`): does the target's own search find the documents a question needs?

Each vector store manifest may declare `checks: [{query, expect, absent, within, filters, ...}]` (and more
in its `checks_file`). A check passes when every expected file is among the files of the top `within`
results the target's search returns for the query (semantic on OpenAI, lexical on the sandbox), and no
absent file is. Results name files by id; the path is the attachment's `aac-path` attribute, as apply
wrote it, else the upload's filename.

Metrics use binary relevance: a check's relevant set is its expected files, its ranking the files of the
results after their chunks are merged (a file ranks where its best chunk does), and k is its `within`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aac.api.reader import Reader
from aac.errors import AacError
from aac.resources import ATTR_PATH, DesiredState, LiveState, LiveVectorStoreFile, RetrievalCheck

EXIT_FAILED = 2
FORMAT_VERSION = "2.0"  # of the JSON report: 2.0 added ranks, metrics, thresholds and the baseline
METRICS = ("recall_at_k", "mrr", "ndcg_at_k")
METRIC_LABELS = {"recall_at_k": "recall@k", "mrr": "MRR", "ndcg_at_k": "nDCG@k"}
OVERALL = ""  # the scope of the metrics over every store's checks


def recall_at_k(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """The share of relevant files among the top k."""
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """1 / the rank of the first relevant file among the top k; 0 when none is there."""
    first = next((rank for rank, path in enumerate(ranked[:k], start=1) if path in relevant), None)
    return 1 / first if first else 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """DCG@k (a relevant file at rank i adds 1/log2(i+1)) over the DCG@k of the ideal ranking."""
    dcg = sum(1 / math.log2(rank + 1) for rank, path in enumerate(ranked[:k], start=1) if path in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def metrics_of(checks: Sequence[tuple[Sequence[str], Sequence[str], int]]) -> dict[str, float] | None:
    """The mean of each metric over (ranking, relevant, k) checks that expect a file; None when none does."""
    counted = [check for check in checks if check[1]]
    if not counted:
        return None
    return {name: sum(metric(*check) for check in counted) / len(counted)
            for name, metric in zip(METRICS, (recall_at_k, reciprocal_rank, ndcg_at_k), strict=True)}


@dataclass(frozen=True)
class CheckResult:
    store: str  # the vector store's key
    number: int  # 1-based, in the manifest's order, then the dataset file's
    check: RetrievalCheck
    source: str  # manifest (or dataset file) path:line
    ranked: tuple[str, ...]  # the files of every result returned, best first, each once

    @property
    def found(self) -> tuple[str, ...]:
        """The files of the top `within` results."""
        return self.ranked[: self.check.within]

    @property
    def ranks(self) -> dict[str, int | None]:
        """Each expected file's rank among the results returned; None when it is not among them."""
        return {path: self.ranked.index(path) + 1 if path in self.ranked else None for path in self.check.expect}

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(path for path in self.check.expect if path not in self.found)

    @property
    def unwanted(self) -> tuple[str, ...]:
        """Absent files that came back anyway."""
        return tuple(path for path in self.check.absent if path in self.found)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unwanted

    @property
    def name(self) -> str:
        return f"vector_store.{self.store} check {self.number}: {self.check.query}"

    @property
    def metrics(self) -> dict[str, float] | None:
        return metrics_of([(self.ranked, self.check.expect, self.check.within)])


@dataclass(frozen=True)
class Threshold:
    store: str
    metric: str  # one of METRICS
    minimum: float
    value: float | None  # None: no check of the store expects a file

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value >= self.minimum


def store_metrics(results: Sequence[CheckResult]) -> dict[str, dict[str, float] | None]:
    """Metrics per store key, and over every check (key OVERALL)."""
    def of(chosen: Sequence[CheckResult]) -> dict[str, float] | None:
        return metrics_of([(r.ranked, r.check.expect, r.check.within) for r in chosen])

    stores = sorted({r.store for r in results})
    return {OVERALL: of(results), **{key: of([r for r in results if r.store == key]) for key in stores}}


def thresholds_of(desired: DesiredState, results: Sequence[CheckResult]) -> tuple[Threshold, ...]:
    """Every threshold a store with checks sets, against its metrics."""
    metrics = store_metrics(results)
    found = []
    for key, spec in sorted(desired.vector_stores.items()):
        if key not in metrics:
            continue
        values = metrics[key] or {}
        found += [Threshold(key, name, spec.thresholds[name], values.get(name))
                  for name in METRICS if name in spec.thresholds]
    return tuple(found)


def run_checks(desired: DesiredState, live: LiveState, reader: Reader) -> list[CheckResult]:
    """Every declared check, in store-key order; an AacError when a store with checks is not on the target."""
    results = []
    for key, spec in sorted(desired.vector_stores.items()):
        if not spec.checks:
            continue
        store = live.vector_stores.get(key)
        if store is None:
            raise AacError(f"vector_store.{key} has checks but is not on the target",
                           "run `aac apply` on this target first, then `aac check` again")
        paths = _paths(store.files, live)
        where = spec.source.path if spec.source else ""
        for number, check in enumerate(spec.checks, start=1):
            settings = {k: v for k, v in check.search.items() if k != "max_num_results"}
            asked = int(check.search.get("max_num_results", check.within))
            hits = reader.search(store.id, check.query, asked, settings)
            ranked = tuple(dict.fromkeys(_path_of(hit, paths) for hit in hits[:asked]))
            results.append(CheckResult(key, number, check, f"{check.path or where}:{check.line}", ranked))
    return results


def _paths(attachments: tuple[LiveVectorStoreFile, ...], live: LiveState) -> dict[str, str]:
    """file id -> repository path, from the attributes apply wrote on each attachment."""
    result = {}
    for attachment in attachments:
        path = attachment.attributes.get(ATTR_PATH)
        upload = live.files.get(attachment.file_id)
        if isinstance(path, str) and path:
            result[attachment.file_id] = path
        elif upload is not None:
            result[attachment.file_id] = upload.filename
    return result


def _path_of(hit: Mapping[str, Any], paths: Mapping[str, str]) -> str:
    """The store's file list first: llama-stack and ogx return the attributes a file had when it was attached
    with each result, so a file moved since (its aac-path updated) would be named by its old path."""
    known = paths.get(str(hit["file_id"]))
    if known:
        return known
    attributes = hit.get("attributes") or {}
    path = attributes.get(ATTR_PATH) if isinstance(attributes, Mapping) else None
    if isinstance(path, str) and path:
        return path
    return str(hit.get("filename") or hit["file_id"])
