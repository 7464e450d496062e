"""Globs and paths in manifests: expanded relative to the manifest's folder, never outside the repository."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from aac import limits
from aac.errors import closest, suggestion
from aac.manifest.context import LoadContext
from aac.manifest.fs import DIRECTORY, FILE, entry_kind, walk
from aac.resources import LocalFile


def repo_path(ctx: LoadContext, path: Path) -> str | None:
    """`path` (lexically normalised) relative to the repository, POSIX; None when it lies outside."""
    normal = os.path.normpath(path)
    prefix = str(ctx.root) + os.sep
    if normal.startswith(prefix) and os.path.isabs(normal):  # the common case, without relpath's work
        return Path(normal[len(prefix):]).as_posix()
    rel = os.path.relpath(normal, ctx.root)
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
    kind = entry_kind(target)
    if kind != FILE:
        missing = not os.path.lexists(target)
        meant = _meant(ctx, folder, ref) if missing else None
        ctx.error(path, line, f"{ref!r} does not exist ({rel})" if missing else f"{ref!r} ({rel}) {kind}",
                  (f"{suggestion(meant)} (paths are relative to the manifest's folder)" if meant else
                   "check the path: it is relative to the manifest's folder") if missing
                  else "point it at a regular, readable file")
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
    # A folder below the first one the glob lists may be hidden; the first one hides only when nothing matched.
    deep = len(Path(pattern).parts) > 1 and any(glob.has_magic(p) for p in Path(pattern).parts[:-1])
    if deep or "**" in pattern:
        _check_listable(ctx, folder, pattern, where)
    # `..` taken lexically, from the folder the manifest is read from (as $ref and instructions_file are),
    # not from where a symlinked folder on the way really is: moving a folder behind a link changes nothing.
    for match in glob.glob(os.path.normpath(os.path.join(glob.escape(str(folder)), pattern)), recursive=True):
        candidate = Path(os.path.normpath(match))
        kind = entry_kind(candidate)
        loop = _symlink_loop(ctx, candidate) if "**" in pattern else None  # only `**` follows links down
        if kind == DIRECTORY:
            continue
        rel = repo_path(ctx, candidate)
        if loop is not None:
            ctx.error(path, line, f"{pattern!r} goes round a symlink loop at {loop}",
                      "remove the link to its own parent folder, or narrow the glob")
        elif kind != FILE:
            ctx.error(path, line, f"{pattern!r} matches {rel or match}, which {kind}",
                      "attach regular, readable files only: fix the file or narrow the glob")
        elif rel is None:
            ctx.error(path, line, f"{pattern!r} matches {match}, outside the repository",
                      "keep every attached file inside the repository")
        elif not _inside(ctx, candidate):
            ctx.error(path, line, f"{rel} is a symlink to {candidate.resolve()}, outside the repository",
                      "copy the file into the repository instead of linking to it")
        else:
            found.add(rel)
    if not found and not deep and "**" not in pattern:
        _check_listable(ctx, folder, pattern, where)
    if not found:
        folder_rel = repo_path(ctx, folder) or "."
        meant = _meant(ctx, folder, pattern)
        ctx.error(path, line, f"{pattern!r} matches no file",
                  f"{suggestion(meant)} (globs are relative to the manifest's folder, {folder_rel}/)" if meant
                  else f"globs are relative to the manifest's folder ({folder_rel}/); check the pattern")
    return found


def _meant(ctx: LoadContext, folder: Path, pattern: str) -> str | None:
    """The path or glob a writer most likely meant by one that names nothing: each folder or file name
    (up to the first wildcard) that does not exist replaced by the closest name beside it, and a glob's
    extension by the closest one its folder holds. None unless the result names a file in the repository."""
    parts = list(Path(pattern).parts)
    here = folder
    for index, part in enumerate(parts):
        if glob.has_magic(part):
            parts[index:] = _meant_tail(here, parts[index:])
            break
        if not os.path.lexists(here / part):
            names = _names(here)
            meant = closest(part, names)
            if meant is None:
                return None
            parts[index] = meant
        here = here / parts[index]
    candidate = Path(*parts).as_posix() if parts else pattern
    return candidate if candidate != pattern and _names_a_file(ctx, folder, candidate) else None


def _meant_tail(folder: Path, parts: list[str]) -> list[str]:
    """The wildcard part of a glob, its last name's extension (`*.cvs`) replaced by the closest one of the
    files below `folder` (all of them for `**`)."""
    last = parts[-1]
    stem, dot, extension = last.rpartition(".")
    if not dot or glob.has_magic(extension):
        return parts
    found = walk(folder, depth=None if "**" in parts else len(parts) - 1)[0] if folder.is_dir() else []
    meant = closest(extension, sorted({p.suffix[1:] for p in found if p.suffix}))
    return parts if meant is None else [*parts[:-1], f"{stem}.{meant}"]


def _names(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:  # a folder that cannot be listed: no suggestion, the error says the path names nothing
        return []


def _names_a_file(ctx: LoadContext, folder: Path, candidate: str) -> bool:
    """True when `candidate` (relative to `folder`) is, or as a glob matches, a readable file in the repository."""
    matches = glob.glob(os.path.join(glob.escape(str(folder)), candidate), recursive=True)
    for match in matches[:100]:  # the first files a broad glob yields are enough to tell
        target = Path(os.path.normpath(match))
        if entry_kind(target) == FILE and repo_path(ctx, target) is not None and _inside(ctx, target):
            return True
    return False


def _check_listable(ctx: LoadContext, folder: Path, pattern: str, where: tuple[str, int]) -> None:
    """A folder the glob would search but cannot list is an error, not "no files there"."""
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    rest = parts[fixed:]
    depth = None if "**" in rest else max(len(rest) - 1, 0)
    base = Path(os.path.normpath(folder.joinpath(*parts[:fixed]))) if fixed < len(parts) else None
    if base is None or not base.is_dir():
        return
    for unlisted, why in walk(base, depth=depth)[1]:
        ctx.error(*where, f"{pattern!r} searches {repo_path(ctx, unlisted) or unlisted}, which {why}",
                  "make the folder readable (or narrow the glob): aac cannot tell which files it holds")


def _symlink_loop(ctx: LoadContext, candidate: Path) -> str | None:
    """The folder link on `candidate`'s path that points back to one of its own ancestors (`**` follows
    links, so `sub/loop -> ..` yields sub/loop/sub/loop/... until the OS gives up)."""
    for folder in candidate.parents:
        if folder == ctx.root or ctx.root not in folder.parents:
            return None
        if folder.is_symlink():
            target = folder.resolve()
            if target == folder.parent.resolve() or target in folder.parent.resolve().parents:
                return repo_path(ctx, folder)
    return None


def _inside(ctx: LoadContext, target: Path) -> bool:
    """True when the file, symlinks followed, is inside the repository."""
    if os.path.islink(target):
        real = os.path.realpath(target)
    else:  # many files share a folder, and resolving one costs an lstat per path component
        folder = ctx.real_folders.get(target.parent) or ctx.real_folders.setdefault(
            target.parent, os.path.realpath(target.parent))
        real = os.path.join(folder, target.name)
    return real == str(ctx.real_root) or real.startswith(str(ctx.real_root) + os.sep)


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
