"""Two applies of one stack at once: after the creates of a kind, agree on one object per key.

The API has no lock and no conditional create, so two applies started together can both
create `vector_store.support-kb`. After its creates of a kind, each apply lists that kind
again, oldest first (`order=asc`: by `created_at`, in the server's own order within a
second), and for every key it created keeps the first object of that list: the oldest.
It deletes the others and points its later steps at the survivor.

Why the server's order and not `(created_at, id)`: `created_at` has one-second
resolution and ids are random, so two creates in one second would be ordered by chance,
and an apply that listed before the other's create landed would keep a different object
than the other apply (seen in tests). The list position never disagrees: an object that
is older is listed first by both, and was already visible to whichever apply listed last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aac.apply.context import Context
from aac.identity import matches_size, parse_upload_filename
from aac.kinds.base import Kind
from aac.model.steps import FILES


def keep_oldest(group: list[tuple[int, Any]]) -> Any:
    """`group` is (position in the oldest-first list, object)."""
    return min(group, key=lambda item: item[0])[1]


def _settle(ctx: Context, kind: str, listed: list[Any], key_of: Callable[[Any], str | None],
            delete: Callable[[str], None]) -> None:
    created = ctx.ids.created_items(kind)
    groups: dict[str, list[tuple[int, Any]]] = {}
    for position, obj in enumerate(listed):
        key = key_of(obj)
        if key is not None and key in created:
            groups.setdefault(key, []).append((position, obj))
    for key, group in groups.items():
        keep = keep_oldest(group)
        # Even a single survivor may not be ours: the other apply, seeing both, deleted ours already.
        ctx.ids.set(kind, key, keep.id)
        if len(group) < 2:
            continue
        ctx.progress.out.log(f"{kind} {key}: {len(group)} live copies {[o.id for _, o in group]}, "
                             f"keeping the oldest {keep.id} (this apply made {created[key]})")
        for _, obj in group:
            if obj.id != keep.id:
                delete(obj.id)


def settle(ctx: Context, kind: Kind, listed: Callable[[], list[Any]], delete: Callable[[str], None]) -> None:
    """After this apply's creates of `kind` (objects tagged by key): one object per key, the oldest."""
    def key_of(obj: Any) -> str | None:
        owner = kind.owner(obj.to_dict())
        return owner[1] if owner is not None and owner[0] == ctx.stack else None

    if ctx.ids.created_items(kind.name):
        _settle(ctx, kind.name, listed(), key_of, delete)


def settle_files(ctx: Context) -> None:
    if not ctx.ids.created_items(FILES):
        return
    listed = ctx.writer.list_uploads()
    sizes = {ctx.hashes[path]: local.size for path, local in ctx.desired.files.items()}

    def sha(upload: Any) -> str | None:  # someone else's file under a content-addressed name is no copy
        found = parse_upload_filename(str(upload.filename), ctx.stack)
        return found if found and matches_size(found, upload.bytes, sizes) else None

    _settle(ctx, FILES, listed, sha, ctx.writer.delete_file)
