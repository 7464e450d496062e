"""Documents built to cost a parser far more than their size are refused quickly, naming the limit."""

from __future__ import annotations

import pytest
from tests import hostile_documents as hostile

from aac import parsing

DTD = "declares a DTD"


@pytest.mark.parametrize("kind", ["docx", "pptx"])
@pytest.mark.parametrize(("build", "reason"), [
    (hostile.unclosed_runs, "XML is not well-formed"),
    (hostile.nested_entities, DTD),
    (hostile.external_entity, DTD),
    (hostile.zip_bomb, "XML expands past 64 MiB .limit."),
    (hostile.lying_zip_bomb, "could not be read .BadZipFile"),
    (hostile.long_text, "text runs past 20,000,000 bytes .limit."),
])
def test_a_hostile_office_document_is_refused_saying_why(kind: str, build: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parsing.parsed_text(f"x.{kind}", build(kind))  # type: ignore[operator]


def test_an_unclosed_run_that_is_well_formed_xml_is_linear_and_still_read() -> None:
    """20,000 runs opened inside one paragraph and closed at its end: the text is every run's."""
    xml = f"<w:document {hostile.W}><w:p>" + "<w:t>a" * 20_000 + "</w:t>" * 20_000 + "</w:p></w:document>"
    assert parsing.parsed_text("x.docx", hostile.package({"word/document.xml": xml})) == b"a" * 20_000


@pytest.mark.parametrize(("encoding", "breaks"), [("utf-8", "\n"), ("utf-16", "\r\n")])
def test_an_office_part_in_another_encoding_or_line_break_reads_the_same(encoding: str, breaks: str) -> None:
    xml = (f'<?xml version="1.0" encoding="{encoding}"?>{breaks}<w:document {hostile.W}>{breaks}'
           f"<w:p><w:t>caf\u00e9 &amp; cr\u00e8me</w:t></w:p>{breaks}<w:p><w:t>&#x263A;</w:t></w:p></w:document>")
    data = hostile.package({"word/document.xml": xml.encode(encoding)})
    assert parsing.parsed_text("x.docx", data) == "caf\u00e9 & cr\u00e8me\n\u263a".encode()


def test_a_presentation_with_more_text_parts_than_the_limit_is_refused() -> None:
    with pytest.raises(parsing.TooLarge, match="more than 10,000 text parts"):
        parsing.parsed_text("x.pptx", hostile.many_parts(10_001))


def test_pages_sharing_one_content_stream_are_refused_past_the_content_limit() -> None:
    """Each page counts the stream it names: 3,000 pages of one 3 KB stream are 9 MB of content."""
    pdf = hostile.shared_stream_pdf(3_000, hostile.text_ops("y" * 3_000, 1))
    assert len(pdf) < 1_000_000
    with pytest.raises(parsing.TooLarge, match="content expands past 8 MiB .limit."):
        parsing.parsed_text("x.pdf", pdf)


def test_pages_sharing_a_stream_but_not_their_resources_are_each_parsed_and_counted() -> None:
    pdf = hostile.shared_stream_pdf(100, hostile.PAGE_OF_TEXT, shared_resources=False)
    with pytest.raises(parsing.TooLarge, match="content expands past 65,536 bytes"):
        parsing.parsed_text("x.pdf", pdf, parsing.Limits(content_bytes=65_536))


def test_a_pdf_is_refused_past_its_pages_text_or_one_streams_size() -> None:
    with pytest.raises(parsing.TooLarge, match="more than 5,000 pages"):
        parsing.parsed_text("x.pdf", hostile.shared_stream_pdf(5_001, b""))
    with pytest.raises(parsing.TooLarge, match="content expands past 8 MiB"):
        parsing.parsed_text("x.pdf", hostile.shared_stream_pdf(1, b"0 0 m 1 1 l S " * 700_000))
    with pytest.raises(parsing.TooLarge, match="text runs past 2,000 bytes"):
        pdf = hostile.shared_stream_pdf(3, hostile.PAGE_OF_TEXT)
        parsing.parsed_text("x.pdf", pdf, parsing.Limits(text_bytes=2_000))


def test_pages_sharing_a_stream_within_the_limits_read_as_before() -> None:
    text = parsing.parsed_text("x.pdf", hostile.shared_stream_pdf(3, hostile.text_ops("shared words", 2)))
    assert text.decode().split("\n") == ["shared wordsshared words"] * 3


def test_a_document_past_its_cpu_time_is_refused() -> None:
    with pytest.raises(parsing.TooLarge, match="more than 0 s of CPU"):
        parsing.parsed_text("x.docx", hostile.zip_bomb("docx", 1), parsing.Limits(seconds=0))
    with pytest.raises(parsing.TooLarge, match="more than 0 s of CPU"):
        parsing.parsed_text("x.pdf", hostile.shared_stream_pdf(2, hostile.PAGE_OF_TEXT), parsing.Limits(seconds=0))
