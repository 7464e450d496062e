"""A vault's credential (OpenAI's Agents API, beta), declared inside its vault's manifest.

Its secrets are write-only: the manifest names the environment variable that holds each one
(`token_env: GITHUB_MCP_TOKEN`), apply reads it only to build the request, and no read ever returns it.
So a rotation cannot be detected and is declared instead: `version` is bumped, the plan shows
`version: 1 -> 2`, and apply sends the secrets again (the live credential records the version in its
`aac-secret-version` tag). Renaming a variable also sends the secret again. A secret's hash is never
stored: anyone who can read metadata could test guesses against it offline.

The auth's public part (type, server URL, refresh settings) and the name cannot be changed in place
(the API's update takes only secrets and metadata): such a change replaces the credential, and the
agents that name it are pointed at the new one before the old one is deleted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aac.canonical import normalise, project, user_metadata
from aac.errors import AacError, AgentsUnavailable
from aac.identity import is_protected
from aac.kinds.base import (
    JSON,
    Child,
    Importable,
    Kind,
    OptionalApi,
    Rebuilds,
    References,
    ServerDefaults,
    WriteOnlyFields,
)
from aac.kinds.credential import wire
from aac.kinds.credential.manifest import check_key_variables
from aac.kinds.credential.secrets import credential_auth, credential_rotation
from aac.kinds.credential.spec import CredentialSpec
from aac.model.plan import FRESH, Action, Change
from aac.resources import CREDENTIAL, SECRET_SUFFIX, TAG_SECRET_VERSION, VAULT, DesiredState, LiveObject, LiveState
from aac.secrets import SECRET_FIELDS, hide

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.model.steps import ApplyContext, ImportRun, StepBuilder

ROTATION = ("version", "secrets")  # a change of these sends the secrets again


def public_auth(auth: Mapping[str, Any]) -> JSON:
    """The auth without the variables that name its secrets: what the API shows of it. A secret itself, which a
    careless server might echo in a read, is left out too, and a credential in any other field of it (a URL's
    `?code=`, a header, a field named for a secret) is hidden, so no plan or report carries it."""
    return hide(_without_secrets(auth))


def _without_secrets(auth: Mapping[str, Any]) -> JSON:
    return {k: _without_secrets(v) if isinstance(v, Mapping) else v for k, v in auth.items()
            if not k.endswith(SECRET_SUFFIX) and k not in SECRET_FIELDS and v is not None}


def secret_sources(auth: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Each secret's path in the auth (`refresh.refresh_token`) -> the variable that holds it."""
    found: dict[str, str] = {}
    for key, value in auth.items():
        if isinstance(value, Mapping):
            found.update(secret_sources(value, f"{prefix}{key}."))
        elif key.endswith(SECRET_SUFFIX):
            found[prefix + key.removesuffix(SECRET_SUFFIX)] = str(value)
    return dict(sorted(found.items()))


def _version(metadata: Mapping[str, Any] | None) -> int | None:
    value = str((metadata or {}).get(TAG_SECRET_VERSION) or "")
    return int(value) if value.isdigit() else None


def _save(ctx: ApplyContext, change: Change, extra_tags: Callable[[CredentialSpec], dict[str, str]]) -> Any:
    spec: CredentialSpec = ctx.desired.of(CREDENTIAL)[change.name]
    metadata = ctx.metadata(change, spec.metadata, spec.protect, extra_tags(spec))

    def run() -> None:
        vault_id = ctx.ids.get(VAULT, spec.vault, f"vault.{spec.vault}")
        if change.action is Action.UPDATE:
            body: JSON = {"metadata": metadata}
            if set(ROTATION) & set(change.changed_fields):
                body["auth"] = ctx.secret(credential_rotation, spec.auth, change.name)
            wire.update(ctx.writer, vault_id, str(change.id), body)
            return
        body = {"name": spec.display_name, "auth": ctx.secret(credential_auth, spec.auth, change.name),
                "metadata": metadata}
        credential = wire.create(ctx.writer, vault_id, change.name, body)
        ctx.ids.set(CREDENTIAL, change.name, credential.id, created=True)

    return run


def _settle(b: StepBuilder, created: list[str]) -> None:
    """Two applies' creates in the same vault: one credential per key, the oldest."""
    ctx = b.ctx
    vault_of: dict[str, str] = {}

    def listed() -> list[Any]:  # when the step runs: the vaults this apply created credentials in
        vaults = {key.split("/", 1)[0] for key in ctx.ids.created_items(CREDENTIAL)}
        ids = [ctx.ids.get(VAULT, key, f"vault.{key}") for key in sorted(vaults)]
        found = [c for vault_id in ids for c in wire.listed(ctx.writer, vault_id)]
        vault_of.update({c.id: c.vault_id for c in found})
        return found

    b.settle(CREDENTIAL, created, listed, lambda cred_id: wire.delete(ctx.writer, vault_of[cred_id], cred_id))


