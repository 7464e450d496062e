"""The manifest JSON Schema (shipped in the package) and its errors as problems a person can act on."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from aac import limits
from aac.errors import Problem, closest, did_you_mean, suggestion
from aac.manifest.yaml_load import Document
from aac.secrets import SECRET_FIELDS, names_variable, token_kind, token_problem

SCHEMA_FILE = "manifest.schema.json"
# Every `pattern` ends in `$(?!\n)`: jsonschema runs it with Python's re.search, whose `$` also matches before a
# final line feed (`name: "bot\n"` would pass); ECMA's `$` is the true end already, and the lookahead is a no-op.
END_GUARD = "$(?!\\n)"

_NO_AGENT_TOOL = ("file_search", "code_interpreter", "retrieval")
# Tool types a later API renamed: still loaded, under the new name, with a warning (manifest/tools.py); never
# suggested. Assistants v2 (April 2024) replaced v1's retrieval with file_search.
RENAMED = {"retrieval": "file_search"}
_TYPE_WORDS = {"string": "a string", "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "object": "a mapping", "array": "a list", "null": "null"}
_TAKES_WORDS = {**_TYPE_WORDS, "array": "a list (`[a, b]`, or one `- item` a line below it)",
                "object": "a mapping (`{key: value}`, or `key: value` lines indented below it)"}


@functools.cache
def schema_text() -> str:
    """The schema exactly as shipped (what `aac schema` prints and editors read)."""
    return resources.files("aac.manifest").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


# What `kind:` may say: the schema's own list, which each kind's fragment joins (tests/kinds checks it against
# the registry of kinds with a manifest).
KINDS = tuple(sorted(json.loads(schema_text())["properties"]["kind"]["enum"]))


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator({"$defs": _defs(), "$ref": f"#/$defs/{kind}"})


def schema_problems(doc: Document) -> list[Problem]:
    """Everything wrong with one document's shape; an empty list when it fits the schema."""
    data = doc.data
    if not isinstance(data, dict):
        return [Problem(doc.path, doc.line, f"a manifest must be a mapping, not {_type_of(data)}",
                        "start the document with `kind: assistant` or `kind: vector_store`")]
    kind = data.get("kind")
    if kind not in KINDS:
        line = doc.line_of("kind")
        if kind is None:
            return [Problem(doc.path, line, "the document has no `kind`",
                            f"add `kind:` and one of {', '.join(KINDS)}")]
        return [Problem(doc.path, line, f"unknown kind {kind!r}", suggest(str(kind), KINDS))]
    kind = str(kind)
    errors = sorted(_validator(kind).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [problem for error in errors for problem in _problems(doc, kind, error)]


def definition_problems(doc: Document, name: str) -> list[Problem]:
    """What is wrong with `doc.data` against one definition of the schema (`$defs/NAME`), such as a line of a
    dataset file that holds one check."""
    errors = sorted(_validator(name).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    return [problem for error in errors for problem in _problems(doc, name, error)]


def drop_unknown(kind: str, data: dict[str, Any]) -> list[str]:
    """Remove from `data` (a manifest being written) every field the schema does not know, such as one a server
    newer than this aac returns; the dotted paths removed, so the writer can say so."""
    dropped: list[str] = []
    for error in list(_validator(kind).iter_errors(data)):
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for extra in [key for key in error.instance if key not in known]:
                del error.instance[extra]
                dropped.append(dotted((*error.absolute_path, extra)))
    return sorted(dropped)


def _problems(doc: Document, kind: str, error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    field = dotted(path) or kind
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(known), key=str):
            yield _unknown_field(doc, path, field, str(extra), known)
        return
    if error.validator == "required":
        for missing in error.validator_value:
            if missing not in error.instance:
                yield Problem(doc.path, doc.line_of(*path), f"{field} needs `{missing}`",
                              f"add `{missing}:` (see `aac schema`)")
        return
    message, hint = _describe(error, field, kind)
    yield Problem(doc.path, doc.line_of(*path), message, hint)


def _unknown_field(doc: Document, path: tuple[Any, ...], field: str, extra: str, known: list[str]) -> Problem:
    """A field the schema does not know; a secret's value or an id gets its own message, never quoting the value."""
    line = doc.line_of(*path, extra)
    if extra in SECRET_FIELDS and f"{extra}_env" in known:
        return Problem(doc.path, line, f"`{field}.{extra}` holds a secret in the manifest, where git would keep it",
                       f"move the value into an environment variable and write `{extra}_env: NAME` instead "
                       "(and rotate the secret if it was ever committed)")
    if extra == "credential_id" and "credential" in known:
        return Problem(doc.path, line, "an mcp tool names its credential by key, not by id (ids differ per target)",
                       "write `credential: VAULT/CREDENTIAL`, the names of a vault manifest and one of its credentials")
    if extra == "strict" and "defer_loading" in known:
        return Problem(doc.path, line, "the Agents API's function tools have no `strict`",
                       "remove it (aac checks the schema either way)")
    return Problem(doc.path, line, f"unknown field `{extra}` in {field}", suggest(extra, known))


def _describe(error: ValidationError, field: str, kind: str) -> tuple[str, str | None]:
    v, value, instance = error.validator, error.validator_value, error.instance
    special = _agent_message(v, value, instance, field)
    if special is not None:
        return special
    if v == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value))
        quote = "string" in value and isinstance(instance, (int, float, bool, date))  # YAML reads 2026-12-31 as a date
        takes = _takes(field, error, kind)
        return f"`{field}` must be {wanted}, not {_type_of(instance)}", f"quote it: {takes}" if quote else takes
    if v in ("enum", "const"):
        options = [value] if v == "const" else value
        return f"`{field}` is {_short(instance)}; expected {_one_of(_current(options))}", _meant(str(instance), options)
    if v == "maxLength":
        return f"`{field}` is {len(instance):,} characters; the API allows at most {value:,}", "shorten it"
    if v == "minLength":
        return f"`{field}` is empty", "give it a value or remove the field"
    if v == "pattern":
        # `$(?!\n)` ends a pattern at the true end in Python's re as in ECMA; the reader needs only the `$`
        return f"`{field}` {_short(instance)} does not match {value.replace(END_GUARD, '$')}", _pattern_hint(field)
    if v in ("maxItems", "maxProperties"):
        what = "items" if v == "maxItems" else "keys"
        return f"`{field}` has {len(instance)} {what}; the limit is {value}", _limit_hint(field, value)
    if v in ("minimum", "maximum"):
        word = "at least" if v == "minimum" else "at most"
        return f"`{field}` is {instance}; it must be {word} {_number(value)}", _takes(field, error, kind)
    if v == "not" and isinstance(instance, str) and instance in (value.get("enum") or ()):  # metadata's tag names
        return f"metadata key {instance!r} is one of the tool's own tags", "rename the key; the tool writes it itself"
    if v == "not" and isinstance(instance, str) and value.get("pattern") == "^[aA][aA][cC]-":  # file attributes
        return (f"attribute {instance!r} starts with `aac-` (in any case), which aac keeps for its own attributes",
                "rename the key; aac writes aac-sha256 and aac-path on every file itself")
    return f"`{field}`: {error.message[:200]}", None


