"""The text a vector store indexes from a file's bytes, shared by the sandbox and the planner.

A PDF's text is extracted with pypdf; a Word or PowerPoint file's (Office Open XML: a zip of
XML parts) from its text runs, paragraph by paragraph; any other type is indexed as its own
bytes, as text.

Documents come from anyone (a store's uploads, a repository's knowledge folder), and the
sandbox and `aac plan` both parse them, so the work per document is linear and bounded
(`Limits`): the XML is read by expat as a stream (no backtracking, no DTD, so no entity
expansion), a zip's parts are counted and their expanded bytes capped as they inflate, and a
PDF's pages, content streams and extracted text are capped, each page counted even when it
shares its content stream with others. A document past a limit is refused (`TooLarge`, a
ValueError), saying which.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

PARSED_SUFFIXES = (".pdf", ".docx", ".pptx")
_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much one document may cost to parse; past any of these it is refused."""

    xml_bytes: int = 64 * _MIB  # an Office document's text parts, expanded: a zip bomb is refused, not inflated
    parts: int = 10_000  # an Office document's text parts (slides, headers, notes)
    pages: int = 5_000  # a PDF's pages
    content_bytes: int = 8 * _MIB  # a PDF's page content, decompressed, each page counted (pypdf parses ~1 MiB/s)
    text_bytes: int = 20_000_000  # the text extracted: OpenAI's 5,000,000 tokens a file, at 4 bytes a token
    seconds: float = 20.0  # CPU time of the parsing thread (a busy machine does not cut a document short), checked
    # between pages and between 64 KiB of XML


LIMITS = Limits()
XML_BYTES_MAX = LIMITS.xml_bytes
_XML_READ = 64 * 1024
_OFFICE_PARTS = {
    ".docx": re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml"),
    ".pptx": re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml"),
}
_RUNS = frozenset({"w:t", "a:t"})  # WordprocessingML and DrawingML text runs, as Office writes their prefixes
_PARAGRAPHS = frozenset({"w:p", "a:p"})
_NUMBER = re.compile(r"(\d+)")


class TooLarge(ValueError):
    """A document past one of the `Limits`: the message names the limit and its figure."""


def is_parsed(filename: str) -> bool:
    """Whether the text indexed is extracted from the bytes rather than the bytes themselves."""
    return filename.lower().endswith(PARSED_SUFFIXES)


def parsed_text(filename: str, data: bytes, limits: Limits = LIMITS) -> bytes:
    """The UTF-8 text a store indexes from a file. ValueError when a PDF or Office file cannot be read
    (TooLarge when it is past a limit)."""
    suffix = "." + filename.lower().rpartition(".")[2]
    if suffix == ".pdf":
        return _pdf_text(data, _Budget(limits))
    if suffix in _OFFICE_PARTS:
        return _office_text(data, _OFFICE_PARTS[suffix], _Budget(limits))
    return data


