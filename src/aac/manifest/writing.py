"""Manifests for imported objects, written so the next plan compares them equal to what is live.

Each field is written only where it differs from what an unset field means (the canonical
form's defaults), so a manifest reads like one a person wrote. What the API cannot give
back is said in comments: the bytes of files (attached by id instead) and write-only fields.
Each kind's renderer (aac.kinds.KIND.importer) builds its manifest with these helpers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aac.canonical import user_metadata
from aac.errors import AacError
from aac.escape import escape_text
from aac.limits import METADATA_PAIRS_MAX, USER_METADATA_PAIRS_MAX
from aac.manifest.schema import drop_unknown
from aac.resources import SERVER_METADATA
from aac.secrets import secret_name

JSON = dict[str, Any]
MARKER = "# aac-import:"  # `# aac-import: <id> as <kind>.<key>`: lets a second run finish an adoption
LONG_LINES, LONG_CHARS = 40, 4000  # longer instructions go to a file beside the manifest
_FUNCTION_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # the manifest schema's pattern for a function's name
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}")  # what `# aac-import: <id> as ...` can hold
_SURROGATE = re.compile("[\ud800-\udfff]")
SWITCH_HINT = ("# To use a local copy instead: put the file in the repository, add its path to {field}\n"
               "# (relative to this folder), and remove its id from {ids_field}.")


@dataclass
class Written:
    """Files to create: path -> text, in the order they were planned."""

    files: dict[Path, str] = field(default_factory=dict)

    def add(self, path: Path, text: str) -> None:
        if path in self.files and self.files[path] != text:
            raise AacError(f"two imported objects would write {path} differently",
                           "import them one at a time with different --out folders")
        self.files[path] = text


@dataclass(frozen=True)
class Source:
    """What the manifests are written from: the target's files and stores' files."""

    root: Path
    out_dir: Path
    files: Mapping[str, JSON]  # file id -> the API's file object
    store_files: Mapping[str, list[JSON]]  # vector store id -> its attachments
    reserved: frozenset[str] = frozenset(SERVER_METADATA)  # the server's metadata keys: never imported


class _Literal(str):
    """A multi-line string, dumped in YAML's literal block style."""


# Line breaks YAML 1.1 reads besides `\n` and `\r`, which PyYAML writes as they are in plain, single-quoted and
# block scalars: read back, a NEL folds to a space or becomes `\n`. Double quotes write them as escapes.
_YAML_BREAKS = frozenset("\x85\u2028\u2029")


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if _YAML_BREAKS.intersection(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    style = '"' if _YAML_BREAKS.intersection(value) else "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _string)
_Dumper.add_representer(_Literal, _literal)


def dump(data: JSON) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)


def comment_text(value: object) -> str:
    """`value` as it may sit in a YAML comment: one line whatever it holds (every line break YAML or a
    terminal knows, controls and bidirectional marks escaped as JSON or `\\uXXXX` writes them), so a
    server's string cannot end the comment and become manifest content."""
    quoted = json.dumps(str(value), ensure_ascii=False)[1:-1]  # \n, \r, \t and the other C0 controls
    # Then C1 controls (NEL), U+2028/U+2029 and format characters; a lone surrogate as `\udXXX`.
    return escape_text(quoted).encode("utf-8", "backslashreplace").decode("utf-8")


def check_round_trip(kind: str, raw: Mapping[str, Any]) -> None:
    """Refuse an object whose manifest could not say exactly what is live: its id must fit the
    `# aac-import:` line, and no string in it may hold a lone surrogate (YAML and UTF-8 cannot)."""
    check_id(kind, raw.get("id"))
    bad = next((path for path, text in _strings(raw, kind) if _SURROGATE.search(text)), None)
    if bad is not None:
        raise AacError(f"{kind} {raw['id']} holds a lone surrogate (half of a UTF-16 pair) in {comment_text(bad)}, "
                       "which no manifest can hold", "fix the value on the target, then import again; nothing was "
                       "written")


def check_id(kind: str, obj_id: Any) -> None:
    """An id a manifest writes (the `# aac-import:` line, a store's `file_ids`) is a plain one, or nothing is."""
    if not isinstance(obj_id, str) or not _PLAIN_ID.fullmatch(obj_id):
        raise AacError(f"the {kind} with the id {comment_text(obj_id)[:100]!r} cannot be imported: it is not "
                       "a plain id",
                       "import the other objects by key (aac import KEY...); nothing was written")


