"""How values read in a plan: scalars, sizes, and a structural diff of JSON data.

JSON-valued fields (tools, function parameters, metadata, response_format) are compared
as data, so key order and whitespace are never changes (DESIGN section 7); only the
paths that differ are shown, e.g. `tools[function getWeather].parameters.required`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")  # fullmatch: `$` would let a final \n through


def format_value(value: Any) -> str:
    """A value as it reads in a plan: JSON, compact, keys sorted, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))



def key_segment(key: str) -> str:
    return f".{key}" if _IDENTIFIER.fullmatch(key) else f"[{json.dumps(key, ensure_ascii=False)}]"


@dataclass(frozen=True)
class Leaf:
    """One changed path: `old` is absent for an addition, `new` for a removal."""

    path: str
    old: Any = None
    new: Any = None
    has_old: bool = True
    has_new: bool = True

    @property
    def marker(self) -> str:
        if not self.has_old:
            return "+"
        return "-" if not self.has_new else "~"


def structural_diff(path: str, old: Any, new: Any) -> list[Leaf]:
    """The changed leaves between two JSON values; a missing side counts as empty."""
    if old is None and isinstance(new, (dict, list)):
        old = type(new)()
    if new is None and isinstance(old, (dict, list)):
        new = type(old)()
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return _diff_mappings(path, old, new)
    if isinstance(old, list) and isinstance(new, list):
        return _diff_lists(path, old, new)
    return [] if _same(old, new) else [Leaf(path, old, new)]


def _same(old: Any, new: Any) -> bool:
    # compared as JSON text: key order is not a change, while true -> 1 still is
    return format_value(old) == format_value(new)


def _diff_mappings(path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Leaf]:
    leaves: list[Leaf] = []
    for key in sorted(set(old) | set(new), key=str):
        sub = path + key_segment(str(key))
        if key not in new:
            leaves.append(Leaf(sub, old=old[key], has_new=False))
        elif key not in old:
            leaves.append(Leaf(sub, new=new[key], has_old=False))
        else:
            leaves.extend(structural_diff(sub, old[key], new[key]))
    return leaves


def item_key(item: Any) -> str | None:
    """A readable identity for a list element: `function NAME` (an assistant's tool wraps it, an agent's does
    not), `mcp LABEL`, a tool type, or a `name`."""
    if not isinstance(item, Mapping):
        return None
    kind = item.get("type")
    function = item.get(kind) if isinstance(kind, str) else None
    if isinstance(kind, str) and isinstance(function, Mapping) and isinstance(function.get("name"), str):
        return f"{kind} {function['name']}"
    label = item.get("name") or item.get("server_label")
    if isinstance(kind, str) and isinstance(label, str):
        return f"{kind} {label}"
    if isinstance(kind, str):
        return kind
    name = item.get("name")
    return name if isinstance(name, str) else None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    keys = [item_key(item) for item in items]
    if any(k is None for k in keys) or len(set(keys)) != len(keys):
        return None
    return {str(k): item for k, item in zip(keys, items, strict=True)}


def _unwrap(old: Any, new: Any) -> tuple[Any, Any]:
    """`{"type": "function", "function": {...}}` on both sides: compare the inner objects,
    so paths read `tools[function NAME].parameters`, not `....function.parameters`."""
    kind = old.get("type") if isinstance(old, Mapping) else None
    wrapped = isinstance(new, Mapping) and new.get("type") == kind and set(old) == set(new) == {"type", kind}
    return (old[kind], new[kind]) if wrapped and isinstance(kind, str) else (old, new)


def _diff_lists(path: str, old: list[Any], new: list[Any]) -> list[Leaf]:
    old_keyed, new_keyed = _keyed(old), _keyed(new)
    if old_keyed is not None and new_keyed is not None and (old or new):
        leaves: list[Leaf] = []
        for key in sorted(set(old_keyed) | set(new_keyed)):
            sub = f"{path}[{key}]"
            if key not in new_keyed:
                leaves.append(Leaf(sub, old=old_keyed[key], has_new=False))
            elif key not in old_keyed:
                leaves.append(Leaf(sub, new=new_keyed[key], has_old=False))
            else:
                leaves.extend(structural_diff(sub, *_unwrap(old_keyed[key], new_keyed[key])))
        return leaves
    if len(old) == len(new) and all(isinstance(v, (dict, list)) for v in old + new):
        pairs = enumerate(zip(old, new, strict=True))
        return [leaf for i, (o, n) in pairs for leaf in structural_diff(f"{path}[{i}]", o, n)]
    return [] if _same(old, new) else [Leaf(path, old, new)]
