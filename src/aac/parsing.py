"""The text a vector store indexes from a file's bytes, shared by the sandbox and the planner.

A PDF's text is extracted with pypdf; a Word or PowerPoint file's (Office Open XML: a zip of
XML parts) from its text runs, paragraph by paragraph; any other type is indexed as its own
bytes, as text.
"""

from __future__ import annotations

import html
import io
import logging
import re
import zipfile

PARSED_SUFFIXES = (".pdf", ".docx", ".pptx")
XML_BYTES_MAX = 64 * 1024 * 1024  # of one document's XML: a zip bomb is refused, not expanded
_OFFICE_PARTS = {
    ".docx": re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml"),
    ".pptx": re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml"),
}
_RUN_OR_PARAGRAPH_END = re.compile(rb"<(w|a):t(?:\s[^>]*)?>([^<]*)</\1:t>|</(?:w|a):p>")
_NUMBER = re.compile(r"(\d+)")


def is_parsed(filename: str) -> bool:
    """Whether the text indexed is extracted from the bytes rather than the bytes themselves."""
    return filename.lower().endswith(PARSED_SUFFIXES)


def parsed_text(filename: str, data: bytes) -> bytes:
    """The UTF-8 text a store indexes from a file. ValueError when a PDF or Office file cannot be read."""
    suffix = "." + filename.lower().rpartition(".")[2]
    if suffix == ".pdf":
        return _pdf_text(data)
    if suffix in _OFFICE_PARTS:
        return _office_text(data, _OFFICE_PARTS[suffix])
    return data


def _pdf_text(data: bytes) -> bytes:
    from pypdf import PdfReader  # imported here: plans that attach no PDF never load it

    # pypdf logs what it skips in a damaged PDF to stderr, quoting the file's own bytes: that is no
    # output of aac's (a hostile PDF would write into `aac plan`'s terminal); a failure is a ValueError.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    try:
        pages = PdfReader(io.BytesIO(data)).pages
        return "\n".join(page.extract_text() for page in pages).encode("utf-8")
    except Exception as exc:  # a damaged PDF fails in many ways inside pypdf; each is "unreadable" here
        raise ValueError(f"the PDF could not be read ({exc.__class__.__name__}: {exc})") from exc


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in _NUMBER.split(name)]


def _office_text(data: bytes, parts: re.Pattern[str]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = sorted((i for i in archive.infolist() if parts.fullmatch(i.filename)),
                             key=lambda i: _natural(i.filename))
            if sum(i.file_size for i in members) > XML_BYTES_MAX:
                raise ValueError(f"its XML expands past {XML_BYTES_MAX // 1024 // 1024} MiB")
            xml = [archive.read(i) for i in members]
    except ValueError:
        raise
    except Exception as exc:  # zipfile fails in many ways (encrypted, unknown method, bad deflate): all "unreadable"
        raise ValueError(f"the document could not be read ({exc.__class__.__name__}: {exc})") from exc
    if not members:
        raise ValueError("the document has no text part")
    paragraphs: list[str] = []
    for part in xml:
        line: list[str] = []
        for match in _RUN_OR_PARAGRAPH_END.finditer(part):
            if match.group(2) is None:
                paragraphs.append("".join(line))
                line = []
            else:
                line.append(html.unescape(match.group(2).decode("utf-8", "replace")))
        paragraphs.append("".join(line))
    return "\n".join(p for p in paragraphs if p).encode("utf-8")
