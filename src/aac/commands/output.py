"""`aac output`: each managed object's live id by key, for applications (read-only).

JSON: one collection per kind, {"assistants": {KEY: {"id", ...}}, ..., "files": {PATH: id}}, each object's id and
what its kind adds (Kind.outputs); or `env` lines such as `AAC_VECTOR_STORE_SUPPORT_KB_ID=vs_...`, ready for an
application's configuration; or `responses`: each assistant manifest as Responses API request fields with the
live ids in them (aac.kinds.assistant.responses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aac.desired import require_valid
from aac.errors import AacError
from aac.escape import json_document
from aac.identity import hash_files
from aac.kinds import KINDS
from aac.kinds.assistant.responses import LiveIds, responses_document
from aac.kinds.base import missing_api
from aac.live import read_live
from aac.model.steps import Ids
from aac.output import save_document
from aac.plan.make import HASH_CACHE, connected, showing_reads
from aac.resources import ATTR_PATH, DesiredState, LiveState
from aac.secrets import Secrets
from aac.stack import Stack, load_stack

if TYPE_CHECKING:
    from aac.commands import App


def run(app: App, fmt: str = "json", out_file: str | None = None) -> int:
    stack = load_stack(app.root)
    target = stack.target(app.target_name)
    # manifests first, before the network
    desired = require_valid(stack, app.out, target=app.target_name, environ=app.environ) if fmt == "responses" else None
    with connected(stack, target, app.environ, app.out) as api, showing_reads(api, app.out):
        live = read_live(api.reader(), stack.name)
        base_url = api.base_url
    missing: list[str] = []
    declared = desired or _desired(stack, app.target_name, app.environ, app.out.secrets)
    if desired is not None:
        text = _dumps(_responses(stack, desired, live, app))
    else:
        outputs = collect(live, _paths_by_sha(stack, declared))
        text = _dumps(outputs) if fmt == "json" else env_lines(outputs)
        missing = missing_keys(declared, outputs, live.unavailable) if declared is not None else []
    app.out.document(text)
    _warn_missing_apis(app, declared, live, base_url)
    if missing:
        app.out.warn(f"not on target {target.name} yet, so without an id here: {', '.join(missing)}; "
                     "run `aac apply` to create them")
    if out_file:
        save_document(app.out, app.root, out_file, text, "output")
    return 0


def _warn_missing_apis(app: App, desired: DesiredState | None, live: LiveState, base_url: str) -> None:
    """Declared objects of a kind the target has no API for have no id here, and never will: say why, once."""
    unreachable: dict[str, list[str]] = {}
    for kind in KINDS:
        error = missing_api(kind, base_url)
        if desired is not None and kind.name in live.unavailable and error is not None and kind.desired(desired):
            why = error.message
            unreachable.setdefault(why, []).extend(kind.address(key) for key in kind.desired(desired))
    for why, addresses in unreachable.items():
        app.out.warn(f"no id for {', '.join(sorted(addresses))}: {why}")


def missing_keys(desired: DesiredState, outputs: dict[str, Any],
                 unavailable: frozenset[str] = frozenset()) -> list[str]:
    """The objects the manifests declare that have no live id (nothing applied yet, or deleted by hand).

    A kind whose API the target lacks (assistants after the sunset: configuration) is never missing."""
    return sorted(kind.address(key) for kind in KINDS if kind.name not in unavailable
                  for key in kind.desired(desired) if key not in outputs[kind.collection])


def _dumps(document: dict[str, Any]) -> str:
    return json_document(document)


def _responses(stack: Stack, desired: DesiredState, live: LiveState, app: App) -> dict[str, Any]:
    hashes = hash_files(desired.files, stack.root / HASH_CACHE)
    files = Ids.from_live(live).files
    document = responses_document(desired.assistants, LiveIds(
        stores={key: store.id for key, store in live.vector_stores.items()}, files=files, hashes=hashes))
    for key, fields in document["not_sent"].items():
        app.out.info(f"note: assistant.{key}: the Responses API has no field for {', '.join(fields)}; not sent")
    return document


def collect(live: LiveState, paths_by_sha: dict[str, list[str]]) -> dict[str, Any]:
    files: dict[str, str] = {}
    for store in live.vector_stores.values():
        for attachment in store.files:
            path = attachment.attributes.get(ATTR_PATH)
            if isinstance(path, str) and attachment.file_id in live.files:
                files.setdefault(path, attachment.file_id)
    for upload in sorted(live.files.values(), key=lambda f: (f.created_at, f.id), reverse=True):
        for path in paths_by_sha.get(upload.sha256 or "", []):
            files[path] = upload.id  # the oldest copy wins, as apply's dedupe rule keeps it
    objects = {kind.collection: {key: {"id": obj.id, **kind.outputs(obj.raw)}
                                 for key, obj in sorted(kind.live(live).items())} for kind in KINDS}
    return {**objects, "files": dict(sorted(files.items()))}


def _desired(stack: Stack, target: str | None, environ: Mapping[str, str], secrets: Secrets) -> DesiredState | None:
    """What the manifests declare; None when they do not load (output still prints what is live)."""
    from aac.desired import load_desired

    try:
        desired, problems = load_desired(stack, target, environ, secrets=secrets)
    except AacError:
        return None
    return None if any(p.severity == "error" for p in problems) else desired


def _paths_by_sha(stack: Stack, desired: DesiredState | None) -> dict[str, list[str]]:
    """Repository paths by content, from the manifests; empty when they do not load."""
    if desired is None:
        return {}
    try:
        hashes = hash_files(desired.files, stack.root / HASH_CACHE)
    except AacError:
        return {}
    result: dict[str, list[str]] = {}
    for path, sha in sorted(hashes.items()):
        result.setdefault(sha, []).append(path)
    return result


# What an id looks like on every target aac knows (file-..., vs_..., asst_..., llama-stack's vs_<uuid>): a line of
# `NAME=VALUE` for $GITHUB_ENV or a shell takes nothing else, or a target could append `\nBASH_ENV=...` to one.
PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def env_name(*parts: str) -> str:
    """`AAC_KIND_KEY_ID`: only A-Z, 0-9 and `_`, whatever the key or path holds."""
    return "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_").upper() for p in ("aac", *parts))


def env_lines(outputs: dict[str, Any]) -> str:
    named = [(env_name(kind.name, key, "id"), f"{kind.name}.{key}", value["id"])
             for kind in sorted(KINDS, key=lambda k: k.name) for key, value in outputs[kind.collection].items()]
    named += [(env_name("file", path, "id"), f"file {path}", file_id) for path, file_id in outputs["files"].items()]
    first: dict[str, str] = {}
    for name, what, _ in named:  # `a.b` and `a-b` are one variable: a later line would silently win
        if first.setdefault(name, what) != what:
            raise AacError(f"{first[name]} and {what} would both be {name} in --format env",
                           "rename one of them, or read the ids from `aac output` (JSON), which keeps them apart")
    for name, what, value in named:
        if not isinstance(value, str) or not PLAIN_ID.fullmatch(value):
            raise AacError(f"the target returned an id for {what} that is not a plain id (letters, digits, '_', '.', "
                           f"':', '-', at most 128), so --format env does not write it as {name}",
                           "read the ids with `aac output` (JSON carries any id as data), and check what the target "
                           "holds")
    return "".join(f"{name}={value}\n" for name, _, value in named)
