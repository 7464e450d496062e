"""Bad `moved:` entries are validate errors at aac.yaml:LINE with a hint, and no plan reads the network."""

from __future__ import annotations

import pytest
from tests.cli_harness import Cli

from .conftest import add_moves, rename_store


@pytest.mark.parametrize(("pairs", "message", "hint"), [
    ([("vector_store.support-kb", "vector_store.nowhere")], "moved `to`: no manifest declares vector_store.nowhere",
     "did you mean `vector_store.knowledge`?"),
    ([("vector_store.support-kb", "vector_store.knowledge"), ("vector_store.knowledge", "vector_store.kb2")],
     "is moved again: a chain", "point every old address straight at the final one"),
    ([("vector_store.a", "vector_store.knowledge"), ("vector_store.knowledge", "vector_store.a")],
     "a chain (or a cycle)", "point every old address"),
    ([("vector_store.old", "vector_store.knowledge"), ("vector_store.old", "vector_store.knowledge")],
     "vector_store.old is moved twice", "keep one entry"),
    ([("vector_store.a", "vector_store.knowledge"), ("vector_store.b", "vector_store.knowledge")],
     "two entries move to vector_store.knowledge", "keep one"),
    ([("vector_store.kb", "assistant.knowledge")], "a move keeps the kind", "another object"),
    ([("credential.github/github-mcp", "credential.other/github-mcp")],
     "a credential stays in the vault it was made in", "rename it within its vault"),
    ([("file.knowledge/faq.md", "file.knowledge/faq2.md")], "a file is not moved", "remove the entry"),
    ([("vectorstore.kb", "vector_store.knowledge")], "'vectorstore' is not a kind a move can name",
     "did you mean `vector_store`?"),
])
def test_a_bad_entry_is_an_error_at_its_line(aac: Cli, pairs: list[tuple[str, str]], message: str,
                                             hint: str) -> None:
    rename_store(aac.root)
    add_moves(aac.root, *pairs)
    result = aac("validate")
    assert result.code == 1
    lines = (aac.root / "aac.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("moved:")) + 1
    errors = [text for text in result.err.splitlines() if message in text]
    assert errors and errors[0].startswith((f"aac.yaml:{line}: error:", f"aac.yaml:{line + 2}: error:")), result.err
    assert hint in result.err
    planned = aac("plan")
    assert planned.code == 1 and "read live state" not in planned.err


def test_a_from_still_declared_is_an_error(aac: Cli) -> None:
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.math-tutor"))
    result = aac("validate")
    assert result.code == 1
    assert "moved `from`: vector_store.support-kb is still declared by a manifest" in result.err
    assert "hint: rename it there to 'math-tutor'" in result.err


def test_crlf_and_a_bom_read_the_same(aac: Cli) -> None:
    rename_store(aac.root)
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.nowhere"), newline="\r\n")
    path = aac.root / "aac.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = aac("validate")
    assert result.code == 1 and "aac.yaml:10: error: moved `to`: no manifest declares" in result.err, result.err


@pytest.mark.parametrize("source", [
    "vector_store.support-kb\n", "vector_store.support-kb\r", "vector_store.support-kb\u2028",
    "vector_store.support-kb\u0085", "vector_store\uff0esupport-kb", "vector_store.support-k\u0431",
    "vector_store.support-kb\u202e", "\ufeffvector_store.support-kb", "vector_store.Support-KB",
    "Vector_Store.support-kb", "vector_store.support-kb/x",
])
def test_an_address_that_only_looks_right_is_refused_and_shown_escaped(aac: Cli, source: str) -> None:
    rename_store(aac.root)
    text = (aac.root / "aac.yaml").read_text(encoding="utf-8")
    quoted = source.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    (aac.root / "aac.yaml").write_text(text + f'moved:\n  - from: "{quoted}"\n    to: vector_store.knowledge\n',
                                       encoding="utf-8")
    result = aac("validate")
    assert result.code == 1 and "moved `from`" in result.err, result.err
    assert all(line.startswith(("aac.yaml:", "    hint:", "error:", "hint:")) for line in result.err.splitlines())
    assert not any(c in result.err for c in "\r\u2028\u0085\u202e\ufeff")


def test_thousands_of_entries_are_each_checked_once(aac: Cli) -> None:
    """A long-lived stack file collects entries: each is checked against the others through sets."""
    rename_store(aac.root)
    pairs = [(f"vector_store.old-{n}", "vector_store.knowledge" if n == 0 else f"vector_store.new-{n}")
             for n in range(6000)]
    add_moves(aac.root, *pairs, ("vector_store.old-5999", "vector_store.other"),
              ("vector_store.old-x", "vector_store.knowledge"))
    result = aac("validate")
    assert result.code == 1
    assert "vector_store.old-5999 is moved twice" in result.err
    assert "two entries move to vector_store.knowledge" in result.err
    assert result.err.count(": error: ") == 2, result.err[-2000:]
