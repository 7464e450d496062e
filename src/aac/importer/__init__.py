"""`aac import`: manifests for live objects no stack manages, then adoption (tags) after a confirmed plan.

    select(keys, import_all, assistants, stores, stack) -> Selection     which objects
    plan_manifests(...) -> (Written, imported)                           what to write, and each object's key
    write_files(written, redact)                                         never overwrites: all or nothing
    adoptees / adoption_plan / write_tags                                the adoption (aac.importer.adopt)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of
from aac.importer.adopt import Adoptee, adoptees, adoption_plan, write_tags
from aac.importer.keys import Keys
from aac.importer.manifests import MARKER, Source, Written, check_metadata, render_assistant, render_store
from aac.importer.select import Selection, select
from aac.kinds import BY_NAME, KINDS, kind_of
from aac.resources import ASSISTANT, VECTOR_STORE, DesiredState

__all__ = ["Adoptee", "Selection", "Written", "adoptees", "adoption_plan", "earlier_imports", "plan_manifests",
           "select", "write_files", "write_tags"]

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
    for kind, objects in ((ASSISTANT, selection.assistants), (VECTOR_STORE, selection.stores)):
        for raw in objects:
            check_metadata(kind.replace("_", " "), raw)
    keys = Keys([*desired.assistants, *desired.vector_stores, *_live_keys(snapshot, desired.stack)])
    imported: dict[str, tuple[str, str]] = {}
    written = Written()
    store_keys = dict(_live_store_keys(snapshot, desired.stack))
    for raw in selection.stores:
        kind_key = earlier.get(raw["id"]) or (VECTOR_STORE, keys.claim(raw.get("name"), "vector-store"))
        imported[raw["id"]] = kind_key
        store_keys[raw["id"]] = kind_key[1]
        if raw["id"] not in earlier:
            written.add(src.out_dir / f"{kind_key[1]}.yaml", render_store(_with(src, store_keys), raw, kind_key[1]))
    schemas: dict[str, Any] = {}
    for raw in selection.assistants:
        kind_key = earlier.get(raw["id"]) or (ASSISTANT, keys.claim(raw.get("name"), "assistant"))
        imported[raw["id"]] = kind_key
        if raw["id"] not in earlier:
            text = render_assistant(_with(src, store_keys), raw, kind_key[1], written, schemas)
            written.add(src.out_dir / f"{kind_key[1]}.yaml", text)
    return written, imported


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


def _live_keys(snapshot: Mapping[str, Any], stack: str) -> list[str]:
    keys = []
    for kind in KINDS:
        for raw in snapshot.get(kind.collection) or []:
            owner = owner_of(raw.get("metadata"))
            if owner is not None and owner[0] == stack:
                keys.append(owner[1])
    return keys


def _live_store_keys(snapshot: Mapping[str, Any], stack: str) -> dict[str, str]:
    result = {}
    for raw in snapshot.get("vector_stores") or []:
        owner = owner_of(raw.get("metadata"))
        if owner is not None and owner[0] == stack:
            result[raw["id"]] = owner[1]
    return result