class _Budget:
    """What one document has cost so far, against its limits."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.thread_time) -> None:
        self.limits = limits
        self._clock = clock
        self._deadline = clock() + limits.seconds
        self._spent = {"xml_bytes": 0, "content_bytes": 0, "text_bytes": 0}

    def spend(self, what: str, amount: int) -> None:
        self._spent[what] += amount
        if self._spent[what] > getattr(self.limits, what):
            raise self._past(what)
        if self._clock() > self._deadline:
            raise TooLarge(f"parsing it takes more than {self.limits.seconds:g} s of CPU (limit)")

    def count(self, what: str, number: int) -> None:
        if number > getattr(self.limits, what):
            raise self._past(what)

    def _past(self, what: str) -> TooLarge:
        figure = getattr(self.limits, what)
        return TooLarge(_LIMIT_WORDS[what].format(_size(figure) if what.endswith("_bytes") else f"{figure:,}"))


_LIMIT_WORDS = {
    "xml_bytes": "its XML expands past {} (limit)",
    "parts": "it has more than {} text parts (limit)",
    "pages": "it has more than {} pages (limit)",
    "content_bytes": "its pages' content expands past {} (limit)",
    "text_bytes": "its text runs past {} (limit)",
}


def _size(nbytes: int) -> str:
    return f"{nbytes // _MIB} MiB" if nbytes % _MIB == 0 else f"{nbytes:,} bytes"


def _pdf_text(data: bytes, budget: _Budget) -> bytes:
    from pypdf import PdfReader  # imported here: plans that attach no PDF never load it

    # pypdf logs what it skips in a damaged PDF to stderr, quoting the file's own bytes: that is no
    # output of aac's (a hostile PDF would write into `aac plan`'s terminal); a failure is a ValueError.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    try:
        pages = PdfReader(io.BytesIO(data)).pages
        budget.count("pages", len(pages))
        texts = []
        extracted: dict[tuple[object, ...], str] = {}  # pages sharing content and resources read once
        for page in pages:
            # Counted per page, shared or not, so N pages naming one stream cost N times its size.
            budget.spend("content_bytes", _content_bytes(page))
            key = _page_key(page)
            if key is None or key not in extracted:
                text = page.extract_text()
                if key is not None:
                    extracted[key] = text
            texts.append(extracted[key] if key is not None else text)
            budget.spend("text_bytes", len(texts[-1].encode("utf-8", "replace")) + 1)
        return "\n".join(texts).encode("utf-8")
    except TooLarge:
        raise
    except Exception as exc:  # a damaged PDF fails in many ways inside pypdf; each is "unreadable" here
        raise ValueError(f"the PDF could not be read ({exc.__class__.__name__}: {exc})") from exc


def _content_bytes(page: Any) -> int:
    """The decompressed size of a page's content streams (pypdf keeps the decoded bytes for extraction)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _page_key(page: Any) -> tuple[object, ...] | None:
    """What a page's text depends on, when other pages can share it: its content streams and resources
    by object number, and its rotation; None when either is inline in the page (nothing to share)."""
    contents, resources = (page.raw_get(key) if key in page else None for key in ("/Contents", "/Resources"))
    refs = [getattr(ref, "idnum", None) for ref in ([contents] if not isinstance(contents, list) else contents)]
    resources_ref = getattr(resources, "idnum", None)
    if None in refs or resources_ref is None:
        return None
    return (*refs, resources_ref, page.get("/Rotate", 0))


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in _NUMBER.split(name)]


def _office_text(data: bytes, parts: re.Pattern[str], budget: _Budget) -> bytes:
    runs = _Runs(budget)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = sorted((i for i in archive.infolist() if parts.fullmatch(i.filename)),
                             key=lambda i: _natural(i.filename))
            if not members:
                raise ValueError("the document has no text part")
            budget.count("parts", len(members))
            budget.count("xml_bytes", sum(i.file_size for i in members))  # as declared; inflating counts again
            for member in members:
                with archive.open(member) as stream:
                    runs.read(stream)
    except ValueError:
        raise
    except expat.ExpatError as exc:
        raise ValueError(f"its XML is not well-formed ({exc})") from exc
    except Exception as exc:  # zipfile fails in many ways (encrypted, unknown method, bad deflate): all "unreadable"
        raise ValueError(f"the document could not be read ({exc.__class__.__name__}: {exc})") from exc
    return "\n".join(p for p in runs.paragraphs if p).encode("utf-8")


class _Runs:
    """The text of `w:t`/`a:t` runs, one line per `w:p`/`a:p` paragraph, from expat's events.

    expat reads in one pass; a DTD is refused outright (Office parts never have one), so no entity
    can expand and no external one is fetched.
    """

    def __init__(self, budget: _Budget) -> None:
        self.paragraphs: list[str] = []
        self._budget = budget
        self._line: list[str] = []
        self._in_run = False

    def read(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        while block := stream.read(_XML_READ):
            self._budget.spend("xml_bytes", len(block))
            parser.Parse(block, False)
        parser.Parse(b"", True)
        self._close_paragraph()

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self._in_run = name in _RUNS

    def _end(self, name: str) -> None:
        self._in_run = False
        if name in _PARAGRAPHS:
            self._close_paragraph()

    def _text(self, text: str) -> None:
        if self._in_run:
            self._budget.spend("text_bytes", len(text.encode("utf-8", "replace")))
            self._line.append(text)

    def _close_paragraph(self) -> None:
        self.paragraphs.append("".join(self._line))
        self._line = []


def _refuse_dtd(*_: object) -> None:
    raise ValueError("its XML declares a DTD, which Office documents never do")
