"""The agent (OpenAI's Agents API, beta): model, instructions, persisted tools and optional settings.

Every read returns the agent's *resolved* configuration (reasoning effort, service tier, text,
multi-agent, compaction, experimental), and those defaults move between releases. So what a manifest
leaves out is the server's: an unset setting is never compared, and an update sends it as null, which
the API reads as "its default". What a manifest sets is compared as data, and only the keys it sets
(a tool's `defer_loading` the server fills in is not a change). An mcp tool names its credential by key
(`credential: VAULT/CREDENTIAL`); the request carries the live `credential_id`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aac.canonical import UNKNOWN_ID, drop_none, normalise, project, user_metadata
from aac.errors import AgentsUnavailable
from aac.identity import is_protected, spec_hash
from aac.kinds.agent import wire
from aac.kinds.agent.documents import check_credential_references
from aac.kinds.agent.importer import render_agent
from aac.kinds.agent.manifest import SETTINGS, normalize_agent
from aac.kinds.agent.spec import AgentSpec
from aac.kinds.agent.wire import credential_ids
from aac.kinds.base import JSON, Importable, Kind, OptionalApi, References, ServerDefaults
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import save
from aac.resources import AGENT, CREDENTIAL, LiveObject, LiveState
from aac.secrets import hide

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.steps import ApplyContext, ImportRun, StepBuilder

# An update cannot send null for these (SDK agent_update_params.py: `experimental` is merged by key): an unset
# one is sent as its documented default instead ("All experimental features default to disabled").
NOT_NULLABLE: JSON = {"experimental": {"time_awareness": False}}
NESTED = ("transport", "location")  # objects inside a tool, compared by the keys the manifest sets too


def _tool_key(tool: Mapping[str, Any]) -> tuple[str, str]:
    return str(tool.get("type")), str(tool.get("name") or tool.get("server_label") or "")


def _tools(tools: Any) -> list[JSON]:
    return sorted((drop_none(t) for t in tools or () if isinstance(t, Mapping)), key=_tool_key)


def _live_tool(tool: Mapping[str, Any], credentials: Mapping[str, str]) -> JSON:
    """A persisted tool as the manifest writes it: its credential by key (an unknown one by id)."""
    tool = dict(tool)
    credential_id = tool.pop("credential_id", None)
    if credential_id:
        tool["credential"] = credentials.get(str(credential_id), UNKNOWN_ID + str(credential_id))
    return _public_tool(tool)


def _public_tool(tool: Mapping[str, Any]) -> JSON:
    """The tool with a token someone put in a header, the URL or the request metadata (on the target, or in a
    manifest) hidden, so no plan, report or import shows it; the request is built from the spec, unhidden."""
    return {k: hide(v) if k in ("transport", "request_metadata") else v for k, v in tool.items()}


HIDDEN = (*SETTINGS, "tools")  # where the alignment hides what the server holds beyond the manifest


def _variants(as_applied: JSON, live: JSON) -> Iterator[JSON]:
    """What the spec last applied may have been: the live readable fields as the manifest says them,
    with any of the settings and the tools as the server holds them in full (a setting, or a key of
    one, that an earlier manifest set and this one leaves to the server). At most 128."""
    hidden = [f for f in HIDDEN if live.get(f) != as_applied.get(f)]
    for chosen in itertools.chain.from_iterable(itertools.combinations(hidden, n) for n in range(len(hidden) + 1)):
        yield {**as_applied, **{f: live.get(f) for f in chosen}}


def body(ctx: ApplyContext, change: Change) -> JSON:
    """Create or update body. An update replaces tools and metadata whole and sends null for what the
    manifest leaves out, so the server's default applies (an unset setting, dropped instructions)."""
    spec: AgentSpec = ctx.desired.of(AGENT)[change.name]
    tools = [_request_tool(ctx, tool) for tool in spec.tools]
    fields: JSON = {
        "model": spec.model,
        "name": spec.display_name,
        "instructions": spec.instructions,
        "tools": tools,
        **{name: spec.settings.get(name) for name in SETTINGS},
        "metadata": ctx.metadata(change, spec.metadata, spec.protect),
    }
    if change.action is Action.UPDATE:
        return {**fields, **{k: v for k, v in NOT_NULLABLE.items() if fields[k] is None}}
    return {k: v for k, v in fields.items() if v is not None}


