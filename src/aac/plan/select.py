"""`--only ADDRESS` and `--replace ADDRESS`: a plan about some objects, or a rebuild nothing else asks for.

The rule of `--only`: an object, plus everything it names, transitively (the store an assistant searches,
the credential an agent's tool uses and that credential's vault), plus its own content (a store's
attachments and the uploads they need, an assistant's code-interpreter files). Under `--destroy` it is the
other way round: an object, its content, and everything that names it, since those would break without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from aac.errors import AacError, did_you_mean
from aac.kinds import BY_NAME, KINDS
from aac.kinds.base import Rebuilds, refs
from aac.model.plan import Change, Plan
from aac.resources import CREDENTIAL, FILE, VAULT, VECTOR_STORE, VECTOR_STORE_FILE, DesiredState, LiveState

# "as plans print them", not "as `aac plan` prints them": a hint's `aac plan` is made the command the user ran
EXAMPLE = "addresses are written as plans print them: vector_store.kb, credential.VAULT/NAME"


def check_addresses(option: str, addresses: Iterable[str], desired: DesiredState, live: LiveState) -> None:
    """Raise for an address that names no object the manifests declare or the stack owns live."""
    known = sorted({kind.address(key) for kind in KINDS
                    for key in (*kind.desired(desired), *kind.live(live))})
    for address in addresses:
        if address not in known:
            raise AacError(f"{option} {address}: no object of this stack has this address",
                           did_you_mean(address, known) or EXAMPLE)


def check_replaceable(addresses: Iterable[str]) -> None:
    """Raise for an object of a kind that is only ever updated in place (an agent, a vault). An address of no
    kind is left to check_addresses, which suggests the address meant."""
    for address in addresses:
        kind = BY_NAME.get(address.split(".", 1)[0])
        if kind is not None and not isinstance(kind, Rebuilds):
            raise AacError(f"--replace {address}: aac never rebuilds {kind.label}s; it updates them in place",
                           f"remove --replace {address}; to get a new {kind.label}, rename it in its manifest "
                           "(the plan deletes the old one and creates the new one)")


def check_within_only(only: tuple[str, ...], replacing: tuple[str, ...], desired: DesiredState) -> None:
    """Raise for a --replace that --only leaves out: the plan would drop it, and say "No changes." for it."""
    if not only or not replacing:
        return
    keep = _needs(only, desired)
    for address in replacing:
        if address not in keep:
            raise AacError(f"--replace {address} is outside what --only keeps ({', '.join(only)} and what "
                           f"{'it needs' if len(only) == 1 else 'they need'})",
                           f"add --only {address} to plan its rebuild too, or drop --replace {address}")


def only(plan: Plan, addresses: tuple[str, ...], desired: DesiredState) -> Plan:
    """`plan` cut to the objects `addresses` need (see the module's rule), with the warning that it is partial."""
    if not addresses:
        return plan
    keep = _dependents(addresses, desired) if plan.mode == "destroy" else _needs(addresses, desired)
    changes = tuple(c for c in plan.changes if _kept(c, keep))
    left = sum(1 for c in plan.actionable if c not in changes)
    warning = (f"--only: this plan is partial: it holds {', '.join(addresses)} and what "
               f"{'names' if plan.mode == 'destroy' else 'they need'} ({len(keep)} objects), and leaves out "
               f"{left} other change{'' if left == 1 else 's'}; live state may still differ from the manifests. "
               "Use it to repair or try one object, not as the routine way to apply: run `aac plan` for the rest")
    return replace(plan.with_changes(changes), warnings=(*plan.warnings, warning), only=addresses)


def _kept(change: Change, keep: set[str]) -> bool:
    if change.kind == VECTOR_STORE_FILE:  # a store's attachments are its content
        return f"{VECTOR_STORE}.{change.store_key}" in keep or change.address in keep
    return change.address in keep


def _needs(addresses: Iterable[str], desired: DesiredState) -> set[str]:
    return _closure(addresses, lambda address: _named(address, desired))


def _closure(addresses: Iterable[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    """`addresses` and everything `step` leads to from them, transitively."""
    seen: set[str] = set()
    todo = list(addresses)
    while todo:
        address = todo.pop()
        if address not in seen:
            seen.add(address)
            todo += step(address)
    return seen


def _named(address: str, desired: DesiredState) -> list[str]:
    """What the object at `address` names (the kind's refs: a credential its vault), and the uploads its
    content needs."""
    kind_name, _, key = address.partition(".")  # an address not checked yet may have no dot
    if kind_name not in BY_NAME:
        return []
    kind = BY_NAME[kind_name]
    spec = kind.desired(desired).get(key)
    if spec is None:
        return []
    named = [BY_NAME[ref_kind].address(ref_key) for ref_kind, ref_key in refs(kind, spec)]
    return named + [f"{FILE}.{path}" for path in kind.paths(spec)]


def _dependents(addresses: Iterable[str], desired: DesiredState) -> set[str]:
    """For destroy: each object, what names it (transitively), and a vault's credentials (deleted with it)."""
    users: Mapping[str, list[str]] = _users(desired)

    def step(address: str) -> list[str]:
        if not address.startswith(f"{VAULT}."):
            return users.get(address, [])
        vault = address.split(".", 1)[1]
        return [*users.get(address, []),
                *(f"{CREDENTIAL}.{key}" for key in desired.of(CREDENTIAL) if key.split("/")[0] == vault)]

    return _closure(addresses, step)


def _users(desired: DesiredState) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for kind in KINDS:
        for key in kind.desired(desired):
            for named in _named(kind.address(key), desired):
                users.setdefault(named, []).append(kind.address(key))
    return users
