"""The repository's files, read without being fooled: every folder listed, every file stat'ed before it is opened.

A folder that cannot be listed must not look empty (apply would delete what its manifests
declared), and a FIFO matched by a glob must not be opened (the read blocks forever).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

DIRECTORY = "directory"
FILE = "file"

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def unreadable_kind(path: Path) -> str | None:
    """Why a file a user named cannot be read as a document without blocking or hanging (a FIFO, a socket, a
    device), in words; None for a regular file, a folder or a missing path, which the read itself reports."""
    kind = entry_kind(path)
    return kind if kind.startswith("is ") else None


def entry_kind(path: Path) -> str:
    """DIRECTORY, FILE (a regular file aac can open), or why it is neither, in words; opens no FIFO."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be stat'ed: {exc.strerror or exc}"
    except ValueError as exc:  # a name the OS cannot take (a NUL, a lone surrogate)
        return f"has a name that cannot be used: {exc}"
    if stat.S_ISDIR(mode):
        return DIRECTORY
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        return f"is {kind}, not a regular file"
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # a regular file: opening never blocks
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return FILE


def unknown(kind: str) -> bool:
    """True when `entry_kind` could not even tell what the entry is (it may be a folder of manifests)."""
    return kind.startswith(("cannot be stat", "has a name"))


def link_problem(path: Path, real_root: str) -> str | None:
    """Why the symlink at `path` cannot be followed (it dangles, loops, or leaves the repository whose
    real path is `real_root`), in words; None when it can, or when `path` is no symlink."""
    if not os.path.islink(path):
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symlink loop (it resolves to itself)"
        return f"is a symlink to {os.readlink(path)!r}, which does not exist"
    real = os.path.realpath(path)
    if not inside(real, real_root):
        return f"is a symlink to {real}, outside the repository"
    return None


def inside(real: str, real_root: str) -> bool:
    """True when the real path `real` is `real_root` or lies under it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def walk(folder: Path, *, root: Path | None = None,
         depth: int | None = None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every entry under `folder` that is not a folder, and each path that could not be listed or
    stat'ed with why. `depth` levels of sub-folders (None: all).

    With `root` (the repository), a symlinked folder is entered when it resolves inside the repository
    and is not one of its own ancestors; one that leaves the repository or loops is a problem, never a
    skip (what was not read would be planned as deleted). Without `root`, symlinked folders are not
    entered and are returned as entries, as pathlib's rglob does; the caller checks them.
    """
    found: list[Path] = []
    problems: list[tuple[Path, str]] = []
    real_root = os.path.realpath(root) if root is not None else ""
    # Each folder's real path, and those of it and its ancestors in this walk (a link to one is a loop);
    # derived from the parent's, so only a link costs a realpath.
    reals: dict[str, str] = {os.fspath(folder): os.path.realpath(folder)}
    chains: dict[str, frozenset[str]] = {}

    def unlistable(exc: OSError) -> None:
        problems.append((Path(exc.filename or folder), f"cannot be listed: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlistable, followlinks=root is not None):
        here = Path(dirpath)
        if depth is not None and len(here.relative_to(folder).parts) >= depth:
            dirnames.clear()
        found.extend(here / name for name in filenames)
        links = [d for d in dirnames if (here / d).is_symlink()]
        if root is None:
            found.extend(here / name for name in links)  # not entered; still checked by the caller
            dirnames[:] = [d for d in dirnames if d not in links]
            continue
        chains[dirpath] = chains.get(os.path.dirname(dirpath), frozenset()) | {reals[dirpath]}
        for name in list(dirnames):
            why = _enter(dirpath, name, name in links, real_root, reals, chains[dirpath])
            if why is not None:
                problems.append((here / name, why))
                dirnames.remove(name)
    return sorted(found), problems


def _enter(dirpath: str, name: str, link: bool, real_root: str, reals: dict[str, str],
           chain: frozenset[str]) -> str | None:
    """Why the walk must not enter the sub-folder `name` of `dirpath` (None: it may), recording its real path."""
    child = os.path.join(dirpath, name)
    if not link:
        reals[child] = os.path.join(reals[dirpath], name)
        return None
    why = link_problem(Path(child), real_root)
    target = reals[child] = os.path.realpath(child)
    if why is None and (target in chain or inside(reals[dirpath], target)):
        why = f"is a symlink loop: it points back to {target}, a folder it is in"
    return why
