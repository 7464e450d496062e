"""One block per change, as lines with a marker: the layout text and markdown share.

A block holds changed fields only (IAC_CONVENTIONS 1.5): `old -> new` for scalars, a
line diff for multi-line text, changed paths for JSON, and files by path and size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aac.kinds import BY_NAME
from aac.model.plan import Action, Change, Plan
from aac.output import human_bytes, plural
from aac.render.lines import Line, heredoc_lines
from aac.render.values import Leaf, format_value, structural_diff

SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "-/+", Action.DELETE: "-", Action.NOOP: " "}
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "will be replaced",
    Action.DELETE: "will be destroyed",
    Action.NOOP: "is unchanged",
}
# Files and attachments, which are no kind: their fields' order (a kind gives its own, Kind.field_order).
FILE_FIELDS = ("vector_store", "metadata", "path", "filename", "sha256", "bytes", "file_id", "status")
SIZE_FIELDS = frozenset({"bytes", "usage_bytes"})
WRAP_WIDTH = 80  # an added or removed JSON value longer than this is shown one key per line
ALIGN_LIMIT = 30  # longer attribute names are not padded, nor do they widen the column
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Block:
    change: Change
    header: str  # "assistant.math-tutor will be updated in place"
    lines: tuple[Line, ...]  # title, attributes, closing brace


@dataclass(frozen=True)
class FileInfo:
    path: str
    size: int | None


def file_index(plan: Plan) -> dict[str, FileInfo]:
    """SHA-256 -> path and size, from the plan's own file and vector-store-file changes."""
    index: dict[str, FileInfo] = {}
    for change in plan.changes:
        for side in (change.before, change.after):
            if not isinstance(side, Mapping):
                continue
            sha = _sha_of(side)
            if sha is None or change.kind not in ("file", "vector_store_file"):
                continue
            path = side.get("path") or (change.name if change.kind == "file" else None)
            size = side.get("bytes") if isinstance(side.get("bytes"), int) else None
            known = index.get(sha)
            index[sha] = FileInfo(
                str(path or (known.path if known else sha_label(sha))),
                size if size is not None else (known.size if known else None),
            )
    return index


def _sha_of(side: Mapping[str, Any]) -> str | None:
    raw = side.get("sha256")
    if isinstance(raw, str):
        return normal_sha(raw)
    found = _SHA.search(str(side.get("filename") or ""))
    return found.group(0) if found else None


def normal_sha(value: str) -> str:
    """A hash in one form (bare lowercase hex); anything else, such as a file id, exactly as it is."""
    hexed = value.removeprefix("sha256:").lower()
    return hexed if _SHA.fullmatch(hexed) else value


def sha_label(sha: str) -> str:
    """A short form of a hash; anything else (a live id aac does not know) as it is."""
    hexed = normal_sha(sha)
    return f"sha256:{hexed[:12]}…" if _SHA.fullmatch(hexed) else sha


def build_block(change: Change, files: Mapping[str, FileInfo], *, verb: str | None = None,
                symbol: str | None = None) -> Block:
    """`verb` and `symbol` override the action's own, for reports that are not plans (drift)."""
    before = change.before if isinstance(change.before, Mapping) else {}
    after = change.after if isinstance(change.after, Mapping) else {}
    header = f"{change.address} {verb or VERBS[change.action]}"
    if change.moved_only and verb is None:  # Terraform's wording; apply only retags it
        header = f"{change.address} has moved from {change.previous_address}"
    elif change.previous_address:
        header += f" (moved from {change.previous_address})"
    if change.reason:
        header += f" ({change.reason})"
    body: list[Line] = []
    if change.id and change.action is not Action.CREATE:
        body.append(Line(" ", "id", 1, format_value(change.id)))
    shown = [name for name in _fields_to_show(change, before, after) if not _repeats_id(change, name, before)]
    for name in shown:
        body.extend(_field_lines(change, name, before.get(name), after.get(name), files))
    hidden = _hidden_count(change, before, after, shown)
    if hidden:
        noun = "attribute" if hidden == 1 else "attributes"
        unchanged = "unchanged " if change.action in (Action.UPDATE, Action.REPLACE) else ""
        body.append(Line(" ", f"# ({hidden} {unchanged}{noun} hidden)", 1))
    title = Line(symbol or SYMBOLS[change.action], f'{change.kind} "{change.name}" {{', 0)
    return Block(change, header, (title, *_aligned(body), Line(" ", "}", 0)))


def _repeats_id(change: Change, name: str, before: Mapping[str, Any]) -> bool:
    """`id` (or a file_id equal to it) is already the block's first line."""
    return change.id is not None and (name == "id" or before.get(name) == change.id)


def _order(names: Iterable[str], kind: str) -> list[str]:
    known = BY_NAME.get(kind)
    rank = {name: i for i, name in enumerate(known.field_order if known is not None else FILE_FIELDS)}
    return sorted(set(names), key=lambda n: (rank.get(n, len(rank)), n))


def _present(value: Any) -> bool:
    return value is not None and value != {} and value != [] and value != ""


