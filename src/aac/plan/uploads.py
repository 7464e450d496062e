"""Which of the stack's uploads stay although no manifest wants them, and what live objects use.

An upload is kept while a protected object uses it, while something the stack does not own uses it
(deleting it would empty that store or clear that assistant's files), or while a manifest names it by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.kinds import KINDS
from aac.kinds.assistant.canonical import code_file_ids_of
from aac.resources import ATTR_PATH, VECTOR_STORE, LiveState

if TYPE_CHECKING:
    from aac.plan.diff import _Diff


def kept_shas(d: _Diff) -> dict[str, str]:
    """Bytes that protected objects kept out of the manifests still use: sha -> why."""
    shas = {f.id: f.sha256 for f in d.live.files.values()}
    keep: dict[str, str] = {}
    for address, raw in d.kept:
        ids = code_file_ids_of(raw)
        store = d.live.vector_stores.get(address.split(".", 1)[1]) if address.startswith(VECTOR_STORE) else None
        ids += [a.file_id for a in store.files] if store else []
        for file_id in ids:
            if shas.get(file_id):
                keep.setdefault(str(shas[file_id]), f"used by {address}, which is kept")
    return keep


def kept_foreign(d: _Diff, wanted: set[str]) -> dict[str, str]:
    """Uploads that objects this stack does not own still use: deleting one would change them. sha -> why."""
    keep: dict[str, str] = {}
    verb = "destroy" if d.destroy else "apply"
    for upload in sorted(d.live.files.values(), key=lambda f: f.id):
        if not upload.sha256 or upload.sha256 in wanted:
            continue
        who = d.live.foreign_uses.get(upload.id)
        if who is not None:
            keep.setdefault(upload.sha256, f"used by {who}, which this stack does not own")
            d.warnings.append(f"{upload.filename} ({upload.id}) is used by {who}, which this stack does not own: "
                              f"{verb} keeps it; detach it there to let aac delete it")
        elif d.live.foreign_unread:
            # A store listed short may hold any upload: deleting one would empty it there (nothing lost).
            stores = ", ".join(d.live.foreign_unread)
            keep.setdefault(upload.sha256, f"vector store {stores}, not this stack's, could not be read whole")
            d.warnings.append(f"{upload.filename} ({upload.id}) may be used by vector store {stores}, which this "
                              f"stack does not own and whose file list came back short of its own count: {verb} "
                              "keeps it")
    return keep


def kept_by_id(d: _Diff) -> dict[str, str]:
    """This stack's uploads that a manifest names by id: never deleted."""
    shas = {f.id: f.sha256 for f in d.live.files.values() if f.sha256}
    ids = [i for kind in KINDS for spec in d.wanted(kind).values() for i in kind.upload_ids(spec)]
    return {shas[i]: f"a manifest attaches it by id ({i})" for i in sorted(ids) if i in shas}


def uploads_in_use(live: LiveState) -> tuple[set[str], dict[str, str]]:
    """Upload ids live objects use, and each attached upload's path from its attributes."""
    ids: set[str] = set()
    paths: dict[str, str] = {}
    for assistant in live.assistants.values():
        ids.update(code_file_ids_of(assistant.raw))
    for store in live.vector_stores.values():
        for attachment in store.files:
            ids.add(attachment.file_id)
            path = attachment.attributes.get(ATTR_PATH)
            if isinstance(path, str) and path:
                paths.setdefault(attachment.file_id, path)
    return ids, paths
