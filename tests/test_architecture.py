"""The structure ARCHITECTURE.md describes: no import cycle, kinds that hold their own fields, one registry.

The layers themselves are import-linter's contract in pyproject.toml (`lint-imports`, run by CI); these checks
are what that contract cannot say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import grimp

from aac.kinds import KINDS
from aac.manifest.schema import schema_text

SRC = Path(__file__).resolve().parents[1] / "src" / "aac"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    # grimp counts every import statement, inside functions too; TYPE_CHECKING blocks are for types only.
    graph = grimp.build_graph("aac", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert _cycles(graph) == [["a", "b", "c"]]


def test_every_kind_with_a_manifest_is_in_the_schema_and_nothing_else_is() -> None:
    declared = json.loads(schema_text())["properties"]["kind"]["enum"]
    assert sorted(declared) == sorted(kind.name for kind in KINDS if kind.has_manifest)


def test_each_kind_is_one_package() -> None:
    packages = sorted(p.name for p in (SRC / "kinds").iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(kind.name for kind in KINDS)
    for kind in KINDS:
        assert type(kind).__module__ == f"aac.kinds.{kind.name}"


# Fields of one kind each: outside its package (and the sandbox, which serves the API), at most these modules
# may name them: the manifest schema's error wording explains two, and a secret's hint gives an example.
KIND_FIELDS = ("vector_store_ids", "code_interpreter", "credential_id", "token_env", "chunking_strategy",
               "expires_after")
ALLOWED = {("code_interpreter", "manifest/schema.py"), ("credential_id", "manifest/schema.py"),
           ("token_env", "secrets.py")}


def test_kind_fields_stay_in_their_kinds() -> None:
    named = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(("kinds/", "sandbox/")):
            continue
        text = path.read_text(encoding="utf-8")
        named |= {(field, relative) for field in KIND_FIELDS if re.search(rf"\b{field}", text)}
    assert named <= ALLOWED
