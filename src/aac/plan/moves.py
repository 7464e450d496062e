"""`moved:` entries applied to live state before the diff: the live object tagged with the old key is keyed
by the new one, so the diff compares it with its renamed manifest (an update at most, never a rebuild), and
apply retags it in place (aac.apply.build). Pure: no I/O.

An entry whose old key is not live is a no-op (it was applied; teams leave entries for a while). A vault's
move carries its credentials, whose keys begin with the vault's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aac.kinds import BY_NAME
from aac.resources import CREDENTIAL, VAULT, LiveState
from aac.stack import Move


@dataclass(frozen=True)
class Moved:
    live: LiveState  # keyed by the new keys
    previous: Mapping[str, str]  # new address -> the address the live object is tagged with now
    warnings: tuple[str, ...] = ()


def apply_moves(live: LiveState, moves: Iterable[Move]) -> Moved:
    previous: dict[str, str] = {}
    warnings: list[str] = []
    rekeyed: dict[str, dict[str, Any]] = {}  # collection -> its objects by key, as the entries so far leave them
    for move in _with_children(live, moves):
        kind = BY_NAME[move.kind]
        present = rekeyed.setdefault(kind.name, dict(kind.live(live)))
        if move.source_key not in present:
            continue
        if move.dest_key in present:
            warnings.append(f"moved: both {move.source} and {move.dest} are live, so the entry is not applied: "
                            f"{move.source} is deleted as no manifest declares it; delete one by hand to keep "
                            "the other")
            continue
        present[move.dest_key] = replace(present.pop(move.source_key), key=move.dest_key)
        previous[move.dest] = move.source
    # One copy of each kind's objects a move touches, not one per entry: a stack file may hold thousands.
    changes: dict[str, Any] = {name: dict(sorted(objects.items())) for name, objects in rekeyed.items()}
    return Moved(replace(live, objects={**live.objects, **changes}), previous, tuple(warnings))


def _with_children(live: LiveState, moves: Iterable[Move]) -> list[Move]:
    """The entries, and for each vault moved, one for each of its live credentials (VAULT/NAME keys)."""
    result = list(moves)
    by_vault: dict[str, list[str]] = {}
    for key in sorted(BY_NAME[CREDENTIAL].live(live)):
        by_vault.setdefault(key.split("/", 1)[0], []).append(key)
    for move in [m for m in result if m.kind == VAULT]:
        result += [Move(f"{CREDENTIAL}.{key}", f"{CREDENTIAL}.{move.dest_key}/{key.split('/', 1)[1]}", move.line)
                   for key in by_vault.get(move.source_key, ())]
    return result
