"""Golden plan cases: a stack and a live snapshot in, the rendered plan out (see cases/README.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aac.desired import require_valid
from aac.errors import AacError
from aac.identity import hash_files
from aac.live import index_live
from aac.model.plan import Plan
from aac.output import Output
from aac.plan.diff import diff
from aac.plan.moves import apply_moves
from aac.render import render_plan
from aac.stack import load_stack

CASES = Path(__file__).parent / "cases"
NOW = "2026-11-22T10:00:00Z"
UPDATE = os.environ.get("AAC_UPDATE_GOLDENS") == "1"


def plan_case(folder: Path, cache: Path) -> Plan:
    stack = load_stack(folder)
    desired = require_valid(stack, Output())
    hashes = hash_files(desired.files, cache)
    moved = apply_moves(index_live(json.loads((folder / "live.json").read_text()), stack.name), stack.moves)
    return diff(desired, hashes, moved.live, target="sandbox", now=NOW, moved=moved.previous)


def check(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual)
    assert path.is_file(), f"{path} is missing: make it with AAC_UPDATE_GOLDENS=1"
    assert actual == path.read_text(), f"{path} differs (AAC_UPDATE_GOLDENS=1 rewrites it; review the diff)"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(case: str, tmp_path: Path) -> None:
    folder = CASES / case
    if (folder / "expected_error.txt").exists() or case == "duplicate-key":
        with pytest.raises(AacError) as raised:
            plan_case(folder, tmp_path / "hashes.json")
        check(folder / "expected_error.txt", f"error: {raised.value.message}\nhint: {raised.value.hint}\n")
        return
    plan = plan_case(folder, tmp_path / "hashes.json")
    check(folder / "plan.json", render_plan(plan, "json", Output(color=False)))
    check(folder / "plan.txt", render_plan(plan, "text", Output(color=False)))


def test_the_cases_cover_what_they_claim() -> None:
    """A few facts read from the goldens, so a regenerated golden cannot quietly change meaning."""
    def actions(case: str) -> dict[str, tuple[str, list[str]]]:
        data = json.loads((CASES / case / "plan.json").read_text())
        return {c["address"]: (c["action"], c["changed_fields"]) for c in data["changes"] if c["action"] != "no-op"}

    assert actions("no-changes") == {} and actions("function-schema-reformatted") == {}
    for field in ("model", "instructions", "description", "tools", "temperature", "metadata", "response_format",
                  "reasoning_effort"):
        assert actions(f"assistant-{field.replace('_', '-')}") == {"assistant.tutor": ("update", [field])}
    assert actions("assistant-name") == {"assistant.tutor": ("update", ["display_name"])}
    assert actions("assistant-top-p") == {"assistant.tutor": ("update", ["top_p"])}
    assert actions("assistant-vector-store") == {"assistant.tutor": ("update", ["vector_store"])}
    assert actions("file-moved") == {"vector_store_file.kb/knowledge/guides/guide.md": ("update", ["path"])}
    assert actions("protected-removed") == {}
    assert set(actions("foreign-same-key")) == {"assistant.tutor"}
    assert actions("vector-store-moved") == {"vector_store.knowledge": ("update", []),
                                             "assistant.tutor": ("update", ["vector_store"])}
