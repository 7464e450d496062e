"""The repository's files, read without being fooled: every folder listed, every file stat'ed before it is opened.

A folder that cannot be listed must not look empty (apply would delete what its manifests
declared), and a FIFO matched by a glob must not be opened (the read blocks forever).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIRECTORY = "directory"
FILE = "file"

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


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


def walk(folder: Path, *, depth: int | None = None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every entry under `folder` that is not a folder, and each path that could not be listed or
    stat'ed with why. `depth` levels of sub-folders (None: all); symlinked folders are not entered."""
    found: list[Path] = []
    problems: list[tuple[Path, str]] = []

    def unlistable(exc: OSError) -> None:
        problems.append((Path(exc.filename or folder), f"cannot be listed: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlistable):
        here = Path(dirpath)
        if depth is not None and len(here.relative_to(folder).parts) >= depth:
            dirnames.clear()
        found.extend(here / name for name in filenames)
        for name in [d for d in dirnames if (here / d).is_symlink()]:
            found.append(here / name)  # not entered, as pathlib's rglob does not; still checked by the caller
    return sorted(found), problems
