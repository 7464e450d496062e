"""`aac import [KEY...] [--all] [--out DIR] [--auto-approve]`: write manifests for live objects, then adopt them.

Manifests first (never overwriting a file), then the adoption plan, then a question (or
`--auto-approve`), then the tags. Without a terminal and without `--auto-approve` the
manifests stay written and the command says how to finish: running it again finds the
manifests it wrote (their `# aac-import:` line) and only adopts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aac.api.connect import Api, connect
from aac.api.writer import Writer
from aac.desired import manifest_files, require_valid
from aac.errors import AacError
from aac.identity import hash_files
from aac.importer import (
    add_vaults,
    adoptees,
    adoption_plan,
    earlier_imports,
    plan_manifests,
    select,
    write_files,
    write_tags,
)
from aac.importer.select import Selection, raws_of
from aac.kinds import BY_NAME, KINDS
from aac.kinds.base import Child, OptionalApi, live_refs
from aac.live import read_snapshot, store_files
from aac.manifest.fs import inside
from aac.manifest.writing import Source
from aac.output import Output, plural
from aac.plan.make import HASH_CACHE, showing_reads, utc_now
from aac.render import render_plan
from aac.resources import AGENT
from aac.stack import Stack, load_stack

if TYPE_CHECKING:
    from aac.commands import App

IMPORTED = "imported"
# The kind whose objects are read inside their parents' (a vault's credentials): those an import needs only.
CHILD = next(kind for kind in KINDS if isinstance(kind, Child))
READ_PARALLELISM = 8
ADOPT = "Adopt these objects (write this stack's tags on them)? Only 'yes' will be accepted: "


def run(app: App, keys: tuple[str, ...] = (), import_all: bool = False, out_dir: str | None = None,
        auto_approve: bool = False) -> int:
    stack = load_stack(app.root)
    with manifests_folder(stack, app.out):
        # manifest problems first, before any network or key
        desired = require_valid(stack, app.out, target=app.target_name, environ=app.environ)
        folder = _out_folder(stack, out_dir)
        with connect(stack, stack.target(app.target_name), app.environ, app.out) as api:
            earlier = earlier_imports(manifest_files(stack), desired)
            snapshot, selection = _select(api, app.out, stack, keys, import_all, earlier)
            if selection.empty:
                app.out.document("Nothing to import: no assistant, vector store, agent or vault on the target is "
                                "without tags.")
                return 0
            src = Source(stack.root, folder, {f["id"]: f for f in snapshot.get("files") or []},
                         snapshot["vector_store_files"], api.reader().reserved_metadata)
            written, imported = plan_manifests(src, selection, desired, snapshot, earlier)
            for path in write_files(written, app.out.redact, stack.root):
                app.out.info(f"wrote {_shown(path, stack.root)}")
            _adopt(app, api, stack, snapshot, imported, auto_approve)
    return 0


def _select(api: Api, out: Output, stack: Stack, keys: tuple[str, ...], import_all: bool,
            earlier: Mapping[str, tuple[str, str]]) -> tuple[dict[str, Any], Selection]:
    """The live snapshot, and the objects to import with their stores' files and vaults' credentials read."""
    reader = api.reader()
    with showing_reads(api, out):
        snapshot = read_snapshot(reader, stack.name)
    for kind in KINDS:  # an id of a kind the target has no API for: that, rather than "not found"
        if isinstance(kind, OptionalApi) and snapshot.get(kind.collection, []) is None \
                and any(key.startswith(kind.id_prefix) for key in keys):
            raise kind.unavailable_error(api.base_url)
    selection = select(keys, import_all, snapshot, stack.name)
    with ThreadPoolExecutor(max_workers=READ_PARALLELISM) as pool:  # as aac.live reads: pages in flight
        ids = [store["id"] for store in selection.stores]
        listed = pool.map(lambda raw: store_files(reader, raw), selection.stores)
        snapshot["vector_store_files"].update(zip(ids, listed, strict=True))
        children = CHILD.collection
        if snapshot.get(children) is not None:  # None: the target has no Agents API
            vaults = _vaults_to_read(snapshot, selection)
            listed = pool.map(lambda vault_id: CHILD.read_children(reader, {"id": vault_id}), vaults)
            snapshot[children].update(zip(vaults, listed, strict=True))
    add_vaults(selection, snapshot.get(BY_NAME[CHILD.parent].collection) or [], snapshot.get(children) or {},
               stack.name, set(earlier))
    return snapshot, selection


def _vaults_to_read(snapshot: dict[str, Any], selection: Selection) -> list[str]:
    """The vaults whose credentials are not read yet and are needed: those imported, and every vault when an
    agent names a credential not known (to find its vault, or say whose it is)."""
    known = {c["id"] for c in raws_of(snapshot, CHILD.collection)}
    wanted = [v["id"] for v in selection.vaults]
    agents = BY_NAME[AGENT]
    if any(cid not in known for agent in selection.agents for cid in live_refs(agents, agent)):
        wanted += [v["id"] for v in snapshot.get(BY_NAME[CHILD.parent].collection) or []]
    return [vault_id for vault_id in dict.fromkeys(wanted) if vault_id not in snapshot[CHILD.collection]]


def _adopt(app: App, api: Api, stack: Stack, snapshot: dict[str, Any], imported: dict[str, tuple[str, str]],
           auto_approve: bool) -> None:
    desired = require_valid(stack, app.out, target=app.target_name, environ=app.environ)
    hashes = hash_files(desired.files, stack.root / HASH_CACHE)
    raws = {raw["id"]: raw for kind in KINDS for raw in raws_of(snapshot, kind.collection)}
    adopting = adoptees(desired, hashes, imported, raws)
    plan = adoption_plan(desired, hashes, snapshot, adopting, target=stack.target(app.target_name).name,
                         now=utc_now())
    app.out.document(render_plan(plan, "text", app.out))
    if not auto_approve and not app.out.interactive:
        raise AacError("the manifests are written, but nothing was adopted: this is not an interactive terminal",
                       f"review them, then run `{app.invocation.again(add=['--auto-approve'])}` to add the tags")
    from aac.commands.apply import confirm

    confirm(app.out, auto_approve, ADOPT)
    write_tags(Writer(api, stack.name), adopting)
    others = [c.address for c in plan.actionable if c.changed_fields != ("tags",)]
    app.out.info(app.invocation.paste(f"Adopted {plural(len(adopting), 'object')}." + (
        f" `aac apply` makes the other changes shown for {', '.join(others)}." if others
        else " `aac plan` now shows no changes for them.")))


@contextmanager
def manifests_folder(stack: Stack, out: Output) -> Iterator[None]:
    """Import is how a team with hand-made objects starts: it makes the manifests folder when there is none.

    Kept only when something was written into it.
    """
    folder = stack.manifests_dir
    if folder.is_dir():
        yield
        return
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise AacError(f"cannot create the manifests folder {stack.manifests}/: {exc.strerror or exc}",
                       f"create {stack.manifests}/ yourself, or set `manifests:` in aac.yaml") from exc
    try:
        yield
    finally:
        if any(folder.iterdir()):
            out.info(f"created the manifests folder {stack.manifests}/")
        else:
            folder.rmdir()


def _out_folder(stack: Stack, out_dir: str | None) -> Path:
    """--out DIR (relative to the stack root; `imported` in the manifests folder when not given).

    It must lie inside the manifests folder as written, so aac loads what it writes, and inside the
    repository with symlinks followed, as the loader follows them (aac.desired.load). Kept as written:
    the `$ref`s a manifest holds are relative to the folder it is read from."""
    manifests = Path(os.path.normpath(stack.manifests_dir.absolute()))
    given = f"{stack.manifests}/{IMPORTED}" if out_dir is None else out_dir
    folder = Path(os.path.normpath(stack.root.absolute() / given))
    option = "the import folder" if out_dir is None else "--out"
    if folder != manifests and manifests not in folder.parents:
        raise AacError(f"{option} {given} is outside the manifests folder {stack.manifests}/",
                       f"pick a folder inside {stack.manifests}/, so aac loads the manifests it writes")
    real = os.path.realpath(folder)
    if not inside(real, os.path.realpath(stack.root)):
        raise AacError(f"{option} {given} leads to {real}, outside the repository (a folder on the way is a symlink)",
                       f"replace the link with a folder, or pick another with --out DIR inside {stack.manifests}/")
    return folder


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
