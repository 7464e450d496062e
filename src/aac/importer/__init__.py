"""`aac import`: manifests for live objects no stack manages, then adoption (tags) after a confirmed plan.

    select(keys, import_all, snapshot, stack) -> Selection               which objects
    add_vaults(selection, vaults, credentials, stack)                    and the vaults its agents use
    plan_manifests(...) -> (Written, imported)                           each kind's import_manifest (aac.kinds)
    write_files(written, redact)                                         never overwrites: all or nothing
    adoptees / adoption_plan / write_tags                                the adoption (aac.importer.adopt)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aac.errors import AacError
from aac.importer.adopt import Adoptee, adoptees, adoption_plan, write_tags
from aac.importer.keys import Keys
from aac.importer.run import ImportRun
from aac.importer.select import Selection, add_vaults, raws_of, select
from aac.kinds import BY_NAME, KINDS, kind_of
from aac.kinds.base import Importable
from aac.manifest.fs import inside
from aac.manifest.writing import MARKER, Source, Written, check_metadata, check_round_trip, comment_text
from aac.resources import DesiredState

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
    """The files to write and every selected object's (kind, key); earlier imports are not written again.

    Kind by kind in the registry's order, each through its own `import_manifest`, so a manifest names the
    objects it uses by the keys they were given first (a store before its assistant)."""
    for name, objects in selection.objects.items():
        for raw in objects:
            check_metadata(kind_of(name).label, raw)
            check_round_trip(kind_of(name).label, raw)
    owned = _owned(snapshot, desired.stack)
    keys = Keys([key for kind in KINDS for key in kind.desired(desired)] + list(owned.values()))
    run = ImportRun(src, desired, snapshot, earlier, keys, keys_by_id=owned)
    for kind in KINDS:
        for raw in selection.objects.get(kind.name, ()):
            if isinstance(kind, Importable):
                kind.import_manifest(run, raw)
    return run.written, run.imported


def write_files(written: Written, redact: Callable[[str], str], root: Path) -> list[Path]:
    """Create every file, or none: any that exists already, or that would land outside the repository
    `root` (through `..` or a symlinked folder), is an error before the first write.

    `redact` (Output.redact) keeps a secret a server echoed in a listed object out of the manifests.
    """
    outside = [path for path in written.files if not _lands_inside(path, root)]
    if outside:
        raise AacError(f"import would write {_listed(outside)}, outside the repository {root}; nothing was written",
                       "a folder on the way is a symlink that leaves the repository: replace it with a folder, "
                       "or pass --out DIR inside the manifests folder")
    clashes = [path for path in written.files if path.exists() or path.is_symlink()]
    if clashes:
        raise AacError(f"import would overwrite {_listed(clashes)}; nothing was written",
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


def _lands_inside(path: Path, root: Path) -> bool:
    """True when `path`, every symlink on it followed (those not made yet taken as written), is in `root`."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):  # a NUL, or a name the OS cannot take
        return False
    return inside(real, os.path.realpath(root))


def _listed(paths: list[Path]) -> str:
    return ", ".join(comment_text(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _owned(snapshot: Mapping[str, Any], stack: str) -> dict[str, str]:
    """Live id -> key of this stack's objects, of every kind."""
    result = {}
    for kind in KINDS:
        for raw in raws_of(snapshot, kind.collection):
            owner = kind.owner(raw)
            if owner is not None and owner[0] == stack:
                result[raw["id"]] = owner[1]
    return result