class Credential(Child, ServerDefaults, WriteOnlyFields, References, Rebuilds, OptionalApi, Importable, Kind):
    name = CREDENTIAL
    label = "credential"
    collection = "credentials"
    id_prefix = "cred_"
    parent = VAULT
    unavailable_error = AgentsUnavailable
    refs_field = "vault"
    write_only = ("secrets",)
    replace_reasons = {
        "auth": "a credential's auth type, server and public settings cannot be changed in place, so it is replaced",
        "display_name": "a credential's name cannot be changed in place, so it is replaced",
    }

    def check(self, ctx: LoadContext, specs: Mapping[str, list[Any]]) -> None:
        """Apply runs with the target's API key in its environment: no credential may read it."""
        first: dict[str, CredentialSpec] = {}
        for spec in specs[CREDENTIAL]:
            first.setdefault(spec.key, spec)
        check_key_variables(ctx, first.values(), ctx.key_variables)

    def read(self, reader: Reader) -> list[JSON]:
        raise NotImplementedError("credentials are read inside their vaults")

    def read_children(self, reader: Reader, parent: Mapping[str, Any]) -> list[JSON]:
        return wire.read(reader, str(parent["id"]))

    def canonical(self, spec: CredentialSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return normalise({
            "display_name": spec.display_name,
            "auth": public_auth(spec.auth),
            "version": spec.version,
            "secrets": secret_sources(spec.auth),
            "metadata": user_metadata(spec.metadata),
            "protect": spec.protect,
        })

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        raw = obj.raw
        auth = raw.get("auth")
        return normalise({
            "display_name": raw.get("name"),
            "auth": public_auth(auth) if isinstance(auth, Mapping) else None,
            "version": _version(raw.get("metadata")),
            "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
            "protect": is_protected(raw.get("metadata")),
        })

    def align(self, desired: JSON, live: JSON) -> JSON:
        return {**live, "auth": project(live.get("auth"), desired.get("auth"), None)}

    def refs(self, spec: CredentialSpec) -> tuple[tuple[str, str], ...]:
        return ((VAULT, spec.vault),)

    def live_refs(self, raw: Mapping[str, Any]) -> tuple[str, ...]:
        return (str(raw.get("vault_id")),)

    def secret_paths(self, form: JSON) -> tuple[tuple[str, ...], ...]:
        """Each secret's place in the auth (`secrets` maps `refresh.refresh_token` to its variable)."""
        return tuple(("auth", *path.split(".")) for path in sorted(form.get("secrets") or {}))

    def extra_tags(self, spec: CredentialSpec) -> dict[str, str]:
        """The version of the secret it holds: what a rotation (a version bump) is detected by."""
        return {TAG_SECRET_VERSION: str(spec.version)}

    def preflight(self, change: Change, desired: DesiredState, environ: Mapping[str, str]) -> None:
        """Every variable a create or rotation reads is set, before apply writes anything."""
        if change.action in FRESH or set(ROTATION) & set(change.changed_fields):
            credential_auth(desired.of(CREDENTIAL)[change.name].auth, environ, change.name)

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action is Action.DELETE:
                continue
            refusal = b.guard(change, deleting=change.action is Action.REPLACE)
            retag = b.add(f"retag:{change.address}", b.retag(change), [change.address]) \
                if change.action is Action.REPLACE and not refusal else None
            b.add(b.sid(change), refusal or _save(b.ctx, change, self.extra_tags), [change.address],
                  needs=[retag, *b.needs_refs(CREDENTIAL, change.name)])
        _settle(b, [b.sid(c) for c in changes.values() if c.action in FRESH])

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action not in (Action.DELETE, Action.REPLACE) or not change.id:
                continue
            vault_id = str(b.ctx.live.of(CREDENTIAL)[change.name].raw.get("vault_id"))
            needs = b.users_of(change.id) + ([b.sid(change)] if change.action is Action.REPLACE else [])
            b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                  or functools.partial(wire.delete, b.ctx.writer, vault_id, change.id), [change.address],
                  needs=needs)

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        return (b.has("settle:credential"),)

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        return wire.update(writer, str(obj.raw.get("vault_id")), obj.id, body)

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        """A credential an earlier run wrote into its vault's manifest and did not adopt: adopted only."""
        run.claim(CREDENTIAL, raw, "credential")

    def missing_api(self, base_url: str) -> AacError | None:
        return AgentsUnavailable(base_url)


KIND = Credential()
