"""A secret quoted back in another form is not printed: base64 (standard and URL-safe, padded or not, at any
offset in a longer body), percent-encoding, HTML entities, JSON escaped the Python, PHP and Go ways, escaped for
the terminal, split across lines, or cut short after most of it. Through `Output`, as every command prints, and
through the CLI, with a sandbox whose objects hold the target's key in those forms."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import openai
import pytest
from tests.apply.helpers import KEY_ENV, write_stack
from tests.cli_harness import Cli

from aac.identity import tags
from aac.output import Output
from aac.sandbox.server import serve_in_background
from aac.secrets import REDACTED, Secrets

# Built at run time: no whole secret in the source. One plain token, one with every character an encoding
# changes, and one with the characters the terminal escaping writes as \uXXXX (a backspace, a form feed, an
# astral format character).
PLAIN = "sk-" + "forms0123456789abcdefGHIJKLmnop"
SPECIAL = "p@ss/w0rd+" + "<tag>&\"quote\"'é/ünï~cödé?=%"
CONTROL = "tok\b" + "en\fwith\U000e0041format-0123456789"
SECRETS = (PLAIN, SPECIAL, CONTROL)


def _b64(data: bytes, urlsafe: bool = False) -> str:
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()


ENCODINGS: dict[str, Callable[[str], str]] = {
    "base64": lambda s: _b64(s.encode()),
    "base64 unpadded": lambda s: _b64(s.encode()).rstrip("="),
    "base64 url-safe": lambda s: _b64(s.encode(), urlsafe=True),
    "base64 offset 1": lambda s: _b64(b"{" + s.encode() + b"}"),
    "base64 offset 2": lambda s: _b64(b'{"' + s.encode() + b'"}'),
    "base64 offset 4, url-safe, unpadded": lambda s: _b64(b"Bear" + s.encode() + b"\n", urlsafe=True).rstrip("="),
    "base64 of a JSON body": lambda s: _b64(json.dumps({"auth": {"token": s}}).encode()),
    "base64 wrapped at 76": lambda s: "\n".join(_b64(b"x" * 50 + s.encode())[i:i + 76] for i in range(0, 200, 76)),
    "quote": lambda s: quote(s),
    "quote, nothing safe": lambda s: quote(s, safe=""),
    "quote_plus": quote_plus,
    "quote, lower-case hex": lambda s: re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(s, safe="")),
    "html.escape": html.escape,
    "html named": lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;").replace("'", "&apos;"),
    "html decimal": lambda s: "".join(f"&#{ord(c)};" if c in "&<>\"'" else c for c in s),
    "html hex": lambda s: "".join(f"&#x{ord(c):x};" if c in "&<>\"'" else c for c in s),
    "json": lambda s: json.dumps(s),
    "json, non-ASCII kept": lambda s: json.dumps(s, ensure_ascii=False),
    "json the PHP way": lambda s: json.dumps(s).replace("/", "\\/"),
    "json the Go way": lambda s: json.dumps(s, ensure_ascii=False).replace("<", "\\u003c").replace(
        ">", "\\u003e").replace("&", "\\u0026"),
    "json in json": lambda s: json.dumps(json.dumps(s)),
    "split by a line feed": lambda s: s[:9] + "\n" + s[9:],
    "split by CRLF and an indent": lambda s: s[:5] + "\r\n    " + s[5:17] + "\r\n    " + s[17:],
    "split every 4 characters": lambda s: "\n".join(s[i:i + 4] for i in range(0, len(s), 4)),
    "split in a JSON string": lambda s: json.dumps(s[:11] + "\n" + s[11:]),
    "cut after 3/4": lambda s: s[: -(-len(s) * 3 // 4)] + "...",
    "masked after all but 2": lambda s: s[:-2] + "**",
}


def _visible(text: str, secret: str) -> list[str]:
    """The encodings of `secret` whose stable part (12 characters or more of it) `text` still shows."""
    found = []
    for name, encode in ENCODINGS.items():
        encoded = encode(secret).replace("\r", "").replace("\n", "")
        core = encoded[len(encoded) // 4: len(encoded) * 3 // 4] if "base64" in name else encoded[4:16]
        if len(core) >= 8 and core in text.replace("\r", "").replace("\n", "").replace("    ", ""):
            found.append(name)
    return found


@pytest.mark.parametrize("secret", SECRETS, ids=["plain", "special", "control"])
@pytest.mark.parametrize("encoding", ENCODINGS, ids=ENCODINGS.keys())
def test_an_echoed_secret_in_any_form_is_not_printed(secret: str, encoding: str) -> None:
    err = io.StringIO()
    out = Output(stderr=err, stdout=err)
    out.secrets.add(secret)
    echoed = ENCODINGS[encoding](secret)

    out.error(f"creating credential gh/mcp failed: you sent {echoed} (HTTP 400)", f"check {echoed}")
    out.warn(f"the server answered {echoed}")
    out.document(json.dumps({"message": f"echo {echoed}"}))

    printed = err.getvalue()
    assert REDACTED in printed
    assert not _visible(printed, secret), printed
    assert "creating credential gh/mcp failed: you sent " in printed  # the rest of the message stays


def test_the_terminal_escaped_form_is_redacted_after_escaping() -> None:
    err = io.StringIO()
    out = Output(stderr=err)
    out.secrets.add(CONTROL)
    out.error(f"bad token {CONTROL!s}")
    assert err.getvalue() == f"error: bad token {REDACTED}\n"


def test_text_without_a_secret_is_left_as_it_is() -> None:
    secrets = Secrets()
    for secret in SECRETS:
        secrets.add(secret)
    text = "plan: 3 to add\n  + vector_store.docs\n    name: \"Docs\"\n" + "sk-forms0123\n" + "p@ss/w0rd\n"
    assert secrets.redact(text) == text  # pieces shorter than 3/4 of a secret, or 12 characters, stay


# -- through the CLI ---------------------------------------------------------------------------------------------

KEY = "sk-" + "proj-hostile0123456789ABCDEFabcdef"
INJECTED = {  # how a hostile account holds the target's key in its objects
    "name": "Support knowledge base " + _b64(b"k=" + KEY.encode()),
    "seen_b64url": _b64(b"{" + KEY.encode() + b"}", urlsafe=True).rstrip("="),
    "seen_quoted": quote_plus("key=" + KEY),
    "seen_html": html.escape(f"<{KEY}>"),
    "seen_split": KEY[:14] + "\n" + KEY[14:],
    "seen_prefix": KEY[:-3] + "***",
}


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[str]:
    """A sandbox holding the example's store (owned by the stack) and one made by hand, both carrying the key."""
    with serve_in_background(str(tmp_path / "sandbox.db")) as server, \
            openai.OpenAI(base_url=server.base_url, api_key=KEY) as client:
        metadata = {key: value for key, value in INJECTED.items() if key != "name"}
        client.vector_stores.create(name=INJECTED["name"], metadata={
            **tags("demo", "support-kb", "sha256:0"), **dict(list(metadata.items())[:3])})
        client.vector_stores.create(name=INJECTED["name"], metadata=dict(list(metadata.items())[2:]))
        yield server.base_url


