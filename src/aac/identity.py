"""How a manifest finds its live object (DESIGN section 5): tags, file names, hashes.

Assistants and vector stores carry tags in `metadata`. Files carry no metadata, so an
upload's identity is its content: the SHA-256 sits in the uploaded filename
(`aac.{stack}.{sha256}.{basename}`, the basename last so the API still sees the
extension) and in the attributes of every vector-store attachment.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from aac.errors import AacError
from aac.resources import (
    ATTR_PATH,
    ATTR_SHA256,
    MANAGED_BY,
    TAG_KEY,
    TAG_MANAGED_BY,
    TAG_PROTECT,
    TAG_SPEC,
    TAG_STACK,
    LocalFile,
)

CHUNK = 1024 * 1024  # hash in 1 MiB reads: a 500 MB file hashes in flat memory
ATTR_VALUE_MAX = 512
_SHA = re.compile(r"[0-9a-f]{64}")
# Volatile fields change without anyone touching the object (indexing, activity,
# expiry), so a saved plan must not go stale on them.
VOLATILE = frozenset(
    {"last_active_at", "usage_bytes", "file_counts", "status", "status_details", "expires_at", "last_error"}
)


def upload_filename(stack: str, sha256: str, path: str) -> str:
    return f"aac.{stack}.{sha256}.{PurePosixPath(path).name}"


def parse_upload_filename(filename: str, stack: str) -> str | None:
    """The SHA-256 when `filename` is this stack's upload, else None.

    Unambiguous with dotted stack names: the exact prefix, then exactly 64 hex, then a dot.
    """
    prefix = f"aac.{stack}."
    if not filename.startswith(prefix):
        return None
    rest = filename[len(prefix):]
    sha = rest[:64]
    if len(rest) > 65 and rest[64] == "." and _SHA.fullmatch(sha):
        return sha
    return None


def matches_size(sha256: str, size: Any, sizes: Mapping[str, int]) -> bool:
    """False for an upload named for bytes the stack holds whose `bytes` say otherwise: someone else's file
    under this stack's content-addressed name (planted before the first apply), never trusted to hold them."""
    return sha256 not in sizes or not isinstance(size, int) or sizes[sha256] == size


def upload_basename(filename: str) -> str:
    """The original basename of an upload named by upload_filename."""
    parts = filename.split(".")
    for index, part in enumerate(parts):
        if _SHA.fullmatch(part):
            return ".".join(parts[index + 1:])
    return filename


def tags(stack: str, key: str, spec_hash: str, *, protect: bool = False) -> dict[str, str]:
    """The metadata tags an owned object carries, written in the create call itself."""
    result = {TAG_MANAGED_BY: MANAGED_BY, TAG_STACK: stack, TAG_KEY: key, TAG_SPEC: spec_hash}
    if protect:
        result[TAG_PROTECT] = "true"
    return result


def owner_of(metadata: Mapping[str, Any] | None) -> tuple[str, str, str] | None:
    """(stack, key, spec_hash) of a tagged object; None when no tool owns it."""
    if not metadata or metadata.get(TAG_MANAGED_BY) != MANAGED_BY:
        return None
    stack, key = metadata.get(TAG_STACK), metadata.get(TAG_KEY)
    if not isinstance(stack, str) or not isinstance(key, str) or not stack or not key:
        return None
    spec = metadata.get(TAG_SPEC)
    return stack, key, spec if isinstance(spec, str) else ""


def is_protected(metadata: Mapping[str, Any] | None) -> bool:
    """True when the object was created (or last updated) from a manifest with `protect: true`."""
    return metadata is not None and str(metadata.get(TAG_PROTECT, "")).lower() == "true"


def file_attributes(sha256: str, path: str) -> dict[str, str]:
    """Attributes written on every vector-store attachment the stack makes."""
    return {ATTR_SHA256: sha256, ATTR_PATH: path[:ATTR_VALUE_MAX]}


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_hash(canonical: Mapping[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


def fingerprint(raw: Mapping[str, Any]) -> str:
    """A live object's fingerprint: what a user can change, not what the server updates by itself."""
    stable = {k: v for k, v in raw.items() if k not in VOLATILE and v is not None}
    return spec_hash(stable)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise AacError(f"cannot read {path}: {exc.strerror}", "check that the file exists and is readable") from exc
    return digest.hexdigest()


def hash_files(files: Mapping[str, LocalFile], cache_path: Path, *, workers: int = 4) -> dict[str, str]:
    """SHA-256 of every file by path; unchanged files (path, size, mtime_ns) come from the cache."""
    cache = _load_cache(cache_path)
    result: dict[str, str] = {}
    todo: dict[str, tuple[LocalFile, int, int]] = {}
    for path, local in files.items():
        stamp = _stat(local)
        entry = cache.get(path)
        if isinstance(entry, dict) and [entry.get("size"), entry.get("mtime_ns")] == list(stamp):
            result[path] = str(entry.get("sha256"))
        else:
            todo[path] = (local, *stamp)
    if todo:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            shas = pool.map(lambda item: sha256_file(item[0].abspath), todo.values())
            for (path, (_, size, mtime)), sha in zip(todo.items(), shas, strict=True):
                result[path] = sha
                cache[path] = {"size": size, "mtime_ns": mtime, "sha256": sha}
        _save_cache(cache_path, {p: cache[p] for p in sorted(cache) if p in files})
    return result


def _stat(local: LocalFile) -> tuple[int, int]:
    try:
        stat = local.abspath.stat()
    except OSError as exc:
        raise AacError(f"cannot read {local.path}: {exc.strerror}", "check that the file exists") from exc
    return stat.st_size, stat.st_mtime_ns


def _load_cache(cache_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(cache_path: Path, cache: Mapping[str, Any]) -> None:
    """Write atomically; a cache that cannot be written only costs rereading next time."""
    try:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_path.parent, prefix=".hashes.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(cache, handle, indent=1, sort_keys=True)
        os.replace(tmp, cache_path)
    except OSError:
        return


def owned_key(metadata: Mapping[str, Any] | None, stack: str) -> str | None:
    """The key of an object this stack owns, else None (another stack's, or nobody's)."""
    owner = owner_of(metadata)
    return owner[1] if owner is not None and owner[0] == stack else None


def first(objects: Iterable[Any]) -> Any:
    """The first of an `order=asc` list: the oldest, in the server's own order within a second.

    The rule converge.py keeps too, so a recovered create and a deduplication agree.
    """
    return next(iter(objects), None)
