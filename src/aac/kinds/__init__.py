"""The registry of kinds: every kind of object aac manages, each one unit (aac.kinds.base.Kind).

Listed in dependency order: a kind comes after the kinds its objects name, so the applier creates in
this order and deletes in the reverse one.
"""

from __future__ import annotations

from aac.errors import AacError
from aac.kinds import agent, assistant, credential, environment_template, vault, vector_store
from aac.kinds.base import Kind

KINDS: tuple[Kind, ...] = (vector_store.KIND, assistant.KIND, vault.KIND, credential.KIND, agent.KIND,
                           environment_template.KIND)
BY_NAME = {kind.name: kind for kind in KINDS}

__all__ = ["BY_NAME", "KINDS", "Kind", "kind_of"]


def kind_of(name: str) -> Kind:
    try:
        return BY_NAME[name]
    except KeyError:
        raise AacError(f"unknown kind {name!r}", f"aac knows {', '.join(BY_NAME)}") from None