def _leaks(text: str) -> list[str]:
    shown = [name for name, value in INJECTED.items() if value.replace("\n", "")[8:-8] in text.replace("\n", "")]
    return shown + [KEY[i:i + 12] for i in range(len(KEY) - 11) if KEY[i:i + 12] in text]


def test_the_targets_key_held_encoded_by_live_objects_is_in_no_output_or_file(
        tmp_path: Path, hostile: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    root = write_stack(tmp_path / "stack", hostile)
    aac = Cli(root, capsys)
    commands = [
        *(("plan", "--format", f) for f in ("text", "json", "markdown")),
        ("plan", "--format", "json", "--out", "plan.json"),
        ("plan", "--format", "markdown", "--out", "plan.md"),
        *(("show", "--format", f, "plan.json") for f in ("text", "json", "markdown")),
        *(("drift", "--format", f) for f in ("text", "json", "markdown", "junit")),
        *(("drift", "--format", f, "--out", f"drift.{f}") for f in ("json", "markdown", "junit")),
        *(("output", "--format", f) for f in ("json", "env")),
        ("import", "--all", "--out", "assistants/imported", "--auto-approve"),
    ]
    for command in commands:
        result = aac(*command)
        assert not _leaks(result.out + result.err), (command, result.out + result.err)
    assert (root / "plan.json").is_file() and (root / "drift.junit").is_file()
    imported = list((root / "assistants/imported").rglob("*.yaml"))
    assert imported  # the hand-made store was imported, its name and metadata written
    for path in (p for p in root.rglob("*") if p.is_file() and p.suffix != ".pdf"):
        assert not _leaks(path.read_text("utf-8", "replace")), path
