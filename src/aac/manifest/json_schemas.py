"""JSON Schemas a manifest gives (a function's parameters, a text format), inline or by `$ref` to a file: resolved,
and checked against the metaschema and, when strict, structured outputs' rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aac import jsonsafe
from aac.manifest.context import LoadContext
from aac.manifest.files import resolve_reference
from aac.manifest.strict import schema_errors, strict_errors
from aac.manifest.yaml_load import Document, parse_documents, read_text
from aac.resources import JSON


def checked_schema(ctx: LoadContext, doc: Document, folder: Path, value: JSON, line: int, where: str,
                   root: str = "parameters", strict: bool = False) -> Any:
    """A JSON Schema a manifest gives inline or as `{$ref: PATH}`: resolved, checked against its metaschema, and
    under `strict` against structured outputs' rules. `where` prefixes each message; None when the $ref fails."""
    params = value
    ref = params.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        if len(params) > 1:
            ctx.error(doc.path, line, f"{root} with a file `$ref` can hold nothing else",
                      "move the other keys into the referenced schema")
        params = _load_ref(ctx, folder, ref, (doc.path, line))
        if params is None:
            return None
    errors = schema_errors(params, root)
    for message in errors:
        ctx.error(doc.path, line, where + message, "fix the schema (https://json-schema.org)")
    if strict and not errors:
        for message, hint in strict_errors(params, root):
            ctx.error(doc.path, line, where + message, hint)
    return params


def _load_ref(ctx: LoadContext, folder: Path, ref: str, where: tuple[str, int]) -> Any:
    """The schema a `$ref` names (JSON, or YAML for .yaml/.yml), optionally at a `#/json/pointer`."""
    file_part, _, pointer = ref.partition("#")
    found = resolve_reference(ctx, folder, file_part, where)
    if found is None:
        return None
    abspath, rel = found
    text = read_text(abspath, rel, ctx.problems)
    if text is None:
        return None
    ctx.digest_inputs[rel] = text.encode("utf-8")
    data = _parse(ctx, text, rel)
    for part in (p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p):
        if not isinstance(data, dict) or part not in data:
            ctx.error(*where, f"{ref!r}: {rel} has nothing at #{pointer}", "check the JSON pointer after '#'")
            return None
        data = data[part]
    return data


def _parse(ctx: LoadContext, text: str, rel: str) -> Any:
    if rel.endswith((".yaml", ".yml")):
        documents, problems = parse_documents(text, rel)
        ctx.problems.extend(problems)
        return documents[0].data if documents else None
    try:
        return jsonsafe.loads(text)
    except json.JSONDecodeError as exc:
        ctx.error(rel, exc.lineno, f"invalid JSON: {exc.msg}", "fix the JSON syntax")
    except ValueError as exc:  # NaN, too deep, a lone surrogate, an integer past Python's digit limit
        ctx.error(rel, 0, f"invalid JSON: {exc}", "write plain JSON: finite numbers, valid Unicode, modest nesting")
    return None


def check_unique_functions(ctx: LoadContext, doc: Document, names: list[str | None]) -> None:
    """Each function's name (None for other tools), by position in `tools`: no name twice."""
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            ctx.error(doc.path, doc.line_of("tools", index), f"two functions are named {name!r}",
                      "give each function its own name")
        if name:
            seen.add(name)
