"""The stack file, aac.yaml: the stack's name, where its manifests are, and its targets."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aac.errors import AacError, Problem, did_you_mean
from aac.resources import AGENT, ASSISTANT, CREDENTIAL, FILE, VAULT, VECTOR_STORE
from aac.secrets import token_kind, token_problem

STACK_FILE = "aac.yaml"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")  # fullmatch: `$` would let a final \n through
TARGET_TYPES = ("sandbox", "openai", "foundry")
STACK_KEYS = ("stack", "manifests", "default_target", "targets", "moved")
MOVABLE = (VECTOR_STORE, ASSISTANT, AGENT, VAULT, CREDENTIAL)  # what a `moved:` entry can name
TARGET_KEYS = ("type", "path", "base_url", "endpoint", "api_key_env", "organization", "project", "reserved_metadata",
               "keep_versions")
_STRING_KEYS = TARGET_KEYS[1:7]
# A Foundry project is named by its endpoint alone: the other types' fields would be ignored there, so they are refused.
FOUNDRY_FOREIGN = ("path", "base_url", "organization", "project")
# A Foundry project endpoint as the portal shows it; the project name may be `_project`, the default project.
FOUNDRY_HOST = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\.services\.ai\.azure\.com", re.IGNORECASE)
FOUNDRY_PATH = re.compile(r"/api/projects/[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # fullmatch: `$` would let a final \n through


@dataclass(frozen=True)
class Target:
    name: str
    type: str  # "sandbox", "openai" or "foundry"
    path: str | None = None  # sandbox: the SQLite file, relative to the stack root
    base_url: str | None = None
    endpoint: str | None = None  # foundry: the project endpoint, https://ACCOUNT.services.ai.azure.com/api/projects/P
    api_key_env: str | None = None  # the NAME of the variable holding the key; a key never sits in a file
    organization: str | None = None
    project: str | None = None
    reserved_metadata: tuple[str, ...] = ()  # metadata keys the server owns, beyond the ones aac knows
    keep_versions: int | None = None  # foundry: the newest versions of each prompt agent kept after apply; None: all


@dataclass(frozen=True)
class Move:
    """A `moved:` entry: the live object tagged `source` is now the one the manifests call `dest`."""

    source: str  # an address as plans print it: vector_store.kb, credential.VAULT/NAME
    dest: str
    line: int = 0  # where the entry sits in aac.yaml

    @property
    def kind(self) -> str:
        return self.source.split(".", 1)[0]

    @property
    def source_key(self) -> str:
        return self.source.split(".", 1)[1]

    @property
    def dest_key(self) -> str:
        return self.dest.split(".", 1)[1]


@dataclass(frozen=True)
class Stack:
    root: Path
    name: str
    manifests: str  # folder, relative to root
    default_target: str
    targets: Mapping[str, Target]
    moves: tuple[Move, ...] = ()

    @property
    def manifests_dir(self) -> Path:
        return self.root / self.manifests

    def target(self, name: str | None = None) -> Target:
        """The target called `name`, else the default one."""
        chosen = name or self.default_target
        if chosen not in self.targets:
            known = ", ".join(sorted(self.targets)) or "none"
            raise AacError(
                f"there is no target {chosen!r} in {STACK_FILE} (targets: {known})",
                "pick one with --target NAME or AAC_TARGET, or add it under `targets:`",
            )
        return self.targets[chosen]


def find_root(start: Path) -> Path:
    """The nearest folder from `start` upwards that holds aac.yaml (as git finds .git); `start` if none does."""
    for folder in (start, *start.parents):
        if (folder / STACK_FILE).is_file():
            return folder
    return start


def load_stack(root: Path) -> Stack:
    """The stack at `root`; raises AacError naming the first problem of aac.yaml."""
    stack, problems = check_stack(root)
    errors = [p for p in problems if p.severity == "error"]
    if stack is None or errors:
        first = errors[0] if errors else Problem(STACK_FILE, 0, "invalid stack file")
        where = f"{first.path}:{first.line}" if first.line else first.path
        hint = first.hint or f"fix {STACK_FILE}; `aac validate` lists every problem"
        raise AacError(f"{where}: {first.message}", hint)
    return stack


def check_stack(root: Path) -> tuple[Stack | None, list[Problem]]:
    """The stack and every problem of aac.yaml (None when it cannot be used at all)."""
    from aac.manifest.yaml_load import load_file  # here: aac.manifest imports this module

    path = root / STACK_FILE
    if not path.is_file():
        return None, [Problem(STACK_FILE, 0, f"no {STACK_FILE} in {root} or a folder above it",
                              "run aac inside a stack's folder (or pass --chdir DIR), or start one with `aac init`")]
    documents, problems = load_file(path, STACK_FILE)
    if problems:
        return None, problems
    if len(documents) != 1:
        return None, [Problem(STACK_FILE, 0, f"{STACK_FILE} must hold exactly one YAML document",
                              "see docs/manifests.md for the stack file")]
    doc = documents[0]
    lines = doc.lines
    stack = _parse(root, doc.data, lambda *key: lines.get(tuple(key), doc.line), problems)
    return (None if any(p.severity == "error" for p in problems) else stack), problems


def _parse(root: Path, data: Any, line_of: Any, problems: list[Problem]) -> Stack:
    def error(key: tuple[Any, ...], message: str, hint: str) -> None:
        problems.append(Problem(STACK_FILE, line_of(*key), message, hint))

    if not isinstance(data, dict):
        error((), f"{STACK_FILE} must be a mapping", "start it with `stack: NAME` (see docs/manifests.md)")
        data = {}
    _unknown_keys(data, STACK_KEYS, (), "the stack file", error)
    name = data.get("stack")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        error(("stack",), f"`stack` must be a name matching ^{NAME_PATTERN.pattern}$, got {name!r}",
              "name the stack, for example `stack: demo`")
    manifests = data.get("manifests", "assistants")
    if not isinstance(manifests, str) or not manifests or _leaves(Path(manifests)):
        error(("manifests",), f"`manifests` must be a folder inside the stack, got {manifests!r}",
              "write a relative folder, for example `manifests: assistants`")
        manifests = "assistants"
    targets = _targets(data, error)
    default = data.get("default_target") or next(iter(targets), "sandbox")
    if targets and default not in targets:
        error(("default_target",), f"default_target {default!r} is not under `targets`",
              did_you_mean(str(default), targets) or "add it under `targets:` or fix the name")
    moves = _moves(data.get("moved"), error, line_of, problems)
    return Stack(root=root, name=str(name), manifests=manifests, default_target=str(default), targets=targets,
                 moves=moves)


def _moves(raw: Any, error: Any, line_of: Any, problems: list[Problem]) -> tuple[Move, ...]:
    """The `moved:` entries, each checked alone and then against the others (one problem per entry)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        error(("moved",), "`moved` must be a list of `- from: ADDRESS` / `to: ADDRESS` entries",
              "for example `moved: [{from: vector_store.kb, to: vector_store.knowledge}]`")
        return ()
    moves = []
    for index, entry in enumerate(raw):
        move = _move(entry, _located_error(error, ("moved", index)))
        if move is not None:
            moves.append(replace(move, line=line_of("moved", index)))
    return _consistent(moves, lambda move, message, hint: problems.append(
        Problem(STACK_FILE, move.line, message, hint)))


