"""`aac import`: manifests for live objects no stack manages, then adoption (tags) after a confirmed plan.

    select(keys, import_all, snapshot, stack) -> Selection               which objects
    add_vaults(selection, vaults, credentials, stack)                    and the vaults its agents use
    plan_manifests(...) -> (Written, imported)                           what to write, and each object's key
    write_files(written, redact)                                         never overwrites: all or nothing
    adoptees / adoption_plan / write_tags                                the adoption (aac.importer.adopt)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of
from aac.importer.adopt import Adoptee, adoptees, adoption_plan, write_tags
from aac.importer.agents import render_agent, render_vault
from aac.importer.keys import Keys
from aac.importer.manifests import MARKER, Source, Written, check_metadata, render_assistant, render_store
from aac.importer.select import Selection, add_vaults, raws_of, select
from aac.kinds import BY_NAME, KINDS, kind_of
from aac.kinds.credential import secret_sources
from aac.limits import USER_METADATA_PAIRS_MAX
from aac.resources import AGENT, ASSISTANT, CREDENTIAL, VAULT, VECTOR_STORE, DesiredState

JSON = dict[str, Any]

__all__ = ["Adoptee", "Selection", "Written", "add_vaults", "adoptees", "adoption_plan", "earlier_imports",
           "plan_manifests", "select", "write_files", "write_tags"]

_MARKER_LINE = re.compile(rf"^{re.escape(MARKER)} (\S+) as ({'|'.join(BY_NAME)})\.(\S+)\s*$", re.MULTILINE)


def earlier_imports(manifest_files: list[Path], desired: DesiredState) -> dict[str, tuple[str, str]]:
    """Live id -> (kind, key) of manifests an earlier import wrote (and that still declare the key)."""
    found: dict[str, tuple[str, str]] = {}
    for path in manifest_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        for live_id, kind, key in _MARKER_LINE.findall(text):
            if key in kind_of(kind).desired(desired):
                found[live_id] = (kind, key)
    return found


def plan_manifests(src: Source, selection: Selection, desired: DesiredState, snapshot: Mapping[str, Any],
                   earlier: Mapping[str, tuple[str, str]]) -> tuple[Written, dict[str, tuple[str, str]]]:
    """The files to write and every selected object's (kind, key); earlier imports are not written again."""
    for kind, objects in selection.objects.items():
        for raw in objects:
            check_metadata(kind_of(kind).label, raw)
    stack = desired.stack
    keys = Keys([key for kind in KINDS for key in kind.desired(desired)] + list(_owned(snapshot, stack, None)))
    run = _Run(src, Written(), {}, earlier, keys)
    store_keys = dict(_owned(snapshot, stack, "vector_stores"))
    for raw in selection.stores:
        key = store_keys[raw["id"]] = run.claim(VECTOR_STORE, raw, "vector-store")
        if run.fresh(raw):
            run.add(key, render_store(_with(src, store_keys), raw, key))
    schemas: dict[str, Any] = {}
    for raw in selection.assistants:
        key = run.claim(ASSISTANT, raw, "assistant")
        if run.fresh(raw):
            run.add(key, render_assistant(_with(src, store_keys), raw, key, run.written, schemas))
    credential_keys = dict(_owned(snapshot, stack, "credentials"))
    variables = {v for spec in desired.credentials.values() for v in secret_sources(spec.auth).values()}
    for raw in selection.vaults:
        vault_key = run.claim(VAULT, raw, "vault")
        pairs = _credentials(run, raw, vault_key, snapshot)
        credential_keys.update((c["id"], key) for c, key in pairs)
        if run.fresh(raw):
            run.add(vault_key, render_vault(src, raw, vault_key, pairs, variables))
    for raw in selection.objects[CREDENTIAL]:  # written by an earlier run: adopted only
        credential_keys[raw["id"]] = run.claim(CREDENTIAL, raw, "credential")
    for raw in selection.agents:
        key = run.claim(AGENT, raw, "agent")
        if run.fresh(raw):
            run.add(key, render_agent(src, raw, key, run.written, schemas, credential_keys))
    return run.written, run.imported


@dataclass
class _Run:
    """One import's files and keys: an object an earlier run wrote keeps its key, and its file is not written."""

    src: Source
    written: Written
    imported: dict[str, tuple[str, str]]  # live id -> (kind, key)
    earlier: Mapping[str, tuple[str, str]]
    keys: Keys

    def claim(self, kind: str, raw: Mapping[str, Any], fallback: str) -> str:
        kind_key = self.earlier.get(raw["id"]) or (kind, self.keys.claim(raw.get("name"), fallback))
        self.imported[raw["id"]] = kind_key
        return kind_key[1]

    def fresh(self, raw: Mapping[str, Any]) -> bool:
        return raw["id"] not in self.earlier

    def add(self, key: str, text: str) -> None:
        self.written.add(self.src.out_dir / f"{key}.yaml", text)


def _credentials(run: _Run, vault: Mapping[str, Any], vault_key: str,
                 snapshot: Mapping[str, Any]) -> list[tuple[JSON, str]]:
    """The vault's untagged credentials with their keys (VAULT/CREDENTIAL): those an earlier run wrote, when
    it wrote the vault's manifest."""
    listed = [c for c in (snapshot.get("credentials") or {}).get(vault["id"], [])
              if owner_of(c.get("metadata")) is None]
    if vault["id"] in run.earlier:
        listed = [c for c in listed if c["id"] in run.earlier]
    names = Keys(())
    pairs = []
    for raw in sorted(listed, key=lambda c: (str(c.get("name") or ""), c["id"])):
        check_metadata("credential", raw, USER_METADATA_PAIRS_MAX - 1)  # and aac-secret-version
        earlier = run.earlier.get(raw["id"])
        key = earlier[1] if earlier else f"{vault_key}/{names.claim(raw.get('name'), 'credential')}"
        run.imported[raw["id"]] = (CREDENTIAL, key)
        pairs.append((raw, key))
    return pairs


def write_files(written: Written, redact: Callable[[str], str]) -> list[Path]:
    """Create every file, or none: any that exists already is an error before the first write.

    `redact` (Output.redact) keeps a secret a server echoed in a listed object out of the manifests.
    """
    clashes = [path for path in written.files if path.exists() or path.is_symlink()]
    if clashes:
        shown = ", ".join(str(p) for p in clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
        raise AacError(f"import would overwrite {shown}; nothing was written",
                       "move those files aside, or pass --out DIR to write the manifests elsewhere")
    done: list[Path] = []
    for path, text in written.files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="") as handle:
                handle.write(redact(text))
        except OSError as exc:
            raise AacError(f"cannot write {path}: {exc.strerror or exc}",
                           "check the folder's permissions; files written so far: "
                           + (", ".join(str(p) for p in done) or "none")) from exc
        done.append(path)
    return done


def _with(src: Source, store_keys: Mapping[str, str]) -> Source:
    return Source(src.root, src.out_dir, src.files, src.store_files, dict(store_keys), src.reserved)


def _owned(snapshot: Mapping[str, Any], stack: str, collection: str | None) -> dict[str, str]:
    """Live id -> key of this stack's objects in `collection` (None: in every collection)."""
    collections = [collection] if collection else [kind.collection for kind in KINDS]
    result = {}
    for name in collections:
        for raw in raws_of(snapshot, name):
            owner = owner_of(raw.get("metadata"))
            if owner is not None and owner[0] == stack:
                result[raw["id"]] = owner[1]
    return result
