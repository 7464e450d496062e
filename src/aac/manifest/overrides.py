"""Per-target values: a manifest's `overrides:`, merged over the document for the target being loaded.

The merge is a JSON merge patch (RFC 7386): mappings merge key by key, anything else (a list, a string,
a number) replaces what the document says, and `null` removes the key, so a target can fall back to the
server's default. Line numbers follow the values: a value an override wrote is located in the override.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from aac.manifest.context import LoadContext
from aac.manifest.schema import suggest
from aac.manifest.yaml_load import Document, PathKey
from aac.stack import STACK_FILE

OVERRIDES = "overrides"
IDENTITY = ("kind", "name", OVERRIDES)  # what makes the object the same one on every target, and no nesting


def for_target(ctx: LoadContext, doc: Document, targets: Collection[str], target: str | None) -> Document:
    """`doc` as `target` sees it: its valid override for `target` merged in, and `overrides` itself gone.

    Every problem of the overrides is reported whatever the target, so each load reports them alike.
    """
    if not isinstance(doc.data, dict) or OVERRIDES not in doc.data:
        return doc
    patches = _valid_patches(ctx, doc, targets)
    data = {key: value for key, value in doc.data.items() if key != OVERRIDES}
    lines = {path: line for path, line in doc.lines.items() if path[:1] != (OVERRIDES,)}
    patch = patches.get(target) if target is not None else None
    if patch:
        data = copy.deepcopy(data)
        _merge(data, patch, (), lines, _Source(doc.lines, (OVERRIDES, target)))
    return Document(doc.path, doc.index, doc.line, data, lines)


def _valid_patches(ctx: LoadContext, doc: Document, targets: Collection[str]) -> dict[str, dict[str, Any]]:
    """The overrides by target, without the ones that are wrong (each reported)."""
    overrides = doc.data[OVERRIDES]
    if not isinstance(overrides, dict):
        ctx.error(doc.path, doc.line_of(OVERRIDES), "`overrides` must be a mapping of target name to the fields "
                  "that differ there", "write `overrides: {prod: {model: gpt-4o}}` (targets are in aac.yaml)")
        return {}
    patches: dict[str, dict[str, Any]] = {}
    for name, patch in overrides.items():
        line = doc.line_of(OVERRIDES, name)
        if name not in targets:
            ctx.error(doc.path, line, f"`overrides` names target {name!r}, which {STACK_FILE} does not have",
                      suggest(str(name), sorted(targets)) if targets else f"add it under `targets:` in {STACK_FILE}")
        elif not isinstance(patch, dict):
            ctx.error(doc.path, line, f"`overrides.{name}` must be a mapping of the fields that differ on {name}",
                      "write the fields as in the manifest itself, for example `model: gpt-4o`")
        elif _identity_problems(ctx, doc, name, patch):
            continue
        else:
            patches[name] = patch
    return patches


def _identity_problems(ctx: LoadContext, doc: Document, target: str, patch: dict[str, Any]) -> bool:
    found = [key for key in IDENTITY if key in patch]
    for key in found:
        ctx.error(doc.path, doc.line_of(OVERRIDES, target, key),
                  f"`overrides.{target}` sets `{key}`, which no override may change",
                  "an override changes values, not which object this is: `kind` and `name` are its identity on "
                  "every target (a different object per target is a manifest of its own)" if key != OVERRIDES else
                  "write every target's values directly under the document's own `overrides`")
    return bool(found)


@dataclass(frozen=True)
class _Source:
    """Where the override's values sit in the file: the document's lines, and the override's path in them."""

    lines: Mapping[PathKey, int]
    prefix: PathKey  # ("overrides", TARGET)

    def line(self, path: PathKey) -> int | None:
        return self.lines.get((*self.prefix, *path))

    def subtree(self, path: PathKey) -> dict[PathKey, int]:
        """The lines of the override's value at `path`, keyed by the document's own paths."""
        full = (*self.prefix, *path)
        return {(*path, *key[len(full):]): line for key, line in self.lines.items() if key[:len(full)] == full}


def _merge(data: dict[str, Any], patch: dict[str, Any], at: PathKey, lines: dict[PathKey, int],
           source: _Source) -> None:
    """Merge `patch` into `data` in place (RFC 7386), keeping `lines` in step with the values."""
    for key, value in patch.items():
        path = (*at, key)
        if isinstance(value, dict):
            if not isinstance(data.get(key), dict):  # a mapping over a scalar or list replaces it
                _forget(lines, path)
                data[key] = {}
            lines[path] = source.line(path) or lines.get(path, 0)
            _merge(data[key], value, path, lines, source)
            continue
        _forget(lines, path)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
            lines.update(source.subtree(path))


def _forget(lines: dict[PathKey, int], path: PathKey) -> None:
    """Drop the lines of the document's value at `path`: it no longer applies, so no error may point there."""
    for stale in [p for p in lines if p[:len(path)] == path]:
        del lines[stale]