def _move(entry: Any, error: Any) -> Move | None:
    if not isinstance(entry, dict) or set(entry) != {"from", "to"}:
        error("a `moved` entry needs exactly `from:` and `to:`", "write `- from: vector_store.kb` and, "
              "under it, `to: vector_store.knowledge` (addresses as plans print them)")
        return None
    for side in ("from", "to"):
        why = _address_problem(entry[side])
        if why:
            error(f"moved `{side}`: {why[0]}", why[1], side)
            return None
    move = Move(str(entry["from"]), str(entry["to"]))
    if move.kind != move.dest.split(".", 1)[0]:
        error(f"{move.source} cannot move to {move.dest}: a move keeps the kind",
              "an object of another kind is another object: remove the entry, and the plan deletes the old one "
              "and creates the new one")
        return None
    if move.kind == CREDENTIAL and move.source_key.split("/")[0] != move.dest_key.split("/")[0]:
        error(f"{move.source} cannot move to {move.dest}: a credential stays in the vault it was made in (the "
              "API has no call that moves it)", "rename it within its vault, or move the vault itself; to put "
              "it in another vault, remove the entry: the plan creates it there and deletes the old one")
        return None
    return move


def _address_problem(value: Any) -> tuple[str, str] | None:
    """(what is wrong, hint) for a `moved` address, or None."""
    kinds = f"write KIND.NAME with KIND one of {', '.join(MOVABLE)}"
    if not isinstance(value, str) or "." not in value:
        return f"{value!r} is not an address like vector_store.kb", kinds
    kind, key = value.split(".", 1)
    if kind == FILE:
        return ("a file is not moved: its upload is named by its content, so a file moved in the repository is "
                "attached from its new path without being uploaded again",
                "remove the entry; `aac plan` shows the new path as an update of the attachment, no upload")
    if kind not in MOVABLE:
        return f"{kind!r} is not a kind a move can name", did_you_mean(kind, MOVABLE) or kinds
    parts = key.split("/")
    if len(parts) != (2 if kind == CREDENTIAL else 1) or not all(NAME_PATTERN.fullmatch(p) for p in parts):
        shape = "VAULT/NAME" if kind == CREDENTIAL else "NAME"
        return f"{value!r} is not an address", f"write {kind}.{shape}, each name matching ^{NAME_PATTERN.pattern}$"
    return None


