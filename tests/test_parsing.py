"""The text a store indexes from a file (aac.parsing): PDF and Office text extracted, anything else as is."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from aac import parsing

REPO = Path(__file__).resolve().parents[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'


def office(parts: dict[str, str]) -> bytes:
    """An Office Open XML package holding these parts (what Word and PowerPoint save, less styling)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def docx(*paragraphs: list[str]) -> bytes:
    body = "".join(
        "<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{run}</w:t></w:r>' for run in runs) + "</w:p>"
        for runs in paragraphs
    )
    return office({"word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>"})


def damaged(package: bytes, how: str) -> bytes:
    """A package whose document part is flagged encrypted, uses an unknown method, or has garbled deflate data."""
    data = bytearray(package)
    local = data.find(b"word/document.xml") - 30  # its local header, then its central directory entry
    central = data.find(b"word/document.xml", local + 31) - 46
    if how == "encrypted":
        data[local + 6] |= 1
        data[central + 8] |= 1
    elif how == "method":
        data[local + 8] = data[central + 10] = 99
    else:
        start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little")
        data[start:start + 8] = bytes(b ^ 0xFF for b in data[start:start + 8])
    return bytes(data)


def test_a_pdf_is_indexed_as_its_text_and_anything_else_as_its_bytes() -> None:
    pdf = (REPO / "knowledge/policies/warranty.pdf").read_bytes()
    text = parsing.parsed_text("Warranty.PDF", pdf)
    assert text.startswith(b"Acme Widget Warranty Policy") and b"obj" not in text
    assert parsing.parsed_text("notes.md", pdf) == pdf
    with pytest.raises(ValueError, match="the PDF could not be read"):
        parsing.parsed_text("broken.pdf", b"%PDF-1.4\nnot really")


def test_a_damaged_pdf_is_unreadable_without_a_word_on_stderr(capfd: pytest.CaptureFixture[str],
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """pypdf logs what it skips, quoting the file's bytes: none of it may reach aac's terminal."""
    name = b"/E#1b[31mvil"
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
           b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
           b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /XObject << " + name
           + b" 5 0 R >> >> >>\nendobj\n4 0 obj\n<< /Length 14 >>\nstream\n" + name + b" Do\nendstream\nendobj\n"
           b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n")
    with pytest.raises(ValueError, match="the PDF could not be read"):
        parsing.parsed_text("x.pdf", pdf)
    assert capfd.readouterr() == ("", "")
    assert [r.getMessage() for r in caplog.records] == []  # what the stderr handler would have printed


def test_a_word_document_is_its_paragraphs_runs_joined() -> None:
    data = docx(["Returns ", "within 30 days"], ["Fish &amp; chips"], [])
    assert parsing.parsed_text("policy.docx", data) == b"Returns within 30 days\nFish & chips"


def test_a_presentation_is_its_slides_in_order() -> None:
    slides = {f"ppt/slides/slide{n}.xml": f"<p:sld><a:p {A}><a:r><a:t>Slide {n}</a:t></a:r></a:p></p:sld>"
              for n in (10, 2, 1)}
    data = office({**slides, "ppt/slideLayouts/slideLayout1.xml": "<a:p><a:r><a:t>layout</a:t></a:r></a:p>"})
    assert parsing.parsed_text("deck.pptx", data) == b"Slide 1\nSlide 2\nSlide 10"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("x.docx", b"PK\x03\x04 not a zip", "could not be read"),
    ("x.docx", damaged(docx(["hello"]), "encrypted"), "could not be read .RuntimeError"),
    ("x.docx", damaged(docx(["hello"]), "method"), "could not be read .NotImplementedError"),
    ("x.docx", damaged(docx(["hello"]), "deflate"), "could not be read .error"),
    ("x.docx", office({"word/other.xml": "<x/>"}), "no text part"),
    ("x.pptx", office({"ppt/slides/slide1.xml": "x" * (parsing.XML_BYTES_MAX + 1)}), "expands past 64 MiB"),
])
def test_an_office_file_that_cannot_be_read_says_why(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parsing.parsed_text(name, data)
