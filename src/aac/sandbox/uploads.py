"""Streaming multipart parsing for `POST /v1/files`.

The file part goes straight to a file beside the database while it is hashed and
counted, so an upload is never held whole in memory (the real limit is 512 MB).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from aac import limits
from aac.sandbox.apierror import ApiError

# A malformed upload is answered with a 400; python-multipart's own warning would only be noise.
logging.getLogger("python_multipart").addHandler(logging.NullHandler())


@dataclass
class Upload:
    """What arrived: the form's text fields and, if present, the spooled file part."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    size: int = 0
    sha256: str = ""
    path: Path | None = None


class _Receiver:
    """python-multipart callbacks that write the file part to `path` as it arrives."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.upload = Upload()
        self._path = path
        self._max = max_bytes
        self._header_field = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._text = bytearray()
        self._sink: IO[bytes] | None = None
        self._hash = hashlib.sha256()

    def callbacks(self) -> Any:  # python-multipart's MultipartCallbacks TypedDict
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._text = bytearray()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field = data[start:end].lower()

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        key = self._header_field
        self._headers[key] = self._headers.get(key, b"") + data[start:end]

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options and self._name == "file" and self._sink is None:
            self.upload.filename = os.path.basename(options[b"filename"].decode("utf-8", "replace"))
            self._sink = self._path.open("wb")
            self.upload.path = self._path

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._sink is not None and self._name == "file":
            self.upload.size += len(chunk)
            if self.upload.size > self._max:
                raise ApiError(
                    400,
                    f"File is too large: it exceeds the maximum file size of {self._max} bytes (512 MB).",
                    param="file",
                    code="file_too_large",
                )
            self._hash.update(chunk)
            self._sink.write(chunk)
        else:
            self._text += chunk

    def _part_end(self) -> None:
        if self._sink is not None and self._name == "file" and not self._sink.closed:
            self._sink.close()
            self.upload.sha256 = self._hash.hexdigest()
        elif self._name:
            self.upload.fields[self._name] = self._text.decode("utf-8", "replace")

    def close(self) -> None:
        if self._sink is not None and not self._sink.closed:
            self._sink.close()


async def receive(request: Request, path: Path, max_bytes: int = limits.FILE_BYTES_MAX) -> Upload:
    """Parse a multipart request, streaming its `file` part to `path`."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        got = request.headers.get("content-type", "none")
        raise ApiError(400, f"Invalid Content-Type header ({got}), expected multipart/form-data.",
                       code="invalid_content_type")
    receiver = _Receiver(path, max_bytes)
    try:
        await _parse(request, MultipartParser(boundary, receiver.callbacks()))
    finally:
        receiver.close()
    return receiver.upload


async def _parse(request: Request, parser: MultipartParser) -> None:
    """Feed the whole body to the parser; on failure, read the rest anyway, then answer.

    Answering before the body is read would reset a client still sending it, and the SDK
    retries a reset: a file over the limit would be uploaded three times.
    """
    failure: ApiError | None = None
    async for chunk in request.stream():
        if failure is not None:
            continue
        try:
            parser.write(chunk)
        except ApiError as exc:
            failure = exc
        except Exception as exc:
            failure = ApiError(400, f"Could not parse multipart form: {exc}", code="invalid_multipart")
    if failure is None:
        try:
            parser.finalize()
        except Exception as exc:
            failure = ApiError(400, f"Could not parse multipart form: {exc}", code="invalid_multipart")
    if failure is not None:
        raise failure
