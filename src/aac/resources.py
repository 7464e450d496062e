"""The data model shared by loading, reading, diffing and applying.

Desired state comes from the manifests (aac.manifest), live state from the API
(aac.live). Both are plain frozen data keyed by the stack-unique name, so the diff
is set arithmetic over keys.

Identity (DESIGN section 5): every object of a kind (aac.kinds) carries the tags below in
`metadata`, written in the create call itself; files carry their SHA-256 in the
uploaded filename and in vector-store-file attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

# Tags written into `metadata` of every object the stack owns (every kind's; files are named instead).
TAG_MANAGED_BY = "managed-by"
MANAGED_BY = "assistant-as-code"
TAG_STACK = "aac-stack"
TAG_KEY = "aac-key"
TAG_SPEC = "aac-spec"  # "sha256:<hex>" of the canonical spec last applied, write-only fields included
TAG_PROTECT = "aac-protect"  # "true" when the manifest says `protect: true`; survives the manifest's removal
TAGS = (TAG_MANAGED_BY, TAG_STACK, TAG_KEY, TAG_SPEC, TAG_PROTECT)
# On a credential: the `version` of its secret last sent. Secrets are never read back, so a rotation is
# declared by bumping `version` in the manifest, and this tag shows which one the live credential holds.
TAG_SECRET_VERSION = "aac-secret-version"

# Metadata keys llama-stack and ogx write into every vector store themselves, and need to index
# into it: the server's, kept on every update, never a change, drift or import. A target's
# `reserved_metadata` in aac.yaml adds more.
SERVER_METADATA = ("provider_id", "provider_vector_store_id", "embedding_model", "embedding_dimension")
# Where aac records other keys a server added to an object it had just created ("k1,k2"), so every
# later run knows them as the server's too. Written only on such servers, so it takes none of the
# user's 11 keys on OpenAI.
TAG_SERVER_KEYS = "aac-server-keys"

# Attributes written on every vector-store file the stack attaches.
ATTR_SHA256 = "aac-sha256"
ATTR_PATH = "aac-path"
ATTR_PREFIX = "aac-"  # reserved: a manifest's own attributes may not start with it

ASSISTANT = "assistant"
VECTOR_STORE = "vector_store"
AGENT = "agent"
VAULT = "vault"
CREDENTIAL = "credential"  # a vault's credential; its key is VAULT/CREDENTIAL, its address credential.VAULT/CREDENTIAL
FILE = "file"
VECTOR_STORE_FILE = "vector_store_file"
# Where a credential's manifest names the environment variable that holds one of its secrets: a secret field
# of the API is written `<field>_env: VARIABLE` (aac.kinds.credential lists them). The value is read at apply
# time, sent, and never written anywhere.
SECRET_SUFFIX = "_env"


@dataclass(frozen=True)
class Source:
    """Where a manifest document starts, for messages."""

    path: str  # repository-relative, POSIX
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class LocalFile:
    """A file in the repository that some manifest attaches."""

    path: str  # repository-relative, POSIX; the file's address is file.<path>
    abspath: Path
    size: int


@dataclass(frozen=True)
class RetrievalCheck:
    """A query whose top `within` search results must include every expected file and no absent one (`aac check`)."""

    query: str
    expect: tuple[str, ...]  # repository paths
    within: int = 3
    line: int = 0  # where the check starts in its manifest, or its line in `path`
    absent: tuple[str, ...] = ()  # repository paths that must not come back within the top `within`
    search: Mapping[str, Any] = field(default_factory=dict)  # filters, ranking_options, ...: as the API takes them
    path: str = ""  # the dataset file (`checks_file`) it comes from; "" for the manifest itself


@dataclass(frozen=True)
class EnvValue:
    """A manifest string that names an environment variable (`${env:NAME}`), and what it resolved to.

    Never a secret (secrets come through `*_env` fields, which aac never shows): the plan shows both."""

    address: str  # the object's address: assistant.NAME, ...
    field: str  # dotted path in the manifest: model, tools[0].server_url
    variable: str
    value: str


@dataclass(frozen=True)
class DesiredState:
    stack: str
    specs: Mapping[str, Mapping[str, Any]]  # kind name -> key -> spec (an assistant's own store among the stores)
    files: Mapping[str, LocalFile]  # every path a spec references, by path
    manifest_digest: str  # "sha256:<hex>" over the stack file, manifests and referenced schemas
    env_values: tuple[EnvValue, ...] = ()  # the values the manifests took from the environment, in file order

    def of(self, kind: str) -> Mapping[str, Any]:
        """The specs of a kind, by key."""
        return self.specs.get(kind, {})

    # The kinds the file and store engines work with by name.
    @property
    def assistants(self) -> Mapping[str, Any]:
        return self.of(ASSISTANT)

    @property
    def vector_stores(self) -> Mapping[str, Any]:
        return self.of(VECTOR_STORE)


@dataclass(frozen=True)
class LiveFile:
    id: str
    filename: str
    bytes: int
    created_at: int
    purpose: str
    sha256: str | None  # from this stack's content-addressed filename; None for anyone else's upload
    raw: Mapping[str, Any] = field(default_factory=dict)  # the API object as returned


@dataclass(frozen=True)
class LiveVectorStoreFile:
    file_id: str
    status: str  # in_progress | completed | failed | cancelled
    usage_bytes: int
    attributes: Mapping[str, Any]
    last_error: Mapping[str, Any] | None = None
    chunking: Mapping[str, Any] | None = None  # the strategy the API reports the file was chunked with
    raw: Mapping[str, Any] = field(default_factory=dict)  # the API object as returned


@dataclass(frozen=True)
class LiveVectorStore:
    id: str
    key: str
    raw: Mapping[str, Any]  # the API object as returned
    files: tuple[LiveVectorStoreFile, ...] = ()
    unread: int = 0  # files its own file_counts.total has that its listing did not return (an incomplete read)


@dataclass(frozen=True)
class LiveObject:
    """A live object this stack owns: an assistant, agent, vault or credential."""

    id: str
    key: str
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class LiveState:
    """What this stack owns on the target, keyed like DesiredState."""

    objects: Mapping[str, Mapping[str, Any]]  # kind name -> key -> live object (LiveObject or a richer one)
    files: Mapping[str, LiveFile]  # this stack's uploads, by file id
    # Kinds whose API the target does not serve: "assistant" where /v1/assistants answers 404 (OpenAI since
    # 2026-08-26), "agent", "vault" and "credential" where /v1/agents does (llama-stack, ogx).
    unavailable: frozenset[str] = frozenset()
    foreign: Mapping[str, int] = field(default_factory=dict)  # counts of objects other stacks or nobody own
    # Kind name -> the ids of its objects other stacks or nobody own: a kind whose id is a name it derives
    # (a Foundry prompt agent's) finds out from them that a name it would create is taken.
    foreign_ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    foreign_stores: tuple[Mapping[str, Any], ...] = ()  # vector stores other stacks or nobody own, as listed
    # Upload id, or id of an object of the stack, -> an object not ours that uses (names) it.
    foreign_uses: Mapping[str, str] = field(default_factory=dict)
    # Foreign vector stores whose file list came back short of their own file_counts: any upload may be in them.
    foreign_unread: tuple[str, ...] = ()
    requests: int = 0  # API requests made to read it
    reserved_metadata: frozenset[str] = frozenset(SERVER_METADATA)  # the server's metadata keys
    # Every upload's size by id, this stack's or not: what a file a manifest attaches by id costs to index.
    upload_bytes: Mapping[str, int] = field(default_factory=dict)

    def of(self, kind: str) -> Mapping[str, Any]:
        """The live objects of a kind this stack owns, by key."""
        return self.objects.get(kind, {})

    # The kinds the file and store engines work with by name.
    @property
    def assistants(self) -> Mapping[str, LiveObject]:
        return self.of(ASSISTANT)

    @property
    def vector_stores(self) -> Mapping[str, LiveVectorStore]:
        return self.of(VECTOR_STORE)