def _consistent(moves: list[Move], error: Any) -> tuple[Move, ...]:
    """Without the entries that share a `from` or a `to` with an earlier one, or that chain or cycle.

    Sets, not a scan of the entries kept: a stack file may hold thousands of entries."""
    kept: list[Move] = []
    sources = {m.source for m in moves}
    kept_sources: set[str] = set()
    kept_dests: set[str] = set()
    for move in moves:
        if move.source in kept_sources:
            error(move, f"{move.source} is moved twice", "keep one entry for it: an object has one new name")
        elif move.dest in kept_dests:
            error(move, f"two entries move to {move.dest}", "keep one: two live objects cannot become one")
        elif move.source == move.dest:
            error(move, f"{move.source} is moved to itself", "remove the entry")
        elif move.dest in sources:
            error(move, f"{move.source} -> {move.dest} and {move.dest} is moved again: a chain (or a cycle)",
                  "point every old address straight at the final one, and no entry at an address that moves on")
        else:
            kept.append(move)
            kept_sources.add(move.source)
            kept_dests.add(move.dest)
    return tuple(kept)


def _leaves(folder: Path) -> bool:
    return folder.is_absolute() or ".." in folder.parts


def _targets(data: dict[str, Any], error: Any) -> dict[str, Target]:
    raw = data.get("targets")
    if raw is None:
        return {"sandbox": Target("sandbox", "sandbox", path=".aac/sandbox.db")}
    if not isinstance(raw, dict) or not raw:
        error(("targets",), "`targets` must be a mapping of name to target",
              "see docs/manifests.md for the target fields")
        return {}
    targets: dict[str, Target] = {}
    for key, value in raw.items():
        target = _target(str(key), value, _located_error(error, ("targets", key)))
        if target is not None:
            targets[str(key)] = target
    return targets


def _located_error(error: Any, at: tuple[Any, ...]) -> Any:
    return lambda message, hint, *sub: error((*at, *sub), message, hint)


