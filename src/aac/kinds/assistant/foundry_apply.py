"""An assistant's reads and apply steps on a Microsoft Foundry target: a prompt agent's versions.

Every call goes through aac.api.foundry_agents. A new version is made only by a planned create or update
(the plan compares the latest version first), by a move's retag, and by pointing an agent at a rebuilt
store; a delete removes the agent with every version.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from aac.api import foundry_agents as agents
from aac.errors import AacError
from aac.identity import owner_of
from aac.kinds.assistant.apply import add_saves
from aac.kinds.assistant.foundry import (
    VIEW,
    agent_name,
    assistant_view,
    definition,
    is_view,
    name_taken,
    not_found,
)
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.base import JSON
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import ApplyContext, Run, StepBuilder
from aac.resources import ASSISTANT, VECTOR_STORE

if TYPE_CHECKING:
    from aac.api.foundry import FoundryProject
    from aac.api.reader import Reader
    from aac.api.writer import Writer

READERS = 8  # as many requests at once as a plan's read sends (aac.live)


# -- read --------------------------------------------------------------------------------------


def read(reader: Reader, listed: list[JSON]) -> list[JSON]:
    """Every prompt agent of the project (`listed`), each as an assistant view of its latest version. An agent
    whose latest version has no aac tags has its versions read (one request): an older one may be aac's, so
    the latest is a version made by hand of an agent aac owns."""
    latest = {agent["name"]: (agent.get("versions") or {}).get("latest") or {} for agent in listed}
    untagged = [name for name, version in latest.items() if not owner_of(version.get("metadata"))]
    with ThreadPoolExecutor(max_workers=READERS) as pool:  # a project's other agents: read side by side
        older = dict(zip(untagged, pool.map(lambda name: _newest_tagged(reader.agent_versions(name)), untagged),
                         strict=True))
    return [assistant_view(agent, latest[agent["name"]], older.get(agent["name"], latest[agent["name"]]))
            for agent in listed]


def _newest_tagged(versions: list[JSON]) -> JSON | None:
    for version in reversed(versions):
        if owner_of(version.get("metadata")):
            return version
    return None


def project_of(writer: Writer) -> FoundryProject:
    project = writer.api.foundry
    assert project is not None, "a prompt agent's step on a target that is not Foundry"
    return project


# -- steps -------------------------------------------------------------------------------------


def steps(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    add_saves(b, assistants, save, retag=False)  # a replace deletes the agent and makes it again in its save
    _repoints(b, assistants)


def deletes(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    """A delete removes the agent and every version; a replace makes its new agent in its save step."""
    for change in assistants.values():
        if change.action is Action.DELETE and change.id:
            b.add(f"delete:{change.address}", b.guard(change, deleting=True) or _delete(b.ctx.writer, change.id),
                  [change.address])


def _delete(writer: Writer, name: str) -> Run:
    def run() -> None:
        try:
            agents.delete_agent(project_of(writer), name)
        except AacError as exc:
            if not not_found(exc):  # gone already: a delete is done when the agent is
                raise

    return run


def save(ctx: ApplyContext, change: Change) -> Run:
    spec: AssistantSpec = ctx.desired.assistants[change.name]

    def run() -> None:
        project = project_of(ctx.writer)
        # A live agent keeps its name (an imported one has its own); a new one is named from stack and key.
        name = change.id or agent_name(ctx.stack, spec.name)
        code_ids = list(dict.fromkeys([*(ctx.file_id(p) for p in spec.code_interpreter_files),
                                       *spec.code_interpreter_ids]))
        store_ids = [ctx.store_id(spec.vector_store)] if spec.vector_store else []
        body = definition(spec, store_ids, code_ids)
        metadata = ctx.metadata(change, spec.metadata, spec.protect)
        if change.action in FRESH and _claimed(ctx, project, name, spec.name, change, body, metadata):
            return
        agents.create_version(project, name, body, metadata=metadata, description=spec.description)
        ctx.ids.set(ASSISTANT, spec.name, name, created=change.action in FRESH)
        prune(ctx.writer, project, name)

    return run


def prune(writer: Writer, project: FoundryProject, name: str) -> None:
    """The target's `keep_versions`: the agent's older versions past the newest N deleted, oldest first."""
    keep = writer.api.target.keep_versions
    if keep is None:
        return
    for version in agents.list_versions(project, name)[:-keep]:
        try:
            agents.delete_version(project, name, str(version["version"]))
        except AacError as exc:
            if not not_found(exc):  # another apply pruned it first
                raise


def _claimed(ctx: ApplyContext, project: FoundryProject, name: str, key: str, change: Change, body: JSON,
             metadata: Mapping[str, str]) -> bool:
    """Before a create: an agent of that name that another apply made just now (the same definition and
    tags): True, nothing to do. One aac does not own: an error naming it. A replace deletes this stack's."""
    try:
        agent = agents.get_agent(project, name)
    except AacError as exc:
        if not_found(exc):
            return False
        raise
    latest = (agent.get("versions") or {}).get("latest") or {}
    tagged = latest if owner_of(latest.get("metadata")) else _newest_tagged(agents.list_versions(project, name))
    owner = owner_of((tagged or {}).get("metadata"))
    if owner is None or owner[:2] != (ctx.stack, key):
        raise name_taken(name, key, f"of stack {owner[0]!r} (its key {owner[1]!r})" if owner else "made outside aac")
    if change.action is Action.REPLACE:
        agents.delete_agent(project, name)
        return False
    if latest.get("definition") == body and latest.get("metadata") == dict(metadata):
        ctx.ids.set(ASSISTANT, key, name, created=True)
        return True
    return False


def _repoints(b: StepBuilder, assistants: Mapping[str, Change]) -> None:
    """Agents the plan leaves alone that search a store being rebuilt: a new version naming the new store."""
    for key, change in b.changes(VECTOR_STORE).items():
        if change.action is not Action.REPLACE or not change.id:
            continue
        for live in b.ctx.live.assistants.values():
            if live.key in assistants or not is_view(live.raw) or change.id not in _store_ids(live.raw):
                continue
            sid = b.add(f"repoint:assistant.{live.key}", _repoint(b.ctx, live.raw, key), [change.address],
                        needs=[b.sid(change), b.has(f"attach:{key}")])
            b.users.setdefault(change.id, []).append(sid)


def _store_ids(raw: Mapping[str, Any]) -> list[str]:
    return [str(i) for i in ((raw.get("tool_resources") or {}).get("file_search") or {}).get("vector_store_ids")
            or []]


def _repoint(ctx: ApplyContext, raw: Mapping[str, Any], store_key: str) -> Run:
    def run() -> None:
        old = raw[VIEW]["definition"]
        tools = [{**tool, "vector_store_ids": [ctx.store_id(store_key)]} if tool.get("type") == "file_search"
                 else tool for tool in old.get("tools") or []]
        new_version(ctx.writer, raw, {**old, "tools": tools}, dict(raw.get("metadata") or {}))

    return run


def new_version(writer: Writer, raw: Mapping[str, Any], body: Mapping[str, Any], metadata: Mapping[str, str]) -> JSON:
    """A version of a live agent with this definition and metadata, its description kept (a retag, a repoint)."""
    view, project = raw[VIEW], project_of(writer)
    made = agents.create_version(project, view["agent"], body, metadata=metadata, description=view.get("description"))
    prune(writer, project, view["agent"])
    return made
