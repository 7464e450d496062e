"""What a kind of object brings to the engine, declared once per kind (STYLE: "a kind is one unit").

The planner, the diff, the applier, drift, import and output are generic: they read, compare, order
and write objects through a `Kind`, and never ask which kind they hold. A kind is one module under
aac.kinds that builds its `Kind`; aac.kinds lists them in dependency order.

Files and vector-store attachments are not kinds: they are content, shared by several kinds and
diffed by content (aac.plan.files), and the vector store and assistant kinds bring the steps that
attach them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aac.errors import AacError
from aac.identity import fingerprint
from aac.resources import DesiredState, LiveObject, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.apply.build import Builder
    from aac.drift.files import StoreFilesDrift
    from aac.importer.run import ImportRun
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.plan.model import Change

JSON = dict[str, Any]
Spec = Any  # the kind's spec dataclass (aac.resources)
Live = Any  # the kind's live object (aac.resources): has .id, .key and .raw


def _none(*_: Any) -> Any:
    return None


def _no_refs(_: Any) -> tuple[tuple[str, str], ...]:
    return ()


def _no_candidates(_: JSON) -> Iterator[JSON]:
    return iter(())


def _same(_: JSON, live: JSON) -> JSON:
    return live


def _fingerprint(obj: Any) -> str:
    return fingerprint(obj.raw)


def _live_object(key: str, raw: Mapping[str, Any], _: Mapping[str, Any]) -> LiveObject:
    return LiveObject(id=raw["id"], key=key, raw=raw)


@dataclass(frozen=True)
class Kind:
    name: str  # "vector_store": addresses are NAME.KEY
    label: str  # "vector store", for messages
    collection: str  # the live snapshot's and `aac output`'s key: "vector_stores"
    id_prefix: str  # "vs_": how a user tells its ids apart
    desired: Callable[[DesiredState], Mapping[str, Spec]]
    live: Callable[[LiveState], Mapping[str, Live]]
    # The comparable forms (aac.canonical's normalisation): the spec given the file hashes and live state
    # (an id that names this stack's own upload compares by content), and the live object in its state.
    canonical: Callable[[Spec, Mapping[str, str], LiveState], JSON]
    canonical_live: Callable[[Live, LiveState], JSON]
    # Apply: add this kind's steps for its changes, and the steps that delete its objects. Required, as is
    # `update`: a kind without them would plan changes that apply and adoption silently skip.
    steps: Callable[[Builder, Mapping[str, Change]], None]
    deletes: Callable[[Builder, Mapping[str, Change]], None]
    # The writes that need no plan: an update of a live object's fields (a retag before a rebuild, adoption).
    update: Callable[[Writer, Live, JSON], Any]
    # How a manifest document of this `kind:` loads (None: declared only inside another kind's document):
    # the specs it declares, as (kind name, spec) pairs, its deeper checks made on the way.
    load: Callable[[LoadContext, Document], Iterable[tuple[str, Spec]]] | None = None
    # Checks across the loaded specs of every kind (by kind name), before the desired state is built.
    check: Callable[[LoadContext, Mapping[str, list[Spec]]], None] | None = None
    # How it is read: every object of the collection (a Reader method), raising `unavailable_error` where the
    # target lacks the API; a child kind (`parent`, a kind's name) is read inside each of the stack's parents.
    read: Callable[[Reader], list[JSON]] | None = None
    unavailable_error: type[AacError] | None = None
    parent: str | None = None
    read_children: Callable[[Reader, Mapping[str, Any]], list[JSON]] | None = None
    # The live object for a raw one this stack owns (a vector store carries its files from the snapshot).
    live_object: Callable[[str, Mapping[str, Any], Mapping[str, Any]], Live] = _live_object
    # A live object's fingerprint (a change's `live_fingerprint`): what a user can change in it, and what is
    # deleted with it (a vector store's attachments), so a plan to delete or rebuild it is stale when either moved.
    fingerprint: Callable[[Live], str] = _fingerprint
    # (kind, key) of the objects a spec names: created before it, deleted after it, and pointed at
    # anew (an update) when they are rebuilt. Kinds are listed after the kinds they name.
    refs: Callable[[Spec], tuple[tuple[str, str], ...]] = _no_refs
    refs_field: str = ""  # the field that names them: an update of it points the object at a rebuilt one
    live_refs: Callable[[Mapping[str, Any]], tuple[str, ...]] = lambda raw: ()  # live ids a live object names
    write_only: tuple[str, ...] = ()  # accepted, never returned: compared through the aac-spec tag
    # Readable fields this live object cannot tell (a store with no indexed file has no chunking to show):
    # compared like the write-only ones.
    untold: Callable[[JSON, JSON], tuple[str, ...]] = lambda desired, live: ()
    # Each spec the one last applied may have been, given the live readable fields (`as_applied` first):
    # where the server fills in defaults the manifest left unset, each way of leaving them unset.
    applied_variants: Callable[[JSON, JSON], Iterator[JSON]] = lambda as_applied, live: iter((as_applied,))
    # Every other value a write-only field may have had when last applied (drift tells who changed what).
    write_only_candidates: Callable[[JSON], Iterator[JSON]] = _no_candidates
    align: Callable[[JSON, JSON], JSON] = _same  # live as the manifest would say it (server defaults)
    # When the manifests changed (the tag says so) and no field shows it: the fields that changed where the
    # alignment hides it (a setting an earlier manifest set, left to the server now). (desired, as_applied,
    # live, tag) -> field names.
    hidden_changes: Callable[[JSON, JSON, JSON, str], list[str]] = lambda desired, as_applied, live, tag: []
    replace_reasons: Mapping[str, str] = field(default_factory=dict)  # fields changed only by a rebuild
    # Whether its steps rebuild an object (a replace: retag the old, create, delete the old): what
    # `--replace` may name. An agent and a vault are only ever updated in place.
    rebuilds: bool = False
    # Adjust a compared change (a rebuild the fields do not show: an expired store).
    adjust: Callable[[Change, Live | None], Change] = lambda change, _: change
    # On a target without this kind's API, a manifest of it is either configuration (assistants after the
    # sunset: the note the plan shows, `{objects}` naming them) or an error (`missing_api`, given the base URL).
    configuration_note: str | None = None
    missing_api: Callable[[str], AacError] | None = None  # the error for a target (base URL) without its API
    # Tags of its own beside the stack's (a credential's secret version), written by apply and by adoption.
    extra_tags: Callable[[Spec], dict[str, str]] = lambda spec: {}
    # Before apply's first write: raise AacError for a change that cannot be made (a secret's variable unset).
    preflight: Callable[[Change, DesiredState, Mapping[str, str]], None] = _none
    # The steps after which a new object of this kind can be used by the objects that name it.
    ready: Callable[[Builder, str], tuple[str | None, ...]] = lambda builder, key: ()
    # The drift of an object's content judged by its traces (a vector store's files: aac.drift.files), or None:
    # (spec or None, live object or None, file hashes, live state, readable labels) -> StoreFilesDrift.
    content_drift: Callable[[Spec | None, Live | None, Mapping[str, str], LiveState, Mapping[str, str]],
                            StoreFilesDrift] | None = None
    # `aac import`: claim a key for an untagged live object (`run.claim`) and write its manifest (`run.add`)
    # unless an earlier run did; None for a kind that cannot be imported by itself.
    import_manifest: Callable[[ImportRun, Mapping[str, Any]], None] | None = None
    # What `aac output` gives for a live object besides its id (an assistant's vector_store_ids).
    outputs: Callable[[Mapping[str, Any]], JSON] = lambda raw: {}
    # Readable labels for fields holding hashes (code-interpreter files by path): drift and plans.
    readable: Callable[[JSON, Mapping[str, str]], JSON] = lambda form, labels: form
    # Where in its comparable form a secret's value belongs, though the form never holds it (a credential's
    # `auth.token`): a plan for policy tools marks those paths sensitive (aac.render.terraform).
    secret_paths: Callable[[JSON], tuple[tuple[str, ...], ...]] = lambda form: ()

    def address(self, key: str) -> str:
        return f"{self.name}.{key}"
