"""The vault (OpenAI's Agents API, beta): a named holder of credentials. Its credentials are a kind of
their own (aac.kinds.credential), declared inside the vault's manifest."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aac.canonical import normalise, user_metadata
from aac.errors import AgentsUnavailable
from aac.identity import is_protected
from aac.kinds.base import JSON, Importable, Kind, OptionalApi
from aac.model.plan import Action, Change
from aac.resources import CREDENTIAL, VAULT, LiveObject, LiveState, VaultSpec

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.steps import ApplyContext, ImportRun, StepBuilder


def canonical(spec: VaultSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
    return normalise({"display_name": spec.display_name, "metadata": user_metadata(spec.metadata),
                      "protect": spec.protect})


def canonical_live(obj: LiveObject, state: LiveState) -> JSON:
    raw = obj.raw
    return normalise({"display_name": raw.get("name"),
                      "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
                      "protect": is_protected(raw.get("metadata"))})


def _save(ctx: ApplyContext, change: Change) -> Any:
    spec: VaultSpec = ctx.desired.of(VAULT)[change.name]

    def run() -> None:
        body = {"name": spec.display_name, "metadata": ctx.metadata(change, spec.metadata, spec.protect)}
        if change.action is Action.UPDATE:
            ctx.writer.update_vault(str(change.id), body)
            return
        vault = ctx.writer.create_vault(change.name, body)
        ctx.ids.set(VAULT, change.name, vault.id, created=True)

    return run


def _steps(b: StepBuilder, vaults: Mapping[str, Change]) -> None:
    for change in vaults.values():
        if change.action is not Action.DELETE:
            b.add(b.sid(change), b.guard(change) or _save(b.ctx, change), [change.address])
    created = [b.sid(c) for c in vaults.values() if c.action is Action.CREATE]
    b.settle(VAULT, created, b.ctx.writer.list_vaults, b.ctx.writer.delete_vault)


def _deletes(b: StepBuilder, vaults: Mapping[str, Change]) -> None:
    for change in vaults.values():
        if change.action is Action.DELETE and change.id:
            b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                  or functools.partial(b.ctx.writer.delete_vault, change.id), [change.address],
                  needs=b.users_of(change.id))


def _import(run: ImportRun, raw: Mapping[str, Any]) -> None:
    """The vault's manifest holds its credentials: each claims its key here too."""
    from aac.importer.agents import render_vault

    key = run.claim(VAULT, raw, "vault")
    credentials = run.credentials(raw, key)
    if run.fresh(raw):
        run.add(key, render_vault(run.src, raw, key, credentials, run.variables))


def _load(ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
    """The vault, and the credentials its manifest declares."""
    from aac.manifest.vaults import normalize_vault

    vault, credentials = normalize_vault(ctx, doc)
    yield VAULT, vault
    for credential in credentials:
        yield CREDENTIAL, credential


def _check(ctx: LoadContext, specs: Mapping[str, list[Any]]) -> None:
    """Of two vaults with one name (an error check_documents reports), the first one's credentials count."""
    first: dict[str, VaultSpec] = {}
    for vault in specs[VAULT]:
        first.setdefault(vault.name, vault)
    specs[CREDENTIAL][:] = [c for c in specs[CREDENTIAL] if c.key in first[c.vault].credentials]


class Vault(OptionalApi, Importable, Kind):
    name = VAULT
    label = "vault"
    collection = "vaults"
    id_prefix = "vault_"
    unavailable_error = AgentsUnavailable

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        return _load(ctx, doc)

    def check(self, ctx: LoadContext, specs: Mapping[str, list[Any]]) -> None:
        _check(ctx, specs)

    def read(self, reader: Reader) -> list[JSON]:
        return reader.vaults()

    def canonical(self, spec: VaultSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return canonical(spec, hashes, live)

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        return canonical_live(obj, state)

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        _steps(b, changes)

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        _deletes(b, changes)

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        return writer.update_vault(obj.id, body)

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        return (b.has("settle:vault"),)  # two applies agreed on which vault holds the key

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        _import(run, raw)


KIND = Vault()
