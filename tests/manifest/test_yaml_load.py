"""The YAML layer: line numbers, duplicate keys, syntax errors, encodings, and bombs refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from aac import limits
from aac.manifest import yaml_load
from aac.manifest.yaml_load import load_file, parse_documents

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_before_it_expands() -> None:
    documents, problems = parse_documents(BILLION_LAUGHS, "bomb.yaml")
    assert documents == []
    assert len(problems) == 1
    assert "expands to more than" in problems[0].message
    assert problems[0].line <= 6  # refused as soon as one node weighs too much, not at the end


@pytest.mark.parametrize("depth", [limits.YAML_DEPTH_MAX + 1, 999, 1_001, 50_000])
@pytest.mark.parametrize("loader", ["default", "pure-python"])
def test_deeply_nested_document_is_refused_with_aacs_message(
    depth: int, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever layer stops it (aac's composer, libyaml's own bound, Python's recursion limit)."""
    if loader == "pure-python":
        monkeypatch.setattr(yaml_load, "_Loader", yaml_load._PyLoader)
    block = "".join("  " * i + "-\n" for i in range(min(depth, 2_000)))  # indentation grows quadratically
    for text in ("[" * depth + "]" * depth, block):
        documents, problems = parse_documents(text, "deep.yaml")
        assert documents == []
        assert [(p.path, p.message) for p in problems] == [
            ("deep.yaml", f"refused: the YAML nests deeper than {limits.YAML_DEPTH_MAX} levels")
        ]
        assert problems[0].line >= 1


def test_aliases_that_stay_small_still_load() -> None:
    documents, problems = parse_documents("base: &b {model: gpt-4o}\ncopy: *b\n", "ok.yaml")
    assert problems == []
    assert documents[0].data == {"base": {"model": "gpt-4o"}, "copy": {"model": "gpt-4o"}}


@pytest.mark.parametrize("loader", ["default", "pure-python"])
def test_a_large_manifest_without_aliases_loads(loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An agent may have 3 MiB of tools: far more nodes than the alias bound, none of them through an alias."""
    if loader == "pure-python":
        monkeypatch.setattr(yaml_load, "_Loader", yaml_load._PyLoader)
    properties = "".join(f"      p{i}: {{type: string}}\n" for i in range(40))
    tools = "".join(f"  - name: f{n}\n    parameters:\n      type: object\n    properties:\n{properties}"
                    for n in range(limits.YAML_NODES_MAX // 150))
    text = "kind: agent\ntools:\n" + tools
    assert len(text) < limits.MANIFEST_BYTES_MAX
    documents, problems = parse_documents(text, "big.yaml")
    assert problems == []
    assert len(documents[0].data["tools"]) == limits.YAML_NODES_MAX // 150


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    _, problems = parse_documents("kind: assistant\nname: a\nmodel: x\nname: b\n", "dup.yaml")
    assert [(p.line, p.message) for p in problems] == [(4, "duplicate key 'name' (first on line 2)")]


def test_malformed_yaml_reports_its_line() -> None:
    documents, problems = parse_documents("kind: assistant\nname: a\n  model: x\n", "bad.yaml")
    assert documents == []
    assert problems[0].line == 3
    assert problems[0].message.startswith("invalid YAML")


def test_python_tags_are_refused_not_executed(tmp_path: Path) -> None:
    made = tmp_path / "made-by-yaml"
    documents, problems = parse_documents(f"x: !!python/object/apply:os.mkdir ['{made}']\n", "evil.yaml")
    assert documents == [] and not made.exists()
    assert [(p.line, p.message.startswith("invalid YAML")) for p in problems] == [(1, True)]


def test_several_documents_carry_their_own_start_lines_and_key_lines() -> None:
    text = "a: 1\nb:\n  - x\n  - y\n---\nc: 2\n"
    documents, problems = parse_documents(text, "multi.yaml")
    assert problems == []
    assert [d.line for d in documents] == [1, 6]
    assert documents[0].line_of("b", 1) == 4
    assert documents[1].line_of("c") == 6
    assert documents[1].line_of("missing", "deeper") == 6  # falls back to the document


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("kind: assistant\nname: caf\xe9\n".encode("latin-1"))
    documents, problems = load_file(path, "latin1.yaml")
    assert documents == []
    assert (problems[0].line, problems[0].message) == (2, "the file is not UTF-8 (byte 0xe9)")


def test_an_oversized_manifest_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(limits.MANIFEST_BYTES_MAX + 1)
    documents, problems = load_file(path, "huge.yaml")
    assert documents == []
    assert "over the" in problems[0].message


def test_the_pure_python_parser_refuses_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libyaml is missing, the pure-Python parser takes over with the same bounds."""
    monkeypatch.setattr(yaml_load, "_Loader", yaml_load._PyLoader)
    assert "expands to more than" in parse_documents(BILLION_LAUGHS, "b.yaml")[1][0].message
    assert "deeper than" in parse_documents("[" * 5000, "d.yaml")[1][0].message
    documents, problems = parse_documents("a: 1\nb: [1,\n  2]\na: 3\n", "y.yaml")
    assert documents[0].data == {"a": 3, "b": [1, 2]} and problems[0].line == 4
