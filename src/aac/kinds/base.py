"""The kind interface: what a kind of object brings to the engines (ARCHITECTURE.md, "The kind interface").

A kind is one package under aac.kinds. Its `Kind` subclass says how its objects are declared (a manifest
document), read (the SDK), compared (canonical forms) and written (apply steps); the engines (plan, apply,
drift, import, output) drive every kind through this class and never name a field of one.

What only some kinds need comes as a capability: a mixin class the kind inherits, each with its defaults,
which the engines ask for with the functions at the end of this module. A kind without a capability
behaves as the defaults say.

- `ServerDefaults`: the server fills in settings the manifest leaves unset; align live with the manifest.
- `WriteOnlyFields`: fields the API accepts and never returns (secrets, confidential settings): compared
  through the `aac-spec` tag, and shown as sensitive.
- `References`: its spec names other objects by key (an assistant's vector store).
- `Rebuilds`: some changes can only be made by replacing the object.
- `Child`: its objects live inside another kind's (credentials inside vaults).
- `HoldsFiles`: it holds files (a vector store's attachments), planned and drifted as changes of their own.
- `OptionalApi`: not every target serves its API.
- `Importable`: `aac import` writes a manifest for one found on the target.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from aac.errors import AacError
from aac.identity import fingerprint, owner_of
from aac.resources import DesiredState, LiveObject, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.drift import StoreFilesDrift
    from aac.model.files import StoreFiles
    from aac.model.plan import Change
    from aac.model.steps import ImportRun, StepBuilder

JSON = dict[str, Any]
Spec = Any  # the kind's spec: a frozen dataclass with `.key` (and `.name`, `.source`, `.protect` where it has them)
Live = Any  # the kind's live object (aac.resources.LiveObject or a richer one): has .id, .key and .raw


class Kind(ABC):
    """Every kind: its names, its manifest, how it is read, compared and written."""

    name: ClassVar[str]  # "vector_store": addresses are NAME.KEY, and a manifest says `kind: NAME`
    label: ClassVar[str]  # "vector store", for messages
    collection: ClassVar[str]  # the live snapshot's and `aac output`'s key: "vector_stores"
    id_prefix: ClassVar[str]  # "vs_": how a user tells its ids apart
    # The comparable form's fields in the order plans and drift show them (others after, by name), and those
    # holding lists of file hashes, shown by path.
    field_order: ClassVar[tuple[str, ...]] = ("display_name", "description", "model", "instructions", "tools",
                                              "metadata")
    file_lists: ClassVar[frozenset[str]] = frozenset()

    # -- declared ------------------------------------------------------------------------

    def load(self, ctx: LoadContext, doc: Document) -> Iterable[tuple[str, Spec]]:
        """The specs a manifest document of `kind: NAME` declares, as (kind name, spec) pairs (an assistant's
        document declares its own vector store too), each checked on the way (problems go to `ctx`)."""
        raise NotImplementedError(f"{self.name} is declared inside another kind's manifest")

    @property
    def has_manifest(self) -> bool:
        """Whether a manifest document may say `kind: NAME` (a credential is declared inside its vault's)."""
        return type(self).load is not Kind.load

    def check_documents(self, ctx: LoadContext, docs: Sequence[Document]) -> None:  # noqa: B027 (optional)
        """Checks across every manifest document, from their kind and name alone, before any is loaded: so a
        schema error in one manifest hides none of them (an agent's `credential:` names a declared one)."""

    def check(self, ctx: LoadContext, specs: Mapping[str, list[Spec]]) -> None:  # noqa: B027 (optional)
        """Checks across the loaded specs of every kind (by kind name), before the desired state is built."""

    def desired(self, state: DesiredState) -> Mapping[str, Spec]:
        return state.of(self.name)

    def paths(self, spec: Spec) -> tuple[str, ...]:
        """The repository files a spec uses: uploaded before it, and planned with it."""
        return ()

    def upload_ids(self, spec: Spec) -> tuple[str, ...]:
        """Existing uploads a spec names by id (bytes not in the repository): never deleted while named."""
        return ()

    # -- read ----------------------------------------------------------------------------

    @abstractmethod
    def read(self, reader: Reader) -> list[JSON]:
        """Every object of its collection on the target, as the API returns them (`Child` kinds: unused)."""

    def live(self, state: LiveState) -> Mapping[str, Live]:
        return state.of(self.name)

    def live_object(self, key: str, raw: Mapping[str, Any], snapshot: Mapping[str, Any]) -> Live:
        """The live object for a raw one this stack owns, given the whole snapshot read."""
        return LiveObject(id=raw["id"], key=key, raw=raw)

    def tags(self, raw: Mapping[str, Any]) -> Mapping[str, Any]:
        """aac's tags on a live object as read (aac.resources.TAGS: who owns it, its key, the spec last applied,
        protection): its `metadata` for every kind that has one. A kind without metadata keeps them elsewhere."""
        metadata = raw.get("metadata")
        return metadata if isinstance(metadata, Mapping) else {}

    def tagged(self, obj: Live, tags: Mapping[str, str]) -> JSON:
        """The update body that gives a live object these tags (a retag before a replace, a move, an adoption);
        `tags` is its whole metadata as it is to be."""
        return {"metadata": dict(tags)}

    def owner(self, raw: Mapping[str, Any]) -> tuple[str, str, str] | None:
        """(stack, key, spec tag) of the stack that owns a live object, from its tags; None for nobody's."""
        return owner_of(self.tags(raw))

    def taken(self, stack: str, key: str, spec: Spec, state: LiveState) -> AacError | None:
        """Why a new object for `key` cannot be made, when a live object this stack does not own holds the
        identity it would have (a Foundry prompt agent's name): the plan stops there. None by default."""
        return None

    def fingerprint(self, obj: Live) -> str:
        """What a user can change in a live object, and what goes with it: a plan that touches the object is
        stale when this moved since it was made."""
        return fingerprint(obj.raw)

    # -- compared ------------------------------------------------------------------------

    @abstractmethod
    def canonical(self, spec: Spec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        """The spec's comparable form, given the file hashes (path -> sha256) and the live state."""

    @abstractmethod
    def canonical_live(self, obj: Live, state: LiveState) -> JSON:
        """The live object's comparable form: the same fields as `canonical`, as the server holds them."""

    # -- written -------------------------------------------------------------------------

    @abstractmethod
    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        """Add the steps that create, update and replace its objects for these changes (by key)."""

    @abstractmethod
    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        """Add the steps that delete its objects (a delete, or the old object of a replace)."""

    @abstractmethod
    def update(self, writer: Writer, obj: Live, body: JSON) -> Any:
        """An in-place update of a live object's fields, needing no plan: a retag, an adoption."""

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        """The steps after which a new object can be used by the objects that name it (besides its own)."""
        return ()

    def readable(self, form: JSON, labels: Mapping[str, str]) -> JSON:
        """The comparable form with file hashes shown by path (or upload name), for drift and plans."""
        return form

    def outputs(self, raw: Mapping[str, Any]) -> JSON:
        """What `aac output` gives for a live object besides its id."""
        return {}

    def address(self, key: str) -> str:
        return f"{self.name}.{key}"


class ServerDefaults:
    """The server fills in what the manifest leaves unset, and a read returns it: live is aligned with the
    manifest before comparing, so a default the server chose is never a change."""

    def align(self, desired: JSON, live: JSON) -> JSON:
        """Live as the manifest would say it."""
        return live

    def untold(self, desired: JSON, live: JSON) -> tuple[str, ...]:
        """Readable fields this live object cannot tell (a store with no file has no chunking to show):
        compared like write-only fields, through the tag."""
        return ()

    def applied_variants(self, as_applied: JSON, live: JSON) -> Iterator[JSON]:
        """Each spec the one last applied may have been, given the live readable fields (`as_applied` first):
        each way of leaving the server's defaults unset."""
        yield as_applied

    def hidden_changes(self, desired: JSON, as_applied: JSON, live: JSON, tag: str) -> list[str]:
        """When the tag says the manifests changed and no field shows it: the fields the alignment hides."""
        return []


class WriteOnlyFields:
    """Fields the API accepts and never returns: compared through the `aac-spec` tag of the spec last
    applied, and, where they hold secrets, read from environment variables and never shown."""

    write_only: ClassVar[tuple[str, ...]] = ()

    def write_only_candidates(self, want: JSON) -> Iterator[JSON]:
        """Every other value a write-only field may have had when last applied (drift tells who changed it)."""
        return iter(())

    def secret_paths(self, form: JSON) -> tuple[tuple[str, ...], ...]:
        """Where in the comparable form a secret's value belongs, though the form never holds it: a plan for
        policy tools marks those paths sensitive."""
        return ()

    def extra_tags(self, spec: Spec) -> dict[str, str]:
        """Tags of its own beside the stack's (a secret's version), written by apply and by adoption."""
        return {}

    def preflight(self, change: Change, desired: DesiredState, environ: Mapping[str, str]) -> None:
        """Before apply's first write: raise AacError for a change that cannot be made (a variable unset)."""


class References:
    """Its spec names other objects by key: created before it, deleted after it, pointed at anew when rebuilt."""

    refs_field: ClassVar[str] = ""  # the comparable form's field that names them

    def refs(self, spec: Spec) -> tuple[tuple[str, str], ...]:
        """(kind, key) of the objects a spec names. The registry lists a kind after the kinds it names."""
        return ()

    def live_refs(self, raw: Mapping[str, Any]) -> tuple[str, ...]:
        """The live ids a live object names (objects and uploads)."""
        return ()


class Rebuilds:
    """Some fields change only by a rebuild: retag the old object, create the new one, delete the old."""

    replace_reasons: ClassVar[Mapping[str, str]] = {}  # field -> why changing it rebuilds the object

    def adjust(self, change: Change, obj: Live | None) -> Change:
        """A compared change adjusted for what the fields do not show (an expired store is rebuilt)."""
        return change


class Child:
    """Its objects live inside another kind's and are read inside each of this stack's parents."""

    parent: ClassVar[str]  # the parent kind's name

    def read_children(self, reader: Reader, parent: Mapping[str, Any]) -> list[JSON]:
        raise NotImplementedError


class HoldsFiles:
    """Its objects hold files (a vector store's attachments): planned as changes of their own
    (`vector_store_file.STORE/PATH`, aac.plan.files), and drifting apart from its fields, judged by traces."""

    def held_files(self, key: str, spec: Spec, obj: Live | None) -> StoreFiles:
        """What the manifest wants the object to hold, and what the live one (None: a new or rebuilt one) does."""
        raise NotImplementedError

    def content_drift(self, spec: Spec | None, obj: Live | None, hashes: Mapping[str, str], live: LiveState,
                      labels: Mapping[str, str]) -> StoreFilesDrift:
        raise NotImplementedError


class OptionalApi:
    """Not every target serves this kind's API (assistants after the sunset; agents on Llama Stack)."""

    unavailable_error: ClassVar[type[AacError]]  # raised by `read` where the target lacks the API
    # A manifest of it on such a target is configuration (the note the plan shows, `{objects}` naming them),
    # or, when None, an error (`missing_api`).
    configuration_note: ClassVar[str | None] = None
    # Target types known never to serve this kind's API: its manifests are an error there from `aac validate`
    # on, before any request. By default a foundry target: Foundry's agents are prompt agents (what an
    # assistant manifest becomes there), not OpenAI's Agents API that agents, vaults and their kin use.
    unserved_by: ClassVar[frozenset[str]] = frozenset({"foundry"})

    def missing_api(self, base_url: str) -> AacError | None:
        return None if self.configuration_note else self.unavailable_error(base_url)


class Importable:
    """`aac import` claims a key for an untagged live object and writes its manifest."""

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        raise NotImplementedError


# -- how the engines ask -------------------------------------------------------------------

_DEFAULTS = ServerDefaults()


def server_defaults(kind: Kind) -> ServerDefaults:
    return kind if isinstance(kind, ServerDefaults) else _DEFAULTS


def write_only(kind: Kind) -> tuple[str, ...]:
    return kind.write_only if isinstance(kind, WriteOnlyFields) else ()


def refs(kind: Kind, spec: Spec) -> tuple[tuple[str, str], ...]:
    return kind.refs(spec) if isinstance(kind, References) else ()


def refs_field(kind: Kind) -> str:
    return kind.refs_field if isinstance(kind, References) else ""


def live_refs(kind: Kind, raw: Mapping[str, Any]) -> tuple[str, ...]:
    return kind.live_refs(raw) if isinstance(kind, References) else ()


def replace_reasons(kind: Kind) -> Mapping[str, str]:
    return kind.replace_reasons if isinstance(kind, Rebuilds) else {}


def adjust(kind: Kind, change: Change, obj: Live | None) -> Change:
    return kind.adjust(change, obj) if isinstance(kind, Rebuilds) else change


def configuration_note(kind: Kind) -> str | None:
    return kind.configuration_note if isinstance(kind, OptionalApi) else None


def unserved_by(kind: Kind) -> frozenset[str]:
    return kind.unserved_by if isinstance(kind, OptionalApi) else frozenset()


def missing_api(kind: Kind, base_url: str) -> AacError | None:
    return kind.missing_api(base_url) if isinstance(kind, OptionalApi) else None
