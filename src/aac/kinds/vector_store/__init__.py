"""The vector store: a kind whose content is files, attached (and detached) as changes of their own.

Its changes: create, update (name, expiry, metadata), replace (chunking and description can only be
set at creation, and an expired store cannot be used again), delete. Its files are
`vector_store_file.STORE/PATH` changes (aac.plan.files), whose steps this kind brings: attach and
wait until indexed, then detach what is stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aac.identity import fingerprint
from aac.kinds.base import JSON, HoldsFiles, Importable, Kind, Rebuilds, ServerDefaults, WriteOnlyFields
from aac.kinds.vector_store import canonical as forms
from aac.kinds.vector_store.drift import store_files_drift
from aac.kinds.vector_store.importer import render_store
from aac.kinds.vector_store.manifest import normalize_vector_store
from aac.kinds.vector_store.read import live_store
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.model.files import StoreFiles
from aac.model.plan import Change
from aac.resources import SERVER_METADATA, VECTOR_STORE, LiveState, LiveVectorStore

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.drift import StoreFilesDrift
    from aac.model.steps import ImportRun, StepBuilder


class VectorStore(ServerDefaults, WriteOnlyFields, Rebuilds, HoldsFiles, Importable, Kind):
    name = VECTOR_STORE
    label = "vector store"
    collection = "vector_stores"
    id_prefix = "vs_"
    write_only = ("description",)
    replace_reasons = {
        "chunking_strategy": "chunking_strategy applies to each file when it is attached, so the store is rebuilt",
        "description": "a vector store's description can only be set when the store is created",
    }

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        yield VECTOR_STORE, normalize_vector_store(ctx, doc)

    field_order = ("display_name", "description", "files", "chunking_strategy", "expires_after", "metadata")
    file_lists = frozenset({"files"})

    def paths(self, spec: VectorStoreSpec) -> tuple[str, ...]:
        return spec.files

    def upload_ids(self, spec: VectorStoreSpec) -> tuple[str, ...]:
        return spec.file_ids

    def held_files(self, key: str, spec: VectorStoreSpec, obj: LiveVectorStore | None) -> StoreFiles:
        if obj is None:
            return StoreFiles(key, spec.files, (), spec.file_ids, 0, spec.chunking_strategy, spec.attributes)
        usage = int(obj.raw.get("usage_bytes") or 0)  # the estimate starts from what the store reports
        frozen = any(name in (obj.raw.get("metadata") or {}) for name in SERVER_METADATA)
        return StoreFiles(key, spec.files, obj.files, spec.file_ids, usage, spec.chunking_strategy,
                          spec.attributes, frozen)

    def read(self, reader: Reader) -> list[JSON]:
        return reader.vector_stores()

    def live_object(self, key: str, raw: Mapping[str, Any], snapshot: Mapping[str, Any]) -> LiveVectorStore:
        return live_store(key, raw, snapshot)

    def fingerprint(self, obj: LiveVectorStore) -> str:
        """Its attachments too: a plan to delete or rebuild it is stale when a file was attached by hand."""
        return fingerprint({**obj.raw, "aac:attached": sorted(f.file_id for f in obj.files)})

    def canonical(self, spec: VectorStoreSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return forms.canonical_vector_store(spec)

    def canonical_live(self, obj: LiveVectorStore, state: LiveState) -> JSON:
        return forms.canonical_live_vector_store(obj, state)

    def untold(self, desired: JSON, live: JSON) -> tuple[str, ...]:
        return forms.untold(desired, live)

    def align(self, desired: JSON, live: JSON) -> JSON:
        return forms.align(desired, live)

    def write_only_candidates(self, want: JSON) -> Iterator[JSON]:
        return forms.write_only_candidates(want)

    def adjust(self, change: Change, obj: LiveVectorStore | None) -> Change:
        return forms.rebuild_expired(change, obj)

    def content_drift(self, spec: VectorStoreSpec | None, obj: LiveVectorStore | None, hashes: Mapping[str, str],
                      live: LiveState, labels: Mapping[str, str]) -> StoreFilesDrift:
        return store_files_drift(spec, obj, hashes, live, labels)

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        from aac.kinds.vector_store import apply  # with the SDK: only commands that write load it

        apply.steps(b, changes)

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        from aac.kinds.vector_store import apply

        apply.deletes(b, changes)

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        return (f"{VECTOR_STORE}:{key}", b.has(f"attach:{key}"))  # indexed before it is used

    def update(self, writer: Writer, obj: LiveVectorStore, body: JSON) -> Any:
        from aac.kinds.vector_store import wire

        return wire.update(writer, obj.id, body)

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        key = run.claim(VECTOR_STORE, raw, "vector-store")
        if run.fresh(raw):
            run.add(key, render_store(run.src, raw, key))


KIND = VectorStore()