def _fields_to_show(change: Change, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    if change.action is Action.CREATE:
        return _order([k for k, v in after.items() if _present(v)], change.kind)
    if change.action is Action.DELETE:
        # a destroyed object reads by what identifies it; its long text would only bury that
        return _order([k for k, v in before.items() if _present(v) and _is_scalar(v)], change.kind)
    if change.changed_fields:
        return _order(change.changed_fields, change.kind)
    differ = [k for k in set(before) | set(after) if format_value(before.get(k)) != format_value(after.get(k))]
    return _order(differ, change.kind)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and not (isinstance(value, str) and "\n" in value)


def _hidden_count(change: Change, before: Mapping[str, Any], after: Mapping[str, Any], shown: Sequence[str]) -> int:
    side = before if change.action is Action.DELETE else after
    if change.action is Action.CREATE:
        return 0
    return sum(1 for k, v in side.items() if _present(v) and k not in shown and not _repeats_id(change, k, side))


def _field_lines(change: Change, name: str, old: Any, new: Any, files: Mapping[str, FileInfo]) -> list[Line]:
    if change.action is Action.CREATE:
        old = None
    elif change.action is Action.DELETE:
        new = None
    if change.action in (Action.UPDATE, Action.REPLACE) and old is None and new is None:
        return [Line("~", name, 1, "(will change)")]  # named in changed_fields, its values not in the plan
    known = BY_NAME.get(change.kind)
    if known is not None and name in known.file_lists and _is_sha_list(old) and _is_sha_list(new):
        return _file_list_lines(name, old or [], new or [], files)
    if isinstance(old, str) and "\n" in old or isinstance(new, str) and "\n" in new:
        marker = _marker(old, new)
        return [Line(marker, name, 1, "<<-EOT"), *heredoc_lines(_text(old), _text(new)), Line(" ", "EOT", 1)]
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        leaves = structural_diff(name, old, new)
        if leaves:
            return [line for leaf in leaves for line in _leaf_lines(leaf)]
    if old is not None and format_value(old) == format_value(new):  # listed though equal: e.g. a rebuilt store's key
        return [Line("~", name, 1, f"{_leaf_value(old, new, '+', name)} (same value, written again by apply)")]
    return [Line(_marker(old, new), name, 1, _leaf_value(old, new, _marker(old, new), name))]


def _leaf_lines(leaf: Leaf) -> list[Line]:
    """A whole object added or removed reads best as indented JSON, one key per line."""
    value = leaf.new if leaf.marker == "+" else leaf.old
    flat = _leaf_value(leaf.old, leaf.new, leaf.marker)
    if leaf.marker == "~" or not isinstance(value, (dict, list)) or len(flat) <= WRAP_WIDTH:
        return [Line(leaf.marker, leaf.path, 1, flat)]
    pretty = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).splitlines()
    return [Line(leaf.marker, leaf.path, 1, pretty[0]), *(Line(leaf.marker, text, 2) for text in pretty[1:])]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _marker(old: Any, new: Any) -> str:
    if old is None:
        return "+"
    return "-" if new is None else "~"


def _leaf_value(old: Any, new: Any, marker: str, name: str = "") -> str:
    show = _show_bytes if name in SIZE_FIELDS else format_value
    if marker == "+":
        return show(new)
    if marker == "-":
        return show(old)
    return f"{show(old)} -> {show(new)}"


def _show_bytes(value: Any) -> str:
    if isinstance(value, int) and value >= 1024:
        return f"{value} ({human_bytes(value)})"
    return format_value(value)


def _is_sha_list(value: Any) -> bool:
    return value is None or isinstance(value, list) and all(isinstance(v, str) for v in value)


def _file_list_lines(name: str, old: list[str], new: list[str], files: Mapping[str, FileInfo]) -> list[Line]:
    old_set, new_set = {normal_sha(s) for s in old}, {normal_sha(s) for s in new}
    entries = [("+", sha) for sha in new_set - old_set] + [("-", sha) for sha in old_set - new_set]
    labelled = sorted((_file_label(sha, files), marker) for marker, sha in entries)
    lines = [Line(marker, label, 2) for label, marker in labelled]
    kept = len(old_set & new_set)
    if kept:
        lines.append(Line(" ", f"# ({plural(kept, 'unchanged file')} hidden)", 2))
    return [Line(_marker(old or None, new or None), name, 1, "["), *lines, Line(" ", "]", 1)]


def _file_label(sha: str, files: Mapping[str, FileInfo]) -> str:
    info = files.get(sha)
    if info is None:
        return sha_label(sha)
    return f"{info.path} ({human_bytes(info.size)})" if info.size is not None else info.path


def _aligned(lines: list[Line]) -> list[Line]:
    width = max((len(line.text) for line in lines if line.value is not None and len(line.text) <= ALIGN_LIMIT),
                default=0)
    return [
        Line(line.marker, f"{line.text.ljust(width)} = {line.value}", line.depth) if line.value is not None else line
        for line in lines
    ]
