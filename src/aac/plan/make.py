"""Make a plan: load the manifests, hash their files, read live state, diff.

The apply command builds on this: `make_plan` is the one way to get a plan from a
stack and a connected target, so a plan shown and a plan applied are made alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from aac.desired import load_desired, require_valid
from aac.drift.scan import changed_outside, drift_report
from aac.errors import AacError, ValidationFailed
from aac.identity import hash_files
from aac.kinds import KINDS
from aac.kinds.base import missing_api
from aac.live import read_live, with_foreign_uses, without_impostors
from aac.model.plan import Action, Plan
from aac.output import Output, plural
from aac.plan.diff import diff
from aac.plan.moves import apply_moves
from aac.plan.select import check_addresses, check_replaceable, check_within_only
from aac.plan.select import only as select_only
from aac.progress import Progress
from aac.resources import FILE, DesiredState, LiveState
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


@contextmanager
def connected(stack: Stack, target: Target, environ: Mapping[str, str], out: Output) -> Iterator[Api]:
    """`connect` for a command that reads live state without planning (`aac output`), with the
    manifests' problems reported before a key or network problem when connecting fails."""
    from aac.api.connect import connect

    try:
        with connect(stack, target, environ, out) as api:
            yield api
    except ValidationFailed:
        raise
    except AacError:
        if any(p.severity == "error" for p in load_desired(stack, target.name, environ, secrets=out.secrets)[1]):
            require_valid(stack, out, target=target.name, environ=environ)
        raise


@contextmanager
def validated(stack: Stack, target: Target, environ: Mapping[str, str],
              out: Output) -> Iterator[tuple[Api, DesiredState]]:
    """The valid manifests and a connection to the target, made side by side; no request before both.

    The manifests load in a thread while the client connects (the embedded sandbox starts, the TLS
    context loads), so validating first costs less. Their problems win over a key or connection
    problem: they are the first thing to fix, and fixing them needs no key.
    """
    from aac.api.connect import connect

    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(require_valid, stack, out, target=target.name, environ=environ)
        try:
            with connect(stack, target, environ, out) as api:
                yield api, loading.result()
        except ValidationFailed:
            raise
        except AacError:
            loading.result()  # raises ValidationFailed when the manifests are invalid
            raise


@contextmanager
def showing_reads(api: Api, out: Output) -> Iterator[None]:
    """Progress while live state is read: a counter of requests on a terminal; in a log, a heartbeat
    on a slow target and one line at the end."""
    progress = Progress.for_output(out)
    start = api.requests
    progress.start("read", "reading", "request")
    api.log.on_answer = lambda: progress.advance("read")
    try:
        yield
        took = progress.phases["read"].elapsed(progress.clock())
        progress.finish("read", f"read live state from {api.target.name}: "
                                f"{plural(api.requests - start, 'request')} in {took:.1f} s")
    finally:
        api.log.on_answer = None
        progress.close()


def make_plan(stack: Stack, target: Target, api: Api, out: Output, *, destroy: bool = False,
              now: str | None = None, parallelism: int = 8, desired: DesiredState | None = None,
              known_files: Mapping[str, list[dict[str, Any]]] | None = None,
              only: tuple[str, ...] = (), replacing: tuple[str, ...] = ()) -> Planned:
    """The plan for `stack` on `target`; `desired` when the caller already validated the manifests, and
    `known_files` the file lists (by store id) of stores not to list again (aac.live.read_snapshot).

    `only` and `replacing`: the addresses of `--only` and `--replace` (aac.plan.select)."""
    if destroy and replacing:
        raise AacError("--replace rebuilds an object, and a destroy plan deletes them all",
                       "drop --replace, or plan without --destroy")
    only, replacing = tuple(dict.fromkeys(only)), tuple(dict.fromkeys(replacing))  # an address given twice is once
    check_replaceable(replacing)
    # No request before the manifests are known to be valid: an invalid stack costs no network.
    desired = desired or require_valid(stack, out, target=target.name)
    check_within_only(only, replacing, desired)
    now = now or utc_now()  # one timestamp, though the plan may be made twice
    # Reading is network-bound, hashing is local: on a fresh checkout (no hash cache) every
    # byte is hashed while the pages arrive.
    with ThreadPoolExecutor(max_workers=1) as pool, showing_reads(api, out):
        reading = pool.submit(read_live, api.reader(), stack.name, parallelism=parallelism, known_files=known_files)
        hashes = hash_files(desired.files, stack.root / HASH_CACHE)
        live = reading.result()
    live = _trusted(live, desired, hashes, out)
    require_apis(live, desired, api.base_url)
    if not destroy:
        require_free(live, desired)
    moved = apply_moves(live, () if destroy else stack.moves)  # destroy deletes by the tags live now
    live = moved.live
    check_addresses("--only", only, desired, live)
    check_addresses("--replace", replacing, desired, live)

    def planned(live: LiveState) -> Plan:
        plan = diff(desired, hashes, live, target=target.name, now=now, destroy=destroy, moved=moved.previous,
                    replacing=replacing)
        plan = replace(plan, warnings=tuple(sorted((*plan.warnings, *moved.warnings))), replacing=replacing)
        return select_only(plan, only, desired)

    plan = planned(live)
    if live.foreign_stores and any(c.kind == FILE and c.action is Action.DELETE for c in plan.changes):
        # An upload is deleted only when no store of someone else's holds it: read those stores now.
        live = with_foreign_uses(api.reader(), live, parallelism=parallelism)
        plan = planned(live)
    # What the read found changed by hand, for readers of the plan (resource_drift): the same read, no request.
    outside = changed_outside(drift_report(desired, hashes, live, target=target.name, now=now))
    return Planned(plan=replace(plan, drift=outside), desired=desired, live=live, hashes=hashes)


def require_apis(live: LiveState, desired: DesiredState, base_url: str) -> None:
    """A kind the target has no API for is an error when the manifests declare one (unless it is
    configuration there, as assistants are after the sunset)."""
    for kind in KINDS:
        error = missing_api(kind, base_url)
        if kind.name in live.unavailable and error is not None and kind.desired(desired):
            raise error


def require_free(live: LiveState, desired: DesiredState) -> None:
    """No object to create takes an identity a live object the stack does not own holds (the kind says)."""
    for kind in KINDS:
        present = kind.live(live)
        for key, spec in sorted(kind.desired(desired).items()):
            error = None if key in present else kind.taken(desired.stack, key, spec, live)
            if error is not None:
                raise error


def _trusted(live: LiveState, desired: DesiredState, hashes: Mapping[str, str], out: Output) -> LiveState:
    """Live state without uploads that only claim, by name, to hold the stack's bytes; each one is said."""
    sizes = {hashes[path]: local.size for path, local in desired.files.items()}
    live, impostors = without_impostors(live, sizes)
    for upload in impostors:
        out.warn(f"{upload.id} is named {upload.filename} but holds {upload.raw.get('bytes')} bytes, not the "
                 f"{sizes[str(upload.sha256)]} of those contents: aac did not make it, and neither uses nor deletes it")
    return live
