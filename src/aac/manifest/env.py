"""Values from the environment: `${env:NAME}` inside a manifest string, resolved when the manifests load.

A string may hold any number of references, among other text; `$${env:NAME}` is the literal text
`${env:NAME}`. Mapping keys are never resolved, nor `kind` and `name` (the object's identity, which
plans, tags and moves rely on), nor a secret field: a secret comes through its `*_env` field, which aac
never shows, while a resolved value is plain configuration that every plan prints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.manifest.context import LoadContext
from aac.manifest.schema import dotted
from aac.manifest.yaml_load import Document, PathKey
from aac.resources import SECRET_SUFFIX, EnvValue
from aac.secrets import SECRET_FIELDS, token_in
from aac.stack import ENV_NAME

MARK = "${env:"
# `$${env:` is an escape; `${env:NAME}` a reference (the `}` optional here, so a missing one is reported).
_REFERENCE = re.compile(r"\$\$\{env:|\$\{env:([^}]*)(\}?)")
_IDENTITY = (("kind",), ("name",))


@dataclass
class Resolution:
    """What resolving one document found: the values taken, and the lines left unresolved (validate only)."""

    values: list[EnvValue] = field(default_factory=list)
    unresolved: set[tuple[str, int]] = field(default_factory=set)  # (path, line) of a value naming an unset variable


def resolve(ctx: LoadContext, doc: Document, environ: Mapping[str, str], offline: bool,
            found: Resolution) -> Document:
    """`doc` with every reference replaced by its variable's value.

    An unset variable is an error, except `offline` (`aac validate`, which checks every target with the
    variables of the machine it runs on): there it is a warning, the string stays as written, and problems
    located on its line are not reported, since they are about a value validate does not know.
    """
    if not isinstance(doc.data, dict) or not _mentions(doc.data):
        return doc
    address = f"{doc.data.get('kind')}.{doc.data.get('name')}"
    walk = _Walk(ctx, doc, environ, offline, found, address)
    return Document(doc.path, doc.index, doc.line, walk.value(doc.data, ()), doc.lines)


def _mentions(value: Any) -> bool:
    if isinstance(value, str):
        return "{env:" in value
    if isinstance(value, dict):
        return any(_mentions(v) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v) for v in value)
    return False


@dataclass(frozen=True)
class _Walk:
    ctx: LoadContext
    doc: Document
    environ: Mapping[str, str]
    offline: bool
    found: Resolution
    address: str

    def value(self, value: Any, path: PathKey) -> Any:
        if isinstance(value, dict):
            resolved = {}
            for key, item in value.items():
                if isinstance(item, str) and _REFERENCE.search(item) and self._refused(path, key):
                    continue  # reported; dropped, so the schema does not report the same mistake again
                resolved[key] = self.value(item, (*path, key))
            return resolved
        if isinstance(value, list):
            return [self.value(item, (*path, index)) for index, item in enumerate(value)]
        if isinstance(value, str) and "{env:" in value:
            return self._string(value, path)
        return value

    def _refused(self, path: PathKey, key: Any) -> bool:
        """A reference where none may be: identity and secrets (reported here, with the way to do it)."""
        line = self.doc.line_of(*path, key)
        if (*path, key) in _IDENTITY:
            self.ctx.error(self.doc.path, line, f"`{key}` cannot come from the environment: it is the object's "
                           "identity, the same on every target", f"write the {key} itself")
            return True
        if key in SECRET_FIELDS:
            field_name = dotted((*path, key))
            self.ctx.error(self.doc.path, line, f"`{field_name}` is a secret: a value from `${{env:...}}` would be "
                           "shown in every plan", f"write `{key}{SECRET_SUFFIX}: NAME` instead, the variable's "
                           "name alone; aac reads it at apply and never shows it")
            return True
        return False

    def _string(self, text: str, path: PathKey) -> str:
        line = self.doc.line_of(*path)
        field_name = dotted(path)
        unset = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unset
            if match.group(0) == "$${env:":
                return MARK
            name, closed = match.group(1), match.group(2)
            if not closed or not ENV_NAME.fullmatch(name):
                self.ctx.error(self.doc.path, line, f"`{field_name}`: {match.group(0)!r} is not a reference to "
                               "an environment variable", "write ${env:NAME}, NAME a variable's name (letters, "
                               "digits and '_'), or $${env:...} for the text itself")
                return match.group(0)
            if name not in self.environ:
                unset = True
                self._unset(field_name, name, line)
                return match.group(0)
            pasted = token_in(self.environ[name])
            if pasted:  # it would be shown in every plan: refused, and never quoted
                self.ctx.error(self.doc.path, line, f"`{field_name}`: ${{env:{name}}} holds what looks like "
                               f"{pasted}, and a value from the environment is shown in every plan",
                               "a secret goes in a credential's `*_env` field, which aac sends and never shows; "
                               f"if the value of {name} was ever printed or committed, rotate it")
                return match.group(0)
            self.found.values.append(EnvValue(self.address, field_name, name, self.environ[name]))
            self.ctx.digest_inputs[f"{MARK}{name}}}"] = self.environ[name].encode("utf-8", "surrogateescape")
            return self.environ[name]

        resolved = _REFERENCE.sub(replace, text)
        if unset and self.offline:
            self.found.unresolved.add((self.doc.path, line))
        return resolved

    def _unset(self, field_name: str, name: str, line: int) -> None:
        if self.offline:
            self.ctx.warn(self.doc.path, line, f"`{field_name}`: ${{env:{name}}} is not set here, so validate does "
                          "not check this value", f"plan and apply need it: export {name} to check it now")
        else:
            self.ctx.error(self.doc.path, line, f"`{field_name}`: ${{env:{name}}} is not set",
                           f"export {name} before running aac (or write the value in the manifest)")
