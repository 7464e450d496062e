"""The assistant's apply steps: save it, point it at a rebuilt store, delete it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aac.kinds.assistant import wire
from aac.kinds.assistant.canonical import code_file_ids_of, store_ids_of
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.base import JSON
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import ApplyContext, Run, StepBuilder, update_body
from aac.resources import ASSISTANT, VECTOR_STORE


def steps(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    created = add_saves(b, assistants, save_assistant, retag=True)
    _repoints(b, assistants)
    writer = b.ctx.writer
    b.settle(ASSISTANT, created, functools.partial(wire.list_mine, writer), functools.partial(wire.delete, writer))


def add_saves(b: StepBuilder, assistants: Mapping[str, Change], save: Callable[[ApplyContext, Change], Run], *,
              retag: bool) -> list[str]:
    """Each created, updated or replaced assistant's save step, after its uploads, what it names, and the files and
    stores settling; with `retag`, a replace first marks the old object. The steps of the new ones, by id."""
    created = []
    for key, change in assistants.items():
        if change.action is Action.DELETE:
            continue
        refusal = b.guard(change, deleting=change.action is Action.REPLACE)
        if refusal:
            b.add(b.sid(change), refusal, [change.address])
            continue
        spec = b.ctx.desired.assistants[key]
        needs = b.needs_uploads(b.ctx.hashes[p] for p in spec.code_interpreter_files)
        if retag and change.action is Action.REPLACE:
            needs.append(b.add(f"retag:{change.address}", b.retag(change), [change.address]))
        b.add(b.sid(change), save(b.ctx, change), [change.address], needs=[*needs, *b.needs_refs(ASSISTANT, key)],
              after=[b.has("settle:files"), b.has("settle:vector_store")])
        if change.action in FRESH:
            created.append(b.sid(change))
    return created


def _repoints(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    """Assistants the plan leaves alone that search a store being replaced."""
    for key, change in b.changes(VECTOR_STORE).items():
        if change.action is not Action.REPLACE or not change.id:
            continue
        for live in b.ctx.live.assistants.values():
            if change.id not in store_ids_of(live.raw) or live.key in assistants:
                continue
            sid = b.add(f"repoint:assistant.{live.key}", repoint(b.ctx, live.id, live.raw, key),
                        [change.address], needs=[b.sid(change), b.has(f"attach:{key}")])
            b.users.setdefault(change.id, []).append(sid)


def deletes(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    for change in assistants.values():
        if change.action in (Action.DELETE, Action.REPLACE) and change.id:
            b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                  or delete_assistant(b.ctx, change.id), [change.address],
                  needs=[b.has(b.sid(change)) if change.action is Action.REPLACE else None])


def save_assistant(ctx: ApplyContext, change: Change) -> Run:
    spec = ctx.desired.assistants[change.name]

    def run() -> None:
        code_ids = list(dict.fromkeys([*(ctx.file_id(p) for p in spec.code_interpreter_files),
                                       *spec.code_interpreter_ids]))
        store_id = ctx.store_id(spec.vector_store) if spec.vector_store else None
        update = change.action is Action.UPDATE
        body = assistant_body(spec, change, ctx.metadata(change, spec.metadata, spec.protect),
                              code_file_ids=code_ids, vector_store_id=store_id, update=update)
        if update:
            wire.update(ctx.writer, str(change.id), body)
            return
        assistant = wire.create(ctx.writer, spec.name, body)
        ctx.ids.set(ASSISTANT, spec.name, assistant.id, created=True)

    return run


def repoint(ctx: ApplyContext, assistant_id: str, raw: Mapping[str, Any], store_key: str) -> Run:
    """Point an assistant the plan leaves alone at the replacement of the store it searches."""
    def run() -> None:
        resources = {
            "code_interpreter": {"file_ids": code_file_ids_of(raw)},
            "file_search": {"vector_store_ids": [ctx.store_id(store_key)]},
        }
        wire.update(ctx.writer, assistant_id, {"tool_resources": resources})

    return run


def delete_assistant(ctx: ApplyContext, assistant_id: str) -> Run:
    return lambda: wire.delete(ctx.writer, assistant_id)


def assistant_body(spec: AssistantSpec, change: Change, metadata: dict[str, str], *, code_file_ids: Sequence[str],
                   vector_store_id: str | None, update: bool) -> JSON:
    """Create or modify body; a modify sends every set field (lists replace wholesale, so they converge)
    and an explicit null for a field the manifest dropped."""
    body: JSON = {
        "model": spec.model,
        "name": spec.display_name,
        "description": spec.description,
        "instructions": spec.instructions,
        "tools": [dict(tool) for tool in spec.tools],
        "temperature": spec.temperature,
        "top_p": spec.top_p,
        "response_format": spec.response_format,
        "reasoning_effort": spec.reasoning_effort,
        "metadata": metadata,
    }
    resources: JSON = {}
    if code_file_ids or update:
        resources["code_interpreter"] = {"file_ids": list(code_file_ids)}
    if vector_store_id or update:
        resources["file_search"] = {"vector_store_ids": [vector_store_id] if vector_store_id else []}
    if resources:
        body["tool_resources"] = resources
    if update:
        return update_body(body, change)
    return {k: v for k, v in body.items() if v is not None}
