"""The vault (OpenAI's Agents API, beta): a named holder of credentials. Its credentials are a kind of
their own (aac.kinds.credential), declared inside the vault's manifest."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aac.canonical import normalise, user_metadata
from aac.errors import AgentsUnavailable
from aac.identity import is_protected
from aac.kinds.base import JSON, Kind
from aac.plan.model import Action, Change
from aac.resources import CREDENTIAL, VAULT, LiveObject, LiveState, VaultSpec

if TYPE_CHECKING:
    from aac.apply.build import Builder
    from aac.apply.context import Context
    from aac.importer.run import ImportRun
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document


def canonical(spec: VaultSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
    return normalise({"display_name": spec.display_name, "metadata": user_metadata(spec.metadata),
                      "protect": spec.protect})


def canonical_live(obj: LiveObject, state: LiveState) -> JSON:
    raw = obj.raw
    return normalise({"display_name": raw.get("name"),
                      "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
                      "protect": is_protected(raw.get("metadata"))})


def _save(ctx: Context, change: Change) -> Any:
    spec: VaultSpec = ctx.desired.vaults[change.name]

    def run() -> None:
        body = {"name": spec.display_name, "metadata": ctx.metadata(change, spec.metadata, spec.protect)}
        if change.action is Action.UPDATE:
            ctx.writer.update_vault(str(change.id), body)
            return
        vault = ctx.writer.create_vault(change.name, body)
        ctx.ids.set(VAULT, change.name, vault.id, created=True)

    return run


def _steps(b: Builder, vaults: Mapping[str, Change]) -> None:
    from aac.apply import converge

    for change in vaults.values():
        if change.action is not Action.DELETE:
            b.add(b.sid(change), b.guard(change) or _save(b.ctx, change), [change.address])
    created = [b.sid(c) for c in vaults.values() if c.action is Action.CREATE]
    if created:
        b.add("settle:vault", lambda: converge.settle(b.ctx, VAULT, b.ctx.writer.list_vaults,
                                                      b.ctx.writer.delete_vault), after=created)


def _deletes(b: Builder, vaults: Mapping[str, Change]) -> None:
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


KIND = Kind(
    name=VAULT,
    label="vault",
    collection="vaults",
    id_prefix="vault_",
    desired=lambda desired: desired.vaults,
    read=lambda reader: reader.vaults(),
    unavailable_error=AgentsUnavailable,
    live=lambda live: live.vaults,
    canonical=canonical,
    canonical_live=canonical_live,
    load=_load,
    check=_check,
    missing_api=AgentsUnavailable,
    update=lambda writer, obj, fields: writer.update_vault(obj.id, fields),
    steps=_steps,
    ready=lambda b, key: (b.has("settle:vault"),),  # two applies agreed on which vault holds the key
    deletes=_deletes,
    import_manifest=_import,
)
