"""Retrieval checks (`aac check`): does the target's own search find the documents a question needs?

Each vector store manifest may declare `checks: [{query, expect: [PATH...], within: N}]`. A check
passes when every expected file is among the files of the top N results the target's search returns
for the query (semantic on OpenAI, lexical on the sandbox). Results name files by id; the path is the
attachment's `aac-path` attribute, as apply wrote it, else the upload's filename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aac.api.reader import Reader
from aac.errors import AacError
from aac.resources import ATTR_PATH, DesiredState, LiveState, LiveVectorStoreFile, RetrievalCheck

EXIT_FAILED = 2
FORMAT_VERSION = "1.0"  # of the JSON report


@dataclass(frozen=True)
class CheckResult:
    store: str  # the vector store's key
    number: int  # 1-based, in the manifest's order
    check: RetrievalCheck
    source: str  # manifest path:line
    found: tuple[str, ...]  # the files of the top results, best first, each once

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(path for path in self.check.expect if path not in self.found)

    @property
    def passed(self) -> bool:
        return not self.missing

    @property
    def name(self) -> str:
        return f"vector_store.{self.store} check {self.number}: {self.check.query}"


@dataclass(frozen=True)
class CheckReport:
    stack: str
    target: str
    created_at: str
    results: tuple[CheckResult, ...]
    requests: int = 0

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION, "stack": self.stack, "target": self.target, "created_at": self.created_at,
            "summary": {"checks": len(self.results), "passed": len(self.results) - len(self.failed),
                        "failed": len(self.failed)},
            "checks": [{"vector_store": r.store, "number": r.number, "query": r.check.query,
                        "expect": list(r.check.expect), "within": r.check.within, "source": r.source,
                        "passed": r.passed, "found": list(r.found), "missing": list(r.missing)}
                       for r in self.results],
            "requests": self.requests,
        }


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
            hits = reader.search(store.id, check.query, check.within)
            found = tuple(dict.fromkeys(_path_of(hit, paths) for hit in hits[: check.within]))
            results.append(CheckResult(key, number, check, f"{where}:{check.line}", found))
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
    attributes = hit.get("attributes") or {}
    path = attributes.get(ATTR_PATH) if isinstance(attributes, Mapping) else None
    if isinstance(path, str) and path:
        return path
    return paths.get(str(hit["file_id"])) or str(hit.get("filename") or hit["file_id"])
