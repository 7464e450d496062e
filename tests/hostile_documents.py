"""Small documents that cost a parser far more than their size: each names the limit that refuses it."""

from __future__ import annotations

import functools
import io
import zipfile

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PART = {"docx": "word/document.xml", "pptx": "ppt/slides/slide1.xml"}
RUN = {"docx": "w", "pptx": "a"}
_LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))


def package(parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def unclosed_runs(kind: str, count: int = 20_000) -> bytes:
    """The text-run tag opened `count` times and never closed: a backtracking regex goes quadratic."""
    return package({PART[kind]: f"<{RUN[kind]}:t " * count})


def nested_entities(kind: str) -> bytes:
    """A billion laughs: ten entities each ten of the one before, in a DTD."""
    return package({PART[kind]: f'<!DOCTYPE d [<!ENTITY l0 "ha">{_LAUGHS}]><d {W}><w:p><w:t>&l9;</w:t></w:p></d>'})


def external_entity(kind: str) -> bytes:
    """An entity naming a file on the machine that parses it."""
    xml = f'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d {W}><w:p><w:t>&x;</w:t></w:p></d>'
    return package({PART[kind]: xml})


@functools.cache
def zip_bomb(kind: str, mib: int = 65) -> bytes:
    """A part of `mib` MiB of XML (spaces inside one run), deflated to about a thousandth of that."""
    run = RUN[kind]
    return package({PART[kind]: f"<{run}:p><{run}:t>" + " " * (mib * 1024 * 1024) + f"</{run}:t></{run}:p>"})


def lying_zip_bomb(kind: str) -> bytes:
    """A zip bomb whose headers claim its part is 100 bytes: the reader must not trust them to expand it."""
    data = bytearray(zip_bomb(kind, 8))
    name = PART[kind].encode()
    local = data.find(name) - 30
    central = data.find(name, local + 31) - 46
    data[local + 22:local + 26] = data[central + 24:central + 28] = (100).to_bytes(4, "little")
    return bytes(data)


def many_parts(count: int) -> bytes:
    return package({f"ppt/slides/slide{n}.xml": "<a:p/>" for n in range(1, count + 1)})


def long_text(kind: str, mib: int = 21) -> bytes:
    run = RUN[kind]
    return package({PART[kind]: f"<{run}:p><{run}:t>" + "word " * (mib * 1024 * 1024 // 5) + f"</{run}:t></{run}:p>"})


def shared_stream_pdf(pages: int, content: bytes, *, shared_resources: bool = True) -> bytes:
    """`pages` pages drawing one deflated content stream (a few hundred bytes whatever `pages` is)."""
    writer = PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(content)
    contents = writer._add_object(stream.flate_encode())
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    resources: object = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    if shared_resources:
        resources = writer._add_object(resources)  # type: ignore[arg-type]
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = resources  # type: ignore[assignment]
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_ops(words: str, times: int) -> bytes:
    """A content stream showing `words` `times` times in Helvetica."""
    return b"BT /F1 12 Tf 72 720 Td " + f"({words}) Tj ".encode() * times + b"ET"


PAGE_OF_TEXT = text_ops("lorem ipsum dolor sit amet", 40)  # about 1 KiB of text a page
