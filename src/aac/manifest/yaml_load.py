"""Safe YAML for manifests: line numbers, duplicate keys, and no YAML bombs.

PyYAML's composer shares an anchored node between its aliases, so a billion-laughs
document composes in microseconds; the blow-up comes later, when something walks the
result. So while composing we weigh every node by its size after alias expansion and
refuse a document that aliases make `limits.YAML_NODES_MAX` nodes larger than it is (or nested past
`YAML_DEPTH_MAX`),
before anything is constructed or walked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from aac import limits
from aac.errors import Problem
from aac.jsonsafe import problems, readable, render_path
from aac.manifest.fs import FILE, entry_kind

PathKey = tuple[Any, ...]
_DEPTH_MESSAGE = f"the YAML nests deeper than {limits.YAML_DEPTH_MAX} levels"


class _TooBig(yaml.YAMLError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Bounded(Composer):
    """A composer that weighs nodes (aliases expanded) and bounds nesting as it composes."""

    _depth = 0
    _composed = 0  # nodes composed so far, each once: what the document holds without expanding aliases
    _weights: dict[int, int]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > limits.YAML_DEPTH_MAX:
                mark = self.peek_event().start_mark  # type: ignore[attr-defined]
                raise _TooBig(_DEPTH_MESSAGE, mark.line + 1)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None and id(node) not in self._weights:
            self._composed += 1
            self._weights[id(node)] = self._weigh(node)
        return node

    def _weigh(self, node: Node) -> int:
        if isinstance(node, SequenceNode):
            weight = 1 + sum(self._weights.get(id(child), 1) for child in node.value)
        elif isinstance(node, MappingNode):
            weight = 1 + sum(self._weights.get(id(k), 1) + self._weights.get(id(v), 1) for k, v in node.value)
        else:
            weight = 1
        if weight > limits.YAML_NODES_MAX + self._composed:  # what aliases add: a large plain document is fine
            raise _TooBig(
                f"the YAML expands to more than {limits.YAML_NODES_MAX:,} nodes through aliases",
                node.start_mark.line + 1,
            )
        return weight


class _PyLoader(_Bounded, Reader, Scanner, Parser, SafeConstructor, Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._weights = {}


_Loader: Any = _PyLoader
if yaml.__with_libyaml__:  # libyaml parses ~10x faster; composing stays in Python, bounded as above
    from yaml._yaml import CParser

    class _CLoader(_Bounded, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._weights = {}

    _Loader = _CLoader


@dataclass(frozen=True)
class Document:
    """One YAML document of a file, with the line of every value by its path."""

    path: str  # repository-relative, POSIX
    index: int  # 0-based position in the file
    line: int  # 1-based line where the document starts
    data: Any
    lines: Mapping[PathKey, int] = field(default_factory=dict)

    def line_of(self, *path: Any) -> int:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        key: PathKey = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.line


def read_text(abspath: Path, relpath: str, problems: list[Problem], max_bytes: int | None = None) -> str | None:
    """A text file as UTF-8, or None with a problem appended (missing, too big, not UTF-8)."""
    kind = entry_kind(abspath)  # by stat first: opening a FIFO would block
    if kind != FILE:
        problems.append(Problem(relpath, 0, f"{relpath} {kind}", "point it at a regular, readable file"))
        return None
    try:
        size = abspath.stat().st_size
        if max_bytes is not None and size > max_bytes:
            problems.append(Problem(relpath, 0, f"the file is {size:,} bytes, over the {max_bytes:,} allowed",
                                    "split it into smaller files"))
            return None
        data = abspath.read_bytes()
    except OSError as exc:
        problems.append(Problem(relpath, 0, f"cannot read the file: {exc.strerror or exc}", "check the path"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(relpath, line, f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                                "save the file as UTF-8"))
        return None


def parse_documents(text: str, relpath: str) -> tuple[list[Document], list[Problem]]:
    """Every document of a YAML text; on a syntax error or bomb, no documents and one problem."""
    loader = _Loader(text)
    documents: list[Document] = []
    problems: list[Problem] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            problems.extend(_duplicate_keys(node, relpath))
            lines: dict[PathKey, int] = {}
            _record_lines(node, (), lines)
            data = _construct(loader, node, relpath)
            document = Document(relpath, len(documents), node.start_mark.line + 1, data, lines)
            problems.extend(_json_problems(document))
            documents.append(document)
    except _TooBig as exc:
        return [], [_too_big(relpath, exc.line, exc.message)]
    except _Unreadable as exc:
        return [], [exc.problem]
    except RecursionError:  # the pure-Python parser recurses per level before the composer sees one
        return [], [_too_big(relpath, 1, _DEPTH_MESSAGE)]
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml >= 0.2.6 bounds nesting itself, before composing
            mark = exc.problem_mark or exc.context_mark
            return [], [_too_big(relpath, mark.line + 1 if mark else 1, _DEPTH_MESSAGE)]
        return [], [_tab_problem(exc, text, relpath) or _syntax_problem(exc, relpath)]
    except yaml.YAMLError as exc:
        return [], [Problem(relpath, 0, f"invalid YAML: {exc}", "fix the YAML syntax")]
    finally:
        loader.dispose()
    return documents, problems


class _Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _construct(loader: _Loader, node: Node, relpath: str) -> Any:
    try:
        return loader.construct_document(node)
    except ValueError as exc:  # an integer past Python's int-string limit (4,300 digits)
        raise _Unreadable(Problem(relpath, node.start_mark.line + 1, f"a value cannot be read: {readable(exc)}",
                                  "write numbers of a sensible size")) from None


def _json_problems(document: Document) -> list[Problem]:
    """What JSON cannot carry (NaN, infinities, non-string keys), located: every manifest becomes JSON."""
    return [Problem(document.path, document.line_of(*path), f"`{render_path(path)}`: {message}",
                    "a manifest holds JSON values: finite numbers, and keys that are strings")
            for path, message in problems(document.data)]


def load_file(abspath: Path, relpath: str) -> tuple[list[Document], list[Problem]]:
    problems: list[Problem] = []
    text = read_text(abspath, relpath, problems, limits.MANIFEST_BYTES_MAX)
    if text is None:
        return [], problems
    return parse_documents(text, relpath)


def _too_big(relpath: str, line: int, message: str) -> Problem:
    return Problem(relpath, line, f"refused: {message}", "write the manifest out plainly")


# The line breaks YAML 1.1 counts (a form feed or a vertical tab is not one, as str.splitlines would have it).
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _tab_problem(exc: yaml.MarkedYAMLError, text: str, relpath: str) -> Problem | None:
    """A tab in the indentation of the line the parser stopped at, said as such: PyYAML's words for it
    ("found character that cannot start any token") never name the tab, and editors show it as spaces."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = _YAML_BREAK.split(text.removeprefix("\ufeff"))
    line = lines[mark.line] if mark.line < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t-"))]
    if "\t" not in indent:
        return None
    return Problem(relpath, mark.line + 1, f"invalid YAML: a tab indents line {mark.line + 1}; YAML indents with "
                   "spaces only", f"replace the tab at the start of line {mark.line + 1} with spaces")


def _syntax_problem(exc: yaml.MarkedYAMLError, relpath: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    what = " ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
    return Problem(relpath, line, f"invalid YAML: {what}", "fix the YAML syntax (indentation, quotes, colons)")


def _duplicate_keys(node: Node, relpath: str) -> list[Problem]:
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, MappingNode):
            first: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    line = key.start_mark.line + 1
                    if key.value in first:
                        problems.append(Problem(
                            relpath, line, f"duplicate key {key.value!r} (first on line {first[key.value]})",
                            "keep one of them; YAML would silently use the last",
                        ))
                    first.setdefault(key.value, line)
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return problems


def _record_lines(node: Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    """Line of each mapping key (where a reader looks) and of each sequence item."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                child = (*path, key.value)
                lines.setdefault(child, key.start_mark.line + 1)
                _record_lines(value, child, lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault((*path, index), item.start_mark.line + 1)
            _record_lines(item, (*path, index), lines)
