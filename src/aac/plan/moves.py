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

from aac.kinds import BY_NAME, Kind
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
    for move in _with_children(live, moves):
        kind = BY_NAME[move.kind]
        present = kind.live(live)
        if move.source_key not in present:
            continue
        if move.dest_key in present:
            warnings.append(f"moved: both {move.source} and {move.dest} are live, so the entry is not applied: "
                            f"{move.source} is deleted as no manifest declares it; delete one by hand to keep "
                            "the other")
            continue
        live = _rekey(live, kind, present, move)
        previous[move.dest] = move.source
    return Moved(live, previous, tuple(warnings))


def _with_children(live: LiveState, moves: Iterable[Move]) -> list[Move]:
    """The entries, and for each vault moved, one for each of its live credentials (VAULT/NAME keys)."""
    result = list(moves)
    for move in list(result):
        if move.kind != VAULT:
            continue
        for key in sorted(BY_NAME[CREDENTIAL].live(live)):
            vault, name = key.split("/", 1)
            if vault == move.source_key:
                result.append(Move(f"{CREDENTIAL}.{key}", f"{CREDENTIAL}.{move.dest_key}/{name}", move.line))
    return result


def _rekey(live: LiveState, kind: Kind, present: Mapping[str, Any], move: Move) -> LiveState:
    objects = {key: obj for key, obj in present.items() if key != move.source_key}
    objects[move.dest_key] = replace(present[move.source_key], key=move.dest_key)
    changes: dict[str, Any] = {kind.collection: dict(sorted(objects.items()))}
    return replace(live, **changes)
