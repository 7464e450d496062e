"""Globs and paths in manifests: expanded relative to the manifest's folder, never outside the repository."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from aac import limits
from aac.manifest.context import LoadContext
from aac.resources import LocalFile


def repo_path(ctx: LoadContext, path: Path) -> str | None:
    """`path` (lexically normalised) relative to the repository, POSIX; None when it lies outside."""
    rel = os.path.relpath(os.path.normpath(path), ctx.root)
    if rel == ".." or rel.startswith("../") or rel.startswith("..\\") or os.path.isabs(rel):
        return None
    return Path(rel).as_posix()


def resolve_reference(ctx: LoadContext, folder: Path, ref: str, where: tuple[str, int]) -> tuple[Path, str] | None:
    """A single path a manifest names (instructions_file, $ref), checked to exist inside the repository."""
    path, line = where
    if os.path.isabs(ref):
        ctx.error(path, line, f"{ref!r} is an absolute path", "write it relative to the manifest's folder")
        return None
    target = Path(os.path.normpath(folder / ref))
    rel = repo_path(ctx, target)
    if rel is None or not _inside(ctx, target):
        ctx.error(path, line, f"{ref!r} leaves the repository", "keep every referenced file inside the repository")
        return None
    if not target.is_file():
        ctx.error(path, line, f"{ref!r} does not exist ({rel})",
                  "check the path: it is relative to the manifest's folder")
        return None
    return target, rel


def expand_globs(
    ctx: LoadContext, folder: Path, patterns: Iterable[str], where: tuple[str, int], tool: str,
    extensions: frozenset[str],
) -> tuple[str, ...]:
    """Every file the patterns match, as sorted unique repository-relative paths, each checked."""
    found: set[str] = set()
    for pattern in patterns:
        found.update(_expand_one(ctx, folder, pattern, where))
    for rel in sorted(found):
        _check_file(ctx, rel, where, tool, extensions)
    return tuple(sorted(found))


def _expand_one(ctx: LoadContext, folder: Path, pattern: str, where: tuple[str, int]) -> set[str]:
    path, line = where
    if os.path.isabs(pattern):
        ctx.error(path, line, f"{pattern!r} is an absolute path", "write globs relative to the manifest's folder")
        return set()
    if repo_path(ctx, folder / pattern) is None:
        ctx.error(path, line, f"{pattern!r} leaves the repository", "keep every attached file inside the repository")
        return set()
    found: set[str] = set()
    for match in glob.glob(os.path.join(glob.escape(str(folder)), pattern), recursive=True):
        candidate = Path(os.path.normpath(match))
        if candidate.is_dir():
            continue
        rel = repo_path(ctx, candidate)
        if rel is None:
            ctx.error(path, line, f"{pattern!r} matches {match}, outside the repository",
                      "keep every attached file inside the repository")
        elif not _inside(ctx, candidate):
            ctx.error(path, line, f"{rel} is a symlink to {candidate.resolve()}, outside the repository",
                      "copy the file into the repository instead of linking to it")
        else:
            found.add(rel)
    if not found:
        folder_rel = repo_path(ctx, folder) or "."
        ctx.error(path, line, f"{pattern!r} matches no file",
                  f"globs are relative to the manifest's folder ({folder_rel}/); check the pattern")
    return found


def _inside(ctx: LoadContext, target: Path) -> bool:
    """True when the file, symlinks followed, is inside the repository."""
    try:
        target.resolve().relative_to(ctx.real_root)
    except ValueError:
        return False
    return True


def _check_file(ctx: LoadContext, rel: str, where: tuple[str, int], tool: str, extensions: frozenset[str]) -> None:
    path, line = where
    suffix = Path(rel).suffix.lower()
    if suffix not in extensions:
        ctx.error(path, line, f"{rel}: {tool} does not accept {suffix or 'files without an extension'}",
                  f"{tool} accepts {', '.join(sorted(extensions))}; convert the file or narrow the glob")
    if rel in ctx.files:
        return
    abspath = ctx.root / rel
    size = abspath.stat().st_size
    if size > limits.FILE_BYTES_MAX:
        ctx.error(path, line, f"{rel} is {size:,} bytes, over the API's {limits.FILE_BYTES_MAX // 2**20} MB per file",
                  "split the file, or leave it out of the manifest")
        return
    if size == 0:  # the API fails indexing an empty file (invalid_file), on every apply
        ctx.error(path, line, f"{rel} is empty (0 bytes); the API cannot index an empty file",
                  "put content in the file, or narrow the glob so it does not match it")
        return
    ctx.files[rel] = LocalFile(path=rel, abspath=abspath, size=size)