def _target(name: str, value: Any, error: Any) -> Target | None:
    if not isinstance(value, dict) or value.get("type") not in TARGET_TYPES:
        error(f"target {name!r} needs `type: sandbox`, `type: openai` or `type: foundry`",
              "see docs/manifests.md for the target fields")
        return None
    if "api_key" in value:
        error(f"target {name!r} holds an API key; a key never sits in a file",
              "remove it, and name the variable that holds it instead: `api_key_env: OPENAI_API_KEY`", "api_key")
        return None
    _unknown_keys(value, TARGET_KEYS, (), f"target {name!r}", lambda key, msg, hint: error(msg, hint, *key))
    reserved = _reserved(name, value, error)
    if reserved is None:
        return None
    for key in _STRING_KEYS:
        if key in value and not isinstance(value[key], str):
            error(f"target {name!r}: `{key}` must be a string", "quote the value", key)
            return None
    if not _fields_fit_type(name, value, error) or not _urls_usable(name, value, error) \
            or not _keep_versions_usable(name, value, error):
        return None
    env = value.get("api_key_env")
    pasted = token_kind(env)
    if pasted:  # a key pasted where its variable's name goes: never quoted
        error(*token_problem(f"targets.{name}.api_key_env", pasted), "api_key_env")
        return None
    if env is not None and not ENV_NAME.fullmatch(env):
        error(f"target {name!r}: api_key_env must be the NAME of an environment variable, got a value that is not",
              "write the variable's name, for example `api_key_env: OPENAI_API_KEY`", "api_key_env")
        return None
    kind = value["type"]
    return Target(
        name=name,
        type=kind,
        path=value.get("path") or (".aac/sandbox.db" if kind == "sandbox" else None),
        base_url=value.get("base_url"),
        endpoint=value["endpoint"].rstrip("/") if "endpoint" in value else None,
        # A foundry target without a key variable signs in with Entra ID, so no variable is assumed there.
        api_key_env=env or ("OPENAI_API_KEY" if kind == "openai" else None),
        organization=value.get("organization"),
        project=value.get("project"),
        reserved_metadata=reserved,
        keep_versions=value.get("keep_versions"),
    )


def _keep_versions_usable(name: str, value: dict[str, Any], error: Any) -> bool:
    """`keep_versions`: a foundry target's, a whole number of at least 1."""
    if "keep_versions" not in value:
        return True
    keep = value["keep_versions"]
    if value["type"] != "foundry":
        error(f"target {name!r}: `keep_versions` does not apply to a `type: {value['type']}` target",
              "it prunes a Foundry prompt agent's older versions: use it in a `type: foundry` target",
              "keep_versions")
        return False
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        error(f"target {name!r}: `keep_versions` must be a whole number of at least 1, got {keep!r}",
              "the newest versions of each agent that apply keeps, for example `keep_versions: 5`", "keep_versions")
        return False
    return True


def _fields_fit_type(name: str, value: dict[str, Any], error: Any) -> bool:
    """False (after an error) when a foundry target has another type's field or no endpoint, or another has one."""
    kind = value["type"]
    foreign = [key for key in FOUNDRY_FOREIGN if key in value] if kind == "foundry" else [
        key for key in ("endpoint",) if key in value]
    if foreign:
        hint = ("a Foundry project is named by its `endpoint` alone; aac reaches its files and vector stores at "
                "ENDPOINT/openai/v1" if kind == "foundry" else "`endpoint` names a Foundry project: use it in a "
                "`type: foundry` target (an OpenAI-compatible server's address is `base_url`)")
        error(f"target {name!r}: `{foreign[0]}` does not apply to a `type: {kind}` target", hint, foreign[0])
        return False
    if kind == "foundry" and "endpoint" not in value:
        error(f"target {name!r}: a foundry target needs `endpoint`, the project endpoint", FOUNDRY_ENDPOINT_HINT)
        return False
    return True


