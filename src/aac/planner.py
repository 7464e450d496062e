"""Make a plan: load the manifests, hash their files, read live state, diff.

The apply command builds on this: `make_plan` is the one way to get a plan from a
stack and a connected target, so a plan shown and a plan applied are made alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from aac.api.errors import AssistantsUnavailable
from aac.diff import diff
from aac.identity import hash_files
from aac.live import read_live
from aac.output import Output
from aac.plan import Plan
from aac.resources import DesiredState, LiveState
from aac.stack import Stack, Target

if TYPE_CHECKING:
    from aac.api.connect import Api

HASH_CACHE = ".aac/hashes.json"


@dataclass(frozen=True)
class Planned:
    plan: Plan
    desired: DesiredState
    live: LiveState
    hashes: dict[str, str]  # repository path -> sha256 hex, for every file the manifests reference


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_plan(stack: Stack, target: Target, api: Api, out: Output, *, destroy: bool = False,
              now: str | None = None, parallelism: int = 8, desired: DesiredState | None = None) -> Planned:
    """The plan for `stack` on `target`; `desired` when the caller already validated the manifests."""
    from aac.manifest import require_valid

    desired = desired or require_valid(stack, out)
    hashes = hash_files(desired.files, stack.root / HASH_CACHE)
    live = read_live(api.reader(), stack.name, parallelism=parallelism)
    if desired.assistants and not live.assistants_supported and not destroy:
        raise AssistantsUnavailable(api.base_url)
    plan = diff(desired, hashes, live, target=target.name, now=now or utc_now(), destroy=destroy)
    return Planned(plan=plan, desired=desired, live=live, hashes=hashes)
