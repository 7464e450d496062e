"""A template's apply steps: create, update and delete, its confidential values read from the environment.

An update sends only what changed: the API keeps a field the request leaves out ("Omit to preserve",
SDK template_update_params.py), so `env` and `setup_commands` are sent again only when their variables or the
`version` changed, and `packages`, which the API replaces whole, always with its three lists. The name is sent
every time: it holds the tags, the hash of the spec applied among them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aac.errors import AacError
from aac.kinds.environment_template import wire
from aac.kinds.environment_template.canonical import CONFIDENTIAL
from aac.kinds.environment_template.identity import encode
from aac.kinds.environment_template.spec import KIND_NAME, PACKAGE_LISTS, TemplateSpec
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import save
from aac.resources import TAG_SECRET_VERSION, DesiredState

if TYPE_CHECKING:
    from aac.model.steps import ApplyContext, StepBuilder

JSON = dict[str, Any]


def extra_tags(spec: TemplateSpec) -> dict[str, str]:
    """The version of the confidential values it holds: what the plan shows a bump by."""
    return {TAG_SECRET_VERSION: str(spec.version)}


def confidential(spec: Mapping[str, Any], environ: Mapping[str, str], key: str) -> tuple[JSON, tuple[str, ...]]:
    """The request's `env` and `setup_commands` with their values read from the environment, and those values.
    `spec` is {env: NAME -> VARIABLE, setup_commands: [{command_env, cwd}]}; an unset variable raises AacError
    naming it, never a value (ApplyContext.secret's `build`)."""
    env = {name: _value(environ, variable, key, f"env.{name}") for name, variable in spec["env"].items()}
    commands = [{"command": _value(environ, c["command_env"], key, f"setup_commands[{i}]"),
                 **({"cwd": c["cwd"]} if c.get("cwd") else {})} for i, c in enumerate(spec["setup_commands"])]
    values = (*env.values(), *(c["command"] for c in commands))
    # A script is printed line by line, if ever: each line of it is a secret too.
    lines = tuple(line for value in values for line in value.splitlines() if line != value)
    return {"env": env, "setup_commands": commands}, (*values, *lines)


def _value(environ: Mapping[str, str], variable: str, key: str, where: str) -> str:
    if variable not in environ:
        raise AacError(f"environment template {key}: ${variable} ({where}) is not set",
                       f"export {variable}=... (the value itself, never in a manifest), or set it in the CI job's "
                       "secrets")
    value = environ[variable]
    if "\0" in value:
        raise AacError(f"environment template {key}: ${variable} ({where}) holds a NUL byte, which no environment "
                       "value or command may hold", f"set {variable} to the value alone")
    return value


def _sources(spec: TemplateSpec) -> JSON:
    return {"env": dict(spec.env), "setup_commands": [dict(c) for c in spec.setup_commands]}


def preflight(change: Change, desired: DesiredState, environ: Mapping[str, str]) -> None:
    """Every variable a create or a resend reads is set, before apply writes anything."""
    if change.action in FRESH or set(CONFIDENTIAL) & set(change.changed_fields):
        confidential(_sources(desired.of(KIND_NAME)[change.name]), environ, change.name)


def _readable(spec: TemplateSpec) -> JSON:
    return {
        "capability_directories": list(spec.capability_directories),
        "desktop": {"enabled": spec.desktop},
        "files": [{"type": "file_id", "file_id": f["file_id"], "path": f["path"]} for f in spec.files],
        "network": {**spec.network, "blocked_domains": list(spec.blocked_domains)},
        "packages": {name: list(spec.packages.get(name, ())) for name in PACKAGE_LISTS},
        "skills": [{"type": "skill_reference", "skill_id": s["skill_id"],
                    **({"version": s["version"]} if s.get("version") else {})} for s in spec.skills],
        "plugins": [],
    }


# The request field each compared field is sent in.
_SENT_IN = {"blocked_domains": "network"}


def body(ctx: ApplyContext, change: Change) -> JSON:
    """Create: every field. Update: the name (the tags), the fields that changed, and the confidential ones
    when their variables or version did."""
    spec: TemplateSpec = ctx.desired.of(KIND_NAME)[change.name]
    name = encode(ctx.metadata(change, {}, spec.protect, extra_tags(spec)))
    readable = _readable(spec)
    resend = change.action is not Action.UPDATE or bool(set(CONFIDENTIAL) & set(change.changed_fields))
    if change.action is not Action.UPDATE:
        sent = readable
    else:
        wanted = {_SENT_IN.get(f, f) for f in change.changed_fields}
        sent = {f: v for f, v in readable.items() if f in wanted}
    result: JSON = {"name": name, **sent}
    if resend and (spec.env or spec.setup_commands or change.action is Action.UPDATE):
        result.update(ctx.secret(confidential, _sources(spec), change.name))
    return result


def _save(ctx: ApplyContext, change: Change) -> Any:
    return save(ctx, change, KIND_NAME, lambda template_id: wire.update(ctx.writer, template_id, body(ctx, change)),
                lambda: wire.create(ctx.writer, change.name, body(ctx, change)))


def steps(b: StepBuilder, changes: Mapping[str, Change]) -> None:
    for change in changes.values():
        if change.action is Action.DELETE:
            continue
        # Every field changes in place (no `Rebuilds`): create or update, never replace.
        b.add(b.sid(change), b.guard(change) or _save(b.ctx, change), [change.address])
    created = [b.sid(c) for c in changes.values() if c.action in FRESH]
    b.settle(KIND_NAME, created, functools.partial(wire.listed, b.ctx.writer),
             functools.partial(wire.delete, b.ctx.writer))


def deletes(b: StepBuilder, changes: Mapping[str, Change]) -> None:
    for change in changes.values():
        if change.action is Action.DELETE and change.id:
            b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                  or functools.partial(wire.delete, b.ctx.writer, change.id), [change.address])