def _urls_usable(name: str, value: dict[str, Any], error: Any) -> bool:
    why = url_problem(value["base_url"]) if "base_url" in value else None
    if why is not None:
        error(f"target {name!r}: base_url {shown_url(value['base_url'])} {why}",
              "write it in full, like https://api.openai.com/v1", "base_url")
        return False
    problem = endpoint_problem(value["endpoint"]) if "endpoint" in value else None
    if problem is not None:
        error(f"target {name!r}: endpoint {shown_url(value['endpoint'])} {problem[0]}", problem[1], "endpoint")
        return False
    return True


FOUNDRY_ENDPOINT_HINT = ("copy it from the project's overview in the Foundry portal: "
                         "https://ACCOUNT.services.ai.azure.com/api/projects/PROJECT (for `aac sandbox serve "
                         "--profile foundry`, the http://127.0.0.1:PORT/api/projects/NAME it prints)")


def endpoint_problem(url: str) -> tuple[str, str] | None:
    """(why, hint) when `url` is not a Foundry project endpoint, or None: checked offline, before any request.

    https on Azure's own host, or http on loopback (the sandbox), never http elsewhere: a bearer token or key
    sent in clear text is a key given away."""
    why = url_problem(url)
    if why is not None:
        return why, FOUNDRY_ENDPOINT_HINT
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.query or parts.fragment:
        return "has a query or a fragment", "write the endpoint alone, without `?...` or `#...`"
    if path.endswith("/openai/v1") or path.endswith("/openai"):
        return ("is the OpenAI-compatible address inside the project",
                f"drop the {path[path.rindex('/openai'):]!r}: aac adds it for files and vector stores")
    loopback = (parts.hostname or "") in LOOPBACK_HOSTS
    if not (parts.scheme == "https" and FOUNDRY_HOST.fullmatch(parts.hostname or "")) and not loopback:
        return ("is not on a Foundry host (https://ACCOUNT.services.ai.azure.com)"
                if parts.scheme == "https" else "is plain http, which only a sandbox on this machine may use",
                FOUNDRY_ENDPOINT_HINT)
    if not FOUNDRY_PATH.fullmatch(path):
        return "does not name a project (its path is not /api/projects/PROJECT)", FOUNDRY_ENDPOINT_HINT
    return None


def _reserved(name: str, value: dict[str, Any], error: Any) -> tuple[str, ...] | None:
    """The metadata keys the target's server writes itself; None (after an error) when not a list of keys."""
    reserved = value.get("reserved_metadata", [])
    if isinstance(reserved, list) and all(isinstance(k, str) and k for k in reserved):
        return tuple(reserved)
    error(f"target {name!r}: `reserved_metadata` must be a list of metadata keys",
          "write the keys the server adds to objects itself, for example `reserved_metadata: [provider_id]`",
          "reserved_metadata")
    return None


def url_problem(url: str) -> str | None:
    """Why `url` is not a usable http(s) base URL, or None: checked offline, before any request."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "holds whitespace or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError for a port that is not a number in range
        host = parts.hostname
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "is not an http or https URL"
    if not host:
        return "has no host"
    if "[" in parts.netloc and not _ip_address(host):
        return f"has {host!r} in brackets, which is not an IPv6 address"
    if parts.username is not None or parts.password is not None:
        return "holds credentials; a secret never sits in a file"
    return None if port is None or port > 0 else "has port 0"


def shown_url(url: str) -> str:
    """`url` quoted for a message, unless it may hold credentials (user:password@), which are never echoed."""
    return "(not shown: it holds an @)" if "@" in url else repr(url)


def _ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _unknown_keys(data: dict[str, Any], known: tuple[str, ...], at: tuple[Any, ...], where: str, error: Any) -> None:
    for key in data:
        if key not in known:
            error((*at, key), f"unknown field `{key}` in {where}",
                  did_you_mean(str(key), known) or f"known fields: {', '.join(known)}")
