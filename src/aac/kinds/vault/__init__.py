"""The vault (OpenAI's Agents API, beta): a named holder of credentials. Its credentials are a kind of
their own (aac.kinds.credential), declared inside the vault's manifest."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aac.canonical import normalise, user_metadata
from aac.errors import AgentsUnavailable
from aac.identity import is_protected, owner_of
from aac.kinds.base import JSON, Importable, Kind, OptionalApi
from aac.kinds.credential import KIND as CREDENTIALS
from aac.kinds.credential import secret_sources
from aac.kinds.vault import wire
from aac.kinds.vault.importer import render_vault
from aac.kinds.vault.manifest import normalize_vault
from aac.kinds.vault.spec import VaultSpec
from aac.limits import USER_METADATA_PAIRS_MAX
from aac.manifest.writing import check_metadata, check_round_trip
from aac.model.plan import Action, Change
from aac.model.steps import save
from aac.resources import CREDENTIAL, VAULT, LiveObject, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.steps import ApplyContext, ImportRun, StepBuilder


def _save(ctx: ApplyContext, change: Change) -> Any:
    spec: VaultSpec = ctx.desired.of(VAULT)[change.name]

    def body() -> JSON:  # when the step runs: the metadata keeps what the server holds then
        return {"name": spec.display_name, "metadata": ctx.metadata(change, spec.metadata, spec.protect)}

    return save(ctx, change, VAULT, lambda vault_id: wire.update(ctx.writer, vault_id, body()),
                lambda: wire.create(ctx.writer, change.name, body()))


def _credentials(run: ImportRun, vault: Mapping[str, Any], vault_key: str) -> list[tuple[JSON, str]]:
    """The vault's untagged credentials with their keys (VAULT/CREDENTIAL): those an earlier run wrote,
    when it wrote the vault's manifest."""
    listed = [c for c in (run.snapshot.get(CREDENTIALS.collection) or {}).get(vault["id"], [])
              if owner_of(c.get("metadata")) is None]
    if not run.fresh(vault):
        listed = [c for c in listed if not run.fresh(c)]
    pairs = []
    for raw in sorted(listed, key=lambda c: (str(c.get("name") or ""), c["id"])):
        check_metadata("credential", raw, USER_METADATA_PAIRS_MAX - 1)  # and aac-secret-version
        check_round_trip("credential", raw)
        pairs.append((raw, run.claim(CREDENTIAL, raw, "credential", parent=vault_key)))
    return pairs


def _taken_variables(run: ImportRun) -> set[str]:
    """The secret variables the manifests name already: an imported credential's get other names."""
    return {v for spec in run.desired.of(CREDENTIAL).values() for v in secret_sources(spec.auth).values()}


class Vault(OptionalApi, Importable, Kind):
    name = VAULT
    label = "vault"
    collection = "vaults"
    id_prefix = "vault_"
    unavailable_error = AgentsUnavailable

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        """The vault, and the credentials its manifest declares."""
        vault, credentials = normalize_vault(ctx, doc)
        yield VAULT, vault
        for credential in credentials:
            yield CREDENTIAL, credential

    def check(self, ctx: LoadContext, specs: Mapping[str, list[Any]]) -> None:
        """Of two vaults with one name (an error check_documents reports), the first one's credentials count."""
        first: dict[str, VaultSpec] = {}
        for vault in specs[VAULT]:
            first.setdefault(vault.name, vault)
        specs[CREDENTIAL][:] = [c for c in specs[CREDENTIAL] if c.key in first[c.vault].credentials]

    def read(self, reader: Reader) -> list[JSON]:
        return wire.read(reader)

    def canonical(self, spec: VaultSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return normalise({"display_name": spec.display_name, "metadata": user_metadata(spec.metadata),
                          "protect": spec.protect})

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        raw = obj.raw
        return normalise({"display_name": raw.get("name"),
                          "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
                          "protect": is_protected(raw.get("metadata"))})

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action is not Action.DELETE:
                b.add(b.sid(change), b.guard(change) or _save(b.ctx, change), [change.address])
        created = [b.sid(c) for c in changes.values() if c.action is Action.CREATE]
        writer = b.ctx.writer
        b.settle(VAULT, created, functools.partial(wire.listed, writer), functools.partial(wire.delete, writer))

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        for change in changes.values():
            if change.action is Action.DELETE and change.id:
                b.add(f"delete:{change.address}", b.guard(change, deleting=True)
                      or functools.partial(wire.delete, b.ctx.writer, change.id), [change.address],
                      needs=b.users_of(change.id))

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        return wire.update(writer, obj.id, body)

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        return (b.has("settle:vault"),)  # two applies agreed on which vault holds the key

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        """The vault's manifest holds its credentials: each claims its key here too."""
        key = run.claim(VAULT, raw, "vault")
        credentials = _credentials(run, raw, key)
        if run.fresh(raw):
            variables = run.kept("secret variables", functools.partial(_taken_variables, run))
            run.add(key, render_vault(run.src, raw, key, credentials, variables))


KIND = Vault()