def _agent_message(v: Any, value: Any, instance: Any, field: str) -> tuple[str, str] | None:
    """Messages of the agent and vault kinds that the generic ones would get wrong, or leak."""
    if v == "pattern" and names_variable(field) and token_kind(instance):
        return token_problem(field, token_kind(instance) or "")
    if v == "pattern" and field.endswith("_env"):  # the value may be the secret itself, pasted: never shown
        return (f"`{field}` is not an environment variable name",
                "write the NAME of the variable that holds the secret (letters, digits and '_', not starting with a "
                "digit), never the secret itself")
    if v == "enum" and field.startswith("tools[") and instance in _NO_AGENT_TOOL and "mcp" in value:
        return (f"`{field}` is {instance!r}: the Agents API has no {instance} tool; expected {_one_of(value)}",
                "an agent reaches files through its environment, not a tool; remove this one")
    return None


def _takes(field: str, error: ValidationError, kind: str) -> str:
    """What the field takes, read from its own schema (its type and range, or its choices): the hint for a
    value of the wrong type or out of range, e.g. "`temperature` takes a number from 0 to 2"."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "enum" in schema:
        return f"`{field}` takes {_one_of(_current(schema['enum']))}"
    types = schema.get("type", ())
    words = " or ".join(_TAKES_WORDS.get(t, t) for t in ([types] if isinstance(types, str) else types))
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        words += f" from {_number(low)} to {_number(high)}"
    elif low is not None or high is not None:
        words += f" of at {'least' if high is None else 'most'} {_number(high if low is None else low)}"
    shorthand = _shorthand(kind, list(error.absolute_schema_path))
    return f"`{field}` takes {words}" + (f", or {_one_of(_current(shorthand))}" if shorthand else "")


def _shorthand(kind: str, path: list[Any]) -> list[Any]:
    """The strings a field also takes when the error is in the `else` of an `if: {type: string}` (a tool's
    type given by name, response_format's `auto`): the `then` branch's choices."""
    if path[-2:-1] != ["else"]:
        return []
    defs = _defs()
    node: Any = defs[kind]
    for key in path[:-2]:  # the schema path runs through each `$ref` as if it were inlined
        node = node[key] if isinstance(node, dict) and key in node else _deref(defs, node)[key]
    then = _deref(defs, node).get("then", {})
    return list(then.get("enum", [then["const"]] if "const" in then else []))


@functools.cache
def _defs() -> dict[str, Any]:
    return dict(json.loads(schema_text())["$defs"])


def _deref(defs: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:  # the schema's refs are all `#/$defs/NAME`
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _number(value: Any) -> Any:
    """2.0 as 2: the schema writes a float's bounds as floats, and a person reads them as numbers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _pattern_hint(field: str) -> str:
    if field.endswith("name") and "function" in field or field.startswith("tools[") and field.endswith("].name"):
        return "function names use only a-z, A-Z, 0-9, '_' and '-', at most 64 characters"
    hints = {"credential": "write VAULT/CREDENTIAL: the name of a vault manifest, '/', the name of its credential",
             "_url": "write an https:// URL", "token_endpoint": "write an https:// URL",
             "secret_name": "use letters, digits and '_', not starting with a digit",
             "expires_at": "write an RFC 3339 timestamp, e.g. 2026-12-31T00:00:00Z"}
    for suffix, hint in hints.items():
        if field.endswith(suffix):
            return hint
    if field.startswith("file_ids["):
        return "write an upload's id as the target lists it, e.g. file-abc123, with nothing after it"
    if "allowed_hosts" in field:
        return "write a host name or IPv4 address only: no scheme, port, path or wildcard"
    return "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters"


def _limit_hint(field: str, most: int) -> str | None:
    if field.endswith("metadata"):
        return (f"at most {most} keys: the API allows {limits.METADATA_PAIRS_MAX} "
                f"and the tool writes {limits.METADATA_PAIRS_MAX - most} tags of its own")
    if field.endswith("attributes"):
        return (f"at most {most} attributes a file: the API allows {limits.ATTRIBUTES_MAX} and aac writes "
                f"{limits.ATTRIBUTES_MAX - most} of its own")
    if field == "tools":
        return f"the API allows at most {limits.TOOLS_MAX} tools per assistant; remove some"
    return None


def suggest(word: str, known: Any) -> str:
    return did_you_mean(word, known) or f"expected one of: {', '.join(str(k) for k in known)}"


def _current(options: list[Any]) -> list[Any]:
    """The choices to offer: a renamed one still loads (with a warning) but is never suggested."""
    return [option for option in options if option not in RENAMED]


def _meant(word: str, options: list[Any]) -> str:
    """The current choice a misspelt one meant; a typo of a renamed choice (`retreival`) gets its new name."""
    meant = closest(word, options)
    if meant in RENAMED:
        return f"{suggestion(RENAMED[meant])} (`{meant}` was renamed `{RENAMED[meant]}`)"
    return suggest(word, _current(options))


def _one_of(options: list[Any]) -> str:
    return " or ".join(repr(o) for o in options) if len(options) <= 3 else "one of " + ", ".join(map(repr, options))


def dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_of(value: Any) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "a mapping", type(None): "empty (null)", datetime: "a timestamp", date: "a date"}
    return names.get(type(value), type(value).__name__)
