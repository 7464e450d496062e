"""Every form a secret takes when a server or a renderer quotes it back: what `Secrets` looks for.

A server that echoes a request body may quote it raw, as a JSON string (escaped the Python, PHP `\\/` or Go
`\\u003c` way), percent- or `quote_plus`-encoded (a form body, a URL), HTML-escaped (an error page), or
base64-encoded (a body or a token inside a longer encoded blob), and aac itself writes control and format
characters escaped (`aac.escape.escape_text`) before it redacts. Each of those is a literal string to find.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, quote_plus

from aac.escape import escape_text

# Go's encoding/json escapes these even inside strings (HTML safety); PHP's json_encode escapes '/'.
_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
_PERCENT = re.compile(r"%[0-9A-F]{2}")


def forms(value: str) -> set[str]:
    """`value` in every encoding a server or aac's own escaping may quote it in (`value` included)."""
    quoted = {form for form in text_forms(value) if form != value}
    # A request body is JSON: base64 of the body holds the secret as the body quoted it.
    return text_forms(value) | {form for text in (value, *quoted) for form in _base64(text)}


def text_forms(value: str) -> set[str]:
    """The forms that keep the text in order (a prefix of the secret encodes to a prefix of its form)."""
    texts = {value, escape_text(value), *_percent(value), *_html(value)}
    quoted = {form for text in texts for form in _json(text)}
    # A JSON string quoted again (a server's message holding the body) and a third time (that message in
    # `--format json`), and escaped for a terminal after JSON (a `\u202e` the encoder kept raw).
    again = {form for text in quoted for form in (*_json(text), escape_text(text))}
    third = {json.dumps(text)[1:-1] for text in again}
    return texts | quoted | again | third


def _json(text: str) -> set[str]:
    plain = {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    php = {form.replace("/", "\\/") for form in plain}
    go = {_go(form) for form in plain}
    return plain | php | go | {_go(form) for form in php}


def _go(form: str) -> str:
    for char, escape in _GO_ESCAPES.items():
        form = form.replace(char, escape)
    return form


def _percent(value: str) -> set[str]:
    encoded = {quote(value, safe=""), quote(value), quote_plus(value, safe=""), quote_plus(value)}
    return encoded | {_PERCENT.sub(lambda m: m.group(0).lower(), form) for form in encoded}


def _html(value: str) -> set[str]:
    specials = [c for c in dict.fromkeys(value) if c in _HTML_NAMED]
    if not specials:
        return set()
    styles = (lambda c: _HTML_NAMED[c], lambda c: f"&#{ord(c)};", lambda c: f"&#x{ord(c):x};",
              lambda c: f"&#x{ord(c):X};", lambda c: "&#x27;" if c == "'" else _HTML_NAMED[c])  # html.escape's
    found = set()
    for style in styles:
        text = value.replace("&", style("&"))  # first, so the other entities' '&' stay
        for char in specials:
            text = text if char == "&" else text.replace(char, style(char))
        found.add(text)
    return found


def _base64(value: str) -> set[str]:
    """The secret base64-encoded (standard and URL-safe, padded or not), and the part of it that stays the same
    wherever it sits in a longer encoded body: base64 encodes 3 bytes as 4 characters, so a secret preceded by
    n bytes is encoded in one of three alignments; the characters made only of the secret's bytes are stable."""
    data = value.encode("utf-8")
    found = {base64.b64encode(data).decode(), base64.b64encode(data).decode().rstrip("=")}
    for skip in range(3):  # the bytes of the secret shared with the characters before it
        inner = data[skip:]
        inner = inner[: len(inner) - len(inner) % 3]
        if len(inner) >= 6:  # 8 characters at least: shorter would match ordinary text
            found.add(base64.b64encode(inner).decode())
    return found | {form.replace("+", "-").replace("/", "_") for form in found}