def function_name(owner: str, name: Any) -> str:
    """A function tool's name, which names its schema file too (schemas/functions/<name>.json).

    Refused rather than rewritten when the manifest schema does not admit it (a path, a line break): a
    manifest with another name would rename the function the model calls on the next apply."""
    if isinstance(name, str) and _FUNCTION_NAME.fullmatch(name):
        return name
    raise AacError(f"{owner} has a function named {comment_text(name)[:100]!r}, which a manifest cannot hold "
                   "(letters, digits, _ and -, at most 64)",
                   "rename the function on the target, or import the other objects by key; nothing was written")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in `value` (keys included), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key, path)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def check_metadata(kind: str, raw: Mapping[str, Any], most: int = USER_METADATA_PAIRS_MAX) -> None:
    metadata = user_metadata(raw.get("metadata"))
    named = sorted(str(key) for key in metadata if secret_name(key))
    if named:  # as a token in a header: refused, never quoted, before anything is written
        raise AacError(f"{kind} {raw['id']} has a metadata key {named[0]!r} named for a credential, which a "
                       "manifest would keep in git",
                       "remove the key from the object on the target (or rename it, if it holds no secret), then "
                       "import again; nothing was written")
    if len(metadata) > most:
        raise AacError(
            f"{kind} {raw['id']} has {len(metadata)} metadata keys; aac needs {METADATA_PAIRS_MAX - most} of the "
            f"API's {METADATA_PAIRS_MAX} for its tags",
            f"remove metadata keys from it until at most {most} are left, then import again",
        )


def header(src: Source, kind: str, key: str, raw: Mapping[str, Any]) -> list[str]:
    lines = [f"{MARKER} {raw['id']} as {kind}.{key}"]
    schema = src.root / "schemas" / "manifest.schema.json"
    if schema.is_file():
        lines.insert(0, f"# yaml-language-server: $schema={_rel(schema, src.out_dir)}")
    return lines


def file_comment(src: Source, ids: list[str], what: str, field_name: str, ids_field: str) -> list[str]:
    if not ids:
        return []
    lines = [f"# {what}, attached by id: the API does not give back the contents of files of purpose",
             "# `assistants`, so they stay on the target as they are:"]
    for file_id in ids:
        info = src.files.get(file_id) or {}
        size = info.get("bytes")
        size_text = f"{size:,} bytes" if isinstance(size, int) else "size unknown"
        filename = comment_text(info.get("filename") or "(filename unknown: not in the target's file list)")
        lines.append(f"#   {comment_text(file_id)}  {filename}  {size_text}")
    lines.append(SWITCH_HINT.format(field=field_name, ids_field=ids_field))
    return lines


def display_name(data: JSON, raw: Mapping[str, Any], key: str) -> None:
    name = raw.get("name")
    if isinstance(name, str) and name and name != key:
        data["display_name"] = name


def put_metadata(data: JSON, raw: Mapping[str, Any], reserved: frozenset[str]) -> None:
    metadata = user_metadata(raw.get("metadata"), reserved)
    if metadata:
        data["metadata"] = metadata


def instructions(src: Source, data: JSON, raw: Mapping[str, Any], key: str, written: Written) -> None:
    text = raw.get("instructions")
    if not text:
        return
    if len(text.splitlines()) > LONG_LINES or len(text) > LONG_CHARS:
        filename = f"{key}.instructions.md"
        written.add(src.out_dir / filename, text)
        data["instructions_file"] = filename
    else:
        data["instructions"] = _Literal(text) if "\n" in text else text


def schema_ref(src: Source, folder: Path, stem: str, schema: Any, key: str, written: Written,
               schemas: dict[str, Any], what: str) -> str:
    """FOLDER/<stem>.json, or <stem>.<key>.json when another schema has that name already: the `$ref` to it."""
    for candidate in (folder / f"{stem}.json", folder / f"{stem}.{key}.json"):
        known = schemas.get(str(candidate), _existing_schema(candidate))
        if known is None or known == schema:
            schemas[str(candidate)] = schema
            if not candidate.exists():
                written.add(candidate, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
            return _rel(candidate, src.out_dir)
    raise AacError(f"{folder / (stem + '.json')} and {folder / (stem + '.' + key + '.json')} exist with "
                   f"other schemas than {what}",
                   "move them aside or pass --out to another folder, then import again; nothing was written")


def _existing_schema(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"unreadable": str(path)}  # never equal to a real schema: pick another name


def drop_none(value: Any) -> Any:
    """Unset fields out, one level deep (as aac.canonical does: a schema's own nulls stay)."""
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if v is not None}
    return value


def _rel(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def unknown_comment(data: JSON) -> list[str]:
    """A field the server returned that this aac does not know cannot be declared: left out, and said."""
    dropped = drop_unknown(data["kind"], data)
    if not dropped:
        return []
    named = comment_text(", ".join(dropped))  # the server's words
    return ["# Left out, unknown to this version of aac (the server's to keep; an update of a setting or tool "
            "that holds one", f"# resets it to the server's default): {named}"]
