"""A plan right after an apply is empty, for many generated specs (seeded, so failures reproduce).

The pure half checks the diff against `applied_snapshot`, a model of what a faithful server
returns; the sandbox half writes the specs through the real SDK and reads them back over HTTP,
so the model cannot hide a field the server round-trips differently.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import openai
import pytest

from aac.api.connect import connect
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.vector_store.canonical import canonical_chunking
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.live import index_live, read_live
from aac.output import Output
from aac.plan.diff import diff
from aac.resources import DesiredState, LocalFile
from aac.sandbox.server import RunningSandbox
from aac.stack import Stack, Target
from plan_helpers import applied_snapshot, apply_with_sdk

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
PATHS = [f"docs/d{i}.md" for i in range(6)]


def _maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else None


def _parameters(rng: random.Random) -> dict[str, Any]:
    props = {name: {"type": rng.choice(["string", "integer", "boolean"]), "description": f"the {name}"}
             for name in rng.sample(["city", "unit", "day", "count"], rng.randint(1, 3))}
    items = list({"type": "object", "properties": props, "required": sorted(props),
                  "additionalProperties": False}.items())
    rng.shuffle(items)  # key order is never a change
    return dict(items)


def _tools(rng: random.Random) -> tuple[dict[str, Any], ...]:
    tools: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        tools.append({"type": "code_interpreter"})
    if rng.random() < 0.6:
        search = rng.choice([{}, {"max_num_results": rng.randint(1, 50)},
                             {"ranking_options": {"score_threshold": rng.choice([0, 0.25, 1.0])}},
                             {"max_num_results": 7, "ranking_options": {"ranker": "auto", "score_threshold": 0.5}}])
        tools.append({"type": "file_search", "file_search": search} if search else {"type": "file_search"})
    for index in range(rng.randint(0, 2)):
        function: dict[str, Any] = {"name": f"fn_{index}", "parameters": _parameters(rng)}
        function.update({k: v for k, v in {"description": _maybe(rng, "Does it."),
                                           "strict": rng.choice([None, False, True])}.items() if v is not None})
        tools.append({"type": "function", "function": function})
    rng.shuffle(tools)
    return tuple(tools)


def random_state(rng: random.Random, stack: str) -> DesiredState:
    store = VectorStoreSpec(
        name="kb", display_name=rng.choice(["KB", "Knowledge base"]),
        files=tuple(sorted(rng.sample(PATHS, rng.randint(0, 4)))),
        chunking_strategy=rng.choice([None, {"type": "auto"}, {"type": "static", "static": {
            "max_chunk_size_tokens": 600, "chunk_overlap_tokens": 300}}]),
        expires_after=_maybe(rng, {"anchor": "last_active_at", "days": rng.randint(1, 365)}),
        description=_maybe(rng, "All the docs."), metadata=rng.choice([{}, {"owner": "team-a"}]),
        protect=rng.random() < 0.2,
    )
    assistant = AssistantSpec(
        name="bot", display_name=rng.choice(["Bot", "The bot"]), model=rng.choice(["gpt-4o", "gpt-4.1-mini"]),
        description=_maybe(rng, "A bot."), instructions=_maybe(rng, "Be brief.\nBe kind.\n"), tools=_tools(rng),
        code_interpreter_files=tuple(sorted(rng.sample(PATHS, rng.randint(0, 2)))),
        vector_store=_maybe(rng, "kb"), temperature=rng.choice([None, 0, 0.5, 1, 1.0, 2]),
        top_p=rng.choice([None, 0.1, 1.0]), response_format=rng.choice([None, "auto", {"type": "json_object"}]),
        reasoning_effort=rng.choice([None, "low", "high"]), metadata=rng.choice([{}, {"team": "x"}]),
        protect=rng.random() < 0.2,
    )
    used = set(store.files) | set(assistant.code_interpreter_files)  # as the loader lists them
    return DesiredState(stack=stack, specs={"assistant": {"bot": assistant}, "vector_store": {"kb": store}},
                        files={p: LocalFile(p, Path("/nonexistent"), 10 + i) for i, p in enumerate(PATHS) if p in used},
                        manifest_digest="sha256:0")


HASHES = {path: f"{i:x}" * 64 for i, path in enumerate(PATHS, 1)}


@pytest.mark.parametrize("seed", range(300))
def test_generated_specs_plan_empty_right_after_an_apply(seed: int) -> None:
    desired = random_state(random.Random(seed), "gen")
    live = index_live(applied_snapshot(desired, HASHES), "gen")
    plan = diff(desired, HASHES, live, target="t", now="2026-11-22T10:00:00Z")
    assert [(c.address, c.changed_fields) for c in plan.actionable] == []


def test_generated_specs_written_to_the_sandbox_plan_empty(tmp_path: Path, sandbox: RunningSandbox,
                                                           client: openai.OpenAI) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in PATHS:
        (tmp_path / path).write_text(f"# {path}\n")
    for seed in range(12):  # one stack per seed on one server: stacks never see each other
        stack = f"gen{seed}"
        desired = random_state(random.Random(seed), stack)
        desired = DesiredState(stack, desired.specs,
                               {p: LocalFile(p, tmp_path / p, (tmp_path / p).stat().st_size) for p in desired.files},
                               desired.manifest_digest)
        hashes = {p: f"{seed:02x}{i}".ljust(64, "0") for i, p in enumerate(PATHS)}  # unique uploads per stack
        apply_with_sdk(client, desired, hashes)
        target = Target(name="t", type="openai", base_url=sandbox.base_url, api_key_env="K")
        with connect(Stack(tmp_path, stack, "assistants", "t", {}), target, {"K": "sk-test"}, Output()) as api:
            live = read_live(api.reader(), stack)
        plan = diff(desired, hashes, live, target="t", now="2026-11-22T10:00:00Z")
        assert [(c.address, c.changed_fields) for c in plan.actionable] == [], f"seed {seed}"


def _observable(desired: DesiredState) -> tuple[Any, ...]:
    """What a server shows after `desired` was applied, plus what it hides (write-only fields)."""
    snapshot = applied_snapshot(desired, HASHES)
    for raw in [*snapshot["assistants"], *snapshot["vector_stores"]]:
        raw["metadata"].pop("aac-spec")
    store, bot = desired.vector_stores["kb"], desired.assistants["bot"]
    hidden = (bot.reasoning_effort, store.description or None,
              None if store.files else canonical_chunking(store.chunking_strategy))
    return snapshot, hidden


@pytest.mark.parametrize("seed", range(300))
def test_a_plan_between_two_generated_specs_is_empty_exactly_when_nothing_would_change(seed: int) -> None:
    rng = random.Random(seed)
    before, after = random_state(rng, "gen"), random_state(rng, "gen")
    if rng.random() < 0.3:  # also pairs that differ in one field only
        after = DesiredState("gen", {"assistant": {"bot": replace(before.assistants["bot"], **_one_field(rng))},
                                     "vector_store": before.vector_stores}, before.files, "sha256:0")
    plan = diff(after, HASHES, index_live(applied_snapshot(before, HASHES), "gen"), target="t",
                now="2026-11-22T10:00:00Z")
    assert plan.has_changes == (_observable(before) != _observable(after))


def _one_field(rng: random.Random) -> dict[str, Any]:
    return rng.choice([{"reasoning_effort": "medium"}, {"temperature": 1}, {"top_p": None}, {"model": "o3"},
                       {"response_format": "auto"}, {"instructions": None}, {"metadata": {}}])
