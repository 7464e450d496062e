"""The checks of aac.yaml's `moved:` entries that need the manifests: where each one points must be declared,
and where it comes from must not be (else the entry would take a declared object's live one away)."""

from __future__ import annotations

from collections.abc import Iterable

from aac.errors import did_you_mean
from aac.kinds import BY_NAME
from aac.manifest.context import LoadContext
from aac.resources import DesiredState
from aac.stack import STACK_FILE, Move


def check_moves(ctx: LoadContext, moves: Iterable[Move], desired: DesiredState) -> None:
    for move in moves:
        declared = BY_NAME[move.kind].desired(desired)
        if move.dest_key not in declared:
            known = [BY_NAME[move.kind].address(key) for key in declared]
            ctx.error(STACK_FILE, move.line, f"moved `to`: no manifest declares {move.dest}",
                      did_you_mean(move.dest, known) or f"declare {move.dest} in a manifest (the renamed "
                      f"`name:`), or remove the entry")
        if move.source_key in declared:
            spec = declared[move.source_key]
            where = f" ({spec.source})" if getattr(spec, "source", None) else ""
            ctx.error(STACK_FILE, move.line, f"moved `from`: {move.source} is still declared by a manifest{where}",
                      f"rename it there to {move.dest_key!r}, or remove the entry: a declared object keeps its "
                      "live one")
