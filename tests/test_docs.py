"""The README is a front door: its first screen holds the two commands and a contents list of every section
and every docs/ page, and every relative link and #anchor in README.md and docs/*.md lands on a file and a
heading, by GitHub's anchor rules (lowercase, spaces to `-`, punctuation dropped, `-1` for a repeat)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
FIRST_SCREEN = 50  # about 40 lines of terminal, with the room a wrapped list item takes

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"(`+).+?\1")
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _prose_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """Numbered lines outside fenced code blocks, as written and with inline code blanked (links there are
    examples, not links)."""
    fence = ""
    for number, line in enumerate(text.splitlines(), 1):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1) == fence:
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        yield number, line, _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: link text and code kept, markup and punctuation dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor in a Markdown text, a repeated one numbered as GitHub does (`x`, `x-1`, ...)."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line, _ in _prose_lines(text):
        heading = _HEADING.match(line)
        if not heading:
            continue
        base = github_anchor(heading.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: Path, root: Path) -> list[str]:
    """`FILE:LINE: TARGET` for each relative link of `path` that names no file, or no heading of it."""
    problems: list[str] = []
    text = path.read_text(encoding="utf-8")
    for number, _, prose in _prose_lines(text):
        for target in _LINK.findall(prose):
            if not target or _SCHEME.match(target) or target.startswith("//"):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(root)}:{number}: {target}"
            if not linked.exists() or not linked.is_relative_to(root):
                problems.append(f"{where} (no such file)")
            elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked.read_text(encoding="utf-8"))):
                problems.append(f"{where} (no such heading)")
    return problems


def test_every_relative_link_and_anchor_in_the_readme_and_docs_resolves() -> None:
    assert len(PAGES) >= 10
    problems = [p for path in (ROOT / "README.md", *PAGES) for p in broken_links(path, ROOT)]
    assert problems == []


@pytest.mark.parametrize(("heading", "anchor"), [
    ("Using aac after the Assistants sunset", "using-aac-after-the-assistants-sunset"),
    ("What `aac validate` checks", "what-aac-validate-checks"),
    ("Plan & apply", "plan--apply"),
    ("Servers (llama-stack, ogx): 2 of them!", "servers-llama-stack-ogx-2-of-them"),
    ("snake_case and dots.in.names", "snake_case-and-dotsinnames"),
    ("Naïve Ünïcode", "naïve-ünïcode"),
    ("[Linked](other.md) heading", "linked-heading"),
    ("**Bold** and *emphasis*", "bold-and-emphasis"),
])
def test_anchors_follow_githubs_rules(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_the_checker_reports_a_missing_file_or_heading_and_nothing_in_code(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        "# Page\r\n\r\n## Same\r\n\r\n## Same\r\n\r\n## Closed heading ##\r\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("plain\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("\n".join([
        "# Top",
        "[ok](docs/page.md) [ok](docs/page.md#same-1) [ok](#top) [ok](docs/page.md#closed-heading)",
        "[ok](https://example.com/x#y) [ok](mailto:a@b.c) ![ok](notes.txt) [ok](<docs/page.md> \"title\")",
        "[gone](docs/missing.md) [no heading](docs/page.md#same-2) [no heading](#nowhere)",
        "[anchor into a text file](notes.txt#plain) [outside](../elsewhere.md)",
        "`[in code](docs/missing.md)`",
        "```md",
        "[in a fence](docs/missing.md)",
        "```",
        "~~~",
        "[in a tilde fence](#nowhere)",
        "~~~",
    ]) + "\n", encoding="utf-8")
    assert broken_links(tmp_path / "README.md", tmp_path) == [
        "README.md:4: docs/missing.md (no such file)",
        "README.md:4: docs/page.md#same-2 (no such heading)",
        "README.md:4: #nowhere (no such heading)",
        "README.md:5: notes.txt#plain (no such heading)",
        "README.md:5: ../elsewhere.md (no such file)",
    ]


def _section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readmes_first_screen_holds_both_commands_and_the_contents() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for words in ("Install into a virtualenv", "Run the tests", "## Contents"):
        assert any(line.startswith(words) for line in lines[:FIRST_SCREEN]), words
    after_contents = lines.index("## Contents") + 1
    end = next(i for i, line in enumerate(lines) if i > after_contents and line.startswith("## "))
    assert end <= FIRST_SCREEN


def test_the_contents_list_links_every_section_and_every_docs_page() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(_LINK.findall(_section(text, "## Contents")))
    sections = {github_anchor(line[3:]) for line in text.splitlines() if line.startswith("## ")}
    assert {t[1:] for t in listed if t.startswith("#")} == sections - {"quick-start", "contents"}
    assert {t for t in listed if t.startswith("docs/")} == {f"docs/{p.name}" for p in PAGES}


def test_every_docs_page_has_a_title_and_leads_back_to_the_readme() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("# "), page.name
        assert "](../README.md)" in text.split("\n\n", 2)[1], page.name