def _request_tool(ctx: ApplyContext, tool: Mapping[str, Any]) -> JSON:
    result = dict(tool)
    key = result.pop("credential", None)
    if key:
        result["credential_id"] = ctx.ids.get(CREDENTIAL, str(key), f"credential.{key}")
    return result


def _save(ctx: ApplyContext, change: Change) -> Any:
    return save(ctx, change, AGENT, lambda agent_id: wire.update(ctx.writer, agent_id, body(ctx, change)),
                lambda: wire.create(ctx.writer, change.name, body(ctx, change)))


class Agent(ServerDefaults, References, OptionalApi, Importable, Kind):
    name = AGENT
    label = "agent"
    collection = "agents"
    id_prefix = "agent_"
    unavailable_error = AgentsUnavailable
    refs_field = "tools"

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        yield AGENT, normalize_agent(ctx, doc)

    def check_documents(self, ctx: LoadContext, docs: Sequence[Document]) -> None:
        check_credential_references(ctx, docs)

    def read(self, reader: Reader) -> list[JSON]:
        return wire.read(reader)

    def canonical(self, spec: AgentSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return normalise({
            "display_name": spec.display_name,
            "model": spec.model,
            "instructions": spec.instructions or None,
            "tools": _tools(_public_tool(t) for t in spec.tools),
            **{name: spec.settings.get(name) for name in SETTINGS},
            "metadata": user_metadata(spec.metadata),
            "protect": spec.protect,
        })

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        raw = obj.raw
        credentials = {cred.id: key for key, cred in state.of(CREDENTIAL).items()}
        return normalise({
            "display_name": raw.get("name"),
            "model": raw.get("model"),
            "instructions": raw.get("instructions") or None,
            "tools": _tools(_live_tool(t, credentials) for t in raw.get("tools") or () if isinstance(t, Mapping)),
            **{name: raw.get(name) for name in SETTINGS},
            "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
            "protect": is_protected(raw.get("metadata")),
        })

    def align(self, desired: JSON, live: JSON) -> JSON:
        """Live as the manifest would say it: unset settings are the server's, and only set keys compare."""
        aligned = dict(live)
        for name in SETTINGS:
            aligned[name] = None if desired.get(name) is None else project(live.get(name), desired[name])
        wanted = {_tool_key(t): t for t in desired.get("tools") or []}
        aligned["tools"] = [project(t, wanted[_tool_key(t)], NESTED) if _tool_key(t) in wanted else t
                            for t in live.get("tools") or []]
        return aligned

    def hidden_changes(self, desired: JSON, as_applied: JSON, live: JSON, tag: str) -> list[str]:
        """The fields the manifests changed that the alignment hides: those of the variant the tag matches; else
        (changed by hand as well) every setting left to the server, which the update resets."""
        for candidate in _variants(as_applied, live):
            if spec_hash(candidate) == tag:
                return [f for f in HIDDEN if candidate.get(f) != as_applied.get(f)]
        return [f for f in SETTINGS if desired.get(f) is None and live.get(f) is not None]

    def refs(self, spec: AgentSpec) -> tuple[tuple[str, str], ...]:
        return tuple((CREDENTIAL, key) for key in spec.credentials)

    def live_refs(self, raw: Mapping[str, Any]) -> tuple[str, ...]:
        return credential_ids(raw)

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action is Action.DELETE:
                continue
            refusal = b.guard(change, deleting=change.action is Action.REPLACE)
            b.add(b.sid(change), refusal or _save(b.ctx, change), [change.address],
                  needs=b.needs_refs(AGENT, change.name))
        created = [b.sid(c) for c in changes.values() if c.action in FRESH]
        writer = b.ctx.writer
        b.settle(AGENT, created, functools.partial(wire.listed, writer), functools.partial(wire.delete, writer))

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action is Action.DELETE and change.id:
                b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                      or functools.partial(wire.delete, b.ctx.writer, change.id), [change.address])

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        return wire.update(writer, obj.id, body)

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        key = run.claim(AGENT, raw, "agent")
        if run.fresh(raw):
            run.add(key, render_agent(run.src, raw, key, run.written, run.schemas, run.keys_by_id))


KIND = Agent()
