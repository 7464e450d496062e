"""Every secret aac knows in a run, and the one function that keeps them out of what it prints or writes.

A server may echo the Authorization header in an error, or carry it in a listed object; the
key then reaches messages, reports, tracebacks and imported manifests as ordinary text. So
secrets are registered where aac learns them (the target's key when it connects; a vault's
credential secrets when they are read) and `Output` passes every line and every file it
writes through `redact`.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aac.secret_forms import forms, text_forms

REDACTED = "[REDACTED]"
MIN_LENGTH = 8  # shorter values are no real secret, and replacing them would garble ordinary words
# The write-only fields of a credential's `auth` (SDK credential_auth_create_param.py and its token endpoint
# auth): a manifest writes each `<field>_env: VARIABLE` (resources.SECRET_SUFFIX), never the value.
SECRET_FIELDS = ("token", "access_token", "refresh_token", "client_secret", "secret_value")
# Headers that carry a credential: the API keeps an mcp tool's `headers` as plain, readable configuration.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
# A URL is plain configuration too (shown in every plan): neither `user:token@` nor a query parameter such as
# `access_token=` belongs in one; nor a header, or a key of `request_metadata` or `metadata`, named for a
# credential. Names compared in lowercase without '-' and '_': Ocp-Apim-Subscription-Key, X-Functions-Key,
# X-Goog-Api-Key, X-Auth-Token, Private-Token, X-Amz-Security-Token, X-Amz-Signature...
_SECRET_QUERY_ENDS = ("token", "secret", "password", "passwd", "apikey", "key", "signature")
# `code`: an Azure Functions key (`?code=`) or an OAuth authorization code; `sig`: a SAS token's signature.
_SECRET_QUERY_NAMES = frozenset({"key", "sig", "signature", "auth", "code", "pwd", "sas", "sastoken"})
# Names ending like a credential's that name none: a request's identity, a position in a list, a public key.
_NOT_SECRET_ENDS = ("idempotencykey", "cachekey", "partitionkey", "sortkey", "primarykey", "foreignkey",
                    "routingkey", "publickey", "pagetoken", "continuationtoken", "synctoken")
# A prefix of a secret this long shows too much of it: at least 3/4 of it, and at least 12 characters.
PREFIX_SHARE, PREFIX_MIN = 0.75, 12
# A line break a wrapping server or renderer inserts (a JSON string's `\n`, or `\\n` in JSON quoted twice, too;
# `\u000a` as aac.escape writes a break for the terminal, before lines are redacted), with the next line's indent.
_ESCAPED_BREAKS = ("\\\\r", "\\\\n", "\\r", "\\n", "\\u000a", "\\u000d", "\\u000A", "\\u000D", "\r")
_BREAK = re.compile(r"(?:(?:[\r\n]|\\{1,2}[rn]|\\u000[adAD])[ \t]*)+")

# Token shapes a secret scanner knows, each with the provider it names in a message (gitleaks' and GitHub
# secret scanning's published prefixes); each needs a body long enough that no variable name has one.
_TOKEN_SHAPES = tuple((re.compile(pattern), provider) for pattern, provider in (
    (r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}", "GitHub"),
    (r"sk-(?:proj-|svcacct-|admin-)?[\w-]{16,}", "OpenAI"),
    (r"sk-ant-[\w-]{16,}", "Anthropic"),
    (r"xox[abeoprs]-[\w-]{10,}|xapp-[\w-]{10,}", "Slack"),
    (r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}", "AWS"),
    (r"AIza[\w-]{30,}|ya29\.[\w-]{20,}", "Google"),
    (r"[sr]k_(?:live|test)_[A-Za-z0-9]{10,}", "Stripe"),
    (r"gl(?:pat|dt|ptt|rt|cbt|oas)-[\w-]{16,}", "GitLab"),
    (r"eyJ[\w-]{8,}\.?", "JWT"),
    (r"hf_[A-Za-z0-9]{30,}", "Hugging Face"),
    (r"npm_[A-Za-z0-9]{30,}", "npm"),
    (r"pypi-[\w-]{50,}", "PyPI"),
    (r"SG\.[\w-]{16,}", "SendGrid"),
    (r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}", "Shopify"),
    (r"dop_v1_[a-f0-9]{64}", "DigitalOcean"),
    (r"-----BEGIN[A-Z ]*PRIVATE KEY", "private key"),
))
# A random token is told from a name by how its characters vary. A name's words keep one case (OPENAI_API_KEY,
# AZURE_OPENAI_API_KEY_2, github_mcp_token, MyServiceKey): the class (upper, lower, digit) changes at most once a
# word, a capital starting it aside. A random token of letters and digits changes class (capital-then-small aside)
# at ~45% of adjacent pairs (hex ~47%), and carries ~4 to 5 bits a character (hex ~3.7); entropy alone cannot tell
# ABCDEFGHIJKLMNOP (4 bits) from a token, so it only rules out repetitive text (AAAA1111...). Both measured over
# 16 characters or more: a shorter token is rare, and a short name varies by chance. Measured on random tokens:
# 16 characters of [A-Za-z0-9] caught 89% of the time, 24 or 32: 95%, 40: 98%, 64: 100%; hex of 32: 97%.
ENTROPY_MIN_LENGTH, ENTROPY_BITS, CLASS_CHANGES = 16, 3.0, 0.3

# The same shapes found inside a value (`Bearer ghp_...`, `token=sk-...`): not preceded by what a token is made of.
_TOKEN_SHAPES_INSIDE = tuple((re.compile(f"(?<![\\w-])(?:{pattern.pattern})"), provider)
                             for pattern, provider in _TOKEN_SHAPES)
_TOKEN_IN_TEXT = re.compile("|".join(pattern.pattern for pattern, _ in _TOKEN_SHAPES_INSIDE))

__all__ = ["REDACTED", "Secrets", "forms", "hide", "holds_token", "secret_header", "names_variable", "token_in",
           "token_kind", "token_problem", "url_holds_secret"]


class Secrets:
    """A set of secret strings; `redact` replaces each occurrence, in any of its forms, with [REDACTED]."""

    def __init__(self) -> None:
        # Every form, and each one's stem in the same order (looked for in every line printed), swapped as one.
        self._table: tuple[tuple[_Form, ...], tuple[str, ...]] = ((), ())
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_LENGTH:
            return
        with self._lock:
            known = {form.full: form for form in self._table[0]}
            known.update((form.full, form) for form in _forms(value))
            # Longest first, so a secret that contains another is replaced whole.
            ordered = tuple(sorted(known.values(), key=lambda f: (-len(f.full), f.full)))
            self._table = (ordered, tuple(form.stem for form in ordered))

    def __len__(self) -> int:
        return len(self._table[0])

    def redact(self, text: str) -> str:
        # One form at a time, longest first: a secret that contains another is replaced whole.
        known, stems = self._table
        for form in [form for form, stem in zip(known, stems, strict=True) if stem in text]:
            text = _replaced(text, _spans(text, [form]))
        if known and _has_break(text.rstrip("\r\n")):  # a break at the very end splits nothing
            text = _redact_split(text, known)
        return text


def _forms(value: str) -> list[_Form]:
    """Each form of `value`, its stem the same form of the secret's long prefix where the encoding keeps order
    (a JSON-escaped prefix is longer than 3/4 of the escaped secret's characters), else 3/4 of the form."""
    size = max(PREFIX_MIN, math.ceil(len(value) * PREFIX_SHARE))
    prefixes = sorted(text_forms(value[:size]), key=len) if size < len(value) else []
    found = []
    for full in (text for text in forms(value) if len(text) >= MIN_LENGTH):
        stem = next((p for p in prefixes if full.startswith(p) and len(p) >= PREFIX_MIN), None)
        found.append(_Form(stem, full) if stem else _Form.of(full))
    return found


@dataclass(frozen=True)
class _Form:
    """One form of a secret (`full`), and the prefix of it that is enough to mask (`stem`): a server that
    truncates or masks a secret after most of it (`sk-proj-abc...xyz**`) still shows too much."""

    stem: str
    full: str

    @classmethod
    def of(cls, full: str) -> _Form:
        size = max(PREFIX_MIN, math.ceil(len(full) * PREFIX_SHARE))
        return cls(full[:size] if size < len(full) else full, full)


def _spans(text: str, found: Iterable[_Form]) -> list[tuple[int, int]]:
    """Where `text` holds a stem, each span stretched over as much of its form as follows it; sorted, merged."""
    spans = []
    for form in found:
        start = text.find(form.stem)
        while start >= 0:
            end, limit = start + len(form.stem), min(len(text), start + len(form.full))
            while end < limit and text[end] == form.full[end - start]:
                end += 1
            spans.append((start, end))
            start = text.find(form.stem, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _replaced(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], REDACTED]
        last = end
    return "".join(pieces) + text[last:]


def _has_break(text: str) -> bool:
    return "\n" in text or "\r" in text or "\\n" in text or "\\r" in text or "\\u000" in text  # `\\n` holds `\n`


def _redact_split(text: str, known: tuple[_Form, ...]) -> str:
    """A secret with line breaks inserted (wrapped base64, a folded header, `\\n` in a JSON string): found in
    the text with its breaks taken out, then replaced in the text as it is, breaks and all."""
    # Joined with str's own methods (the pattern takes ~40 ms a megabyte), exactly as _BREAK.sub("", text) would.
    broken = text
    for escaped in _ESCAPED_BREAKS:  # two backslashes first: `\\n` is one break
        broken = broken.replace(escaped, "\n")
    lines = broken.split("\n")
    joined = lines[0] + "".join(line.lstrip(" \t") for line in lines[1:])
    found = [form for form in known if form.stem in joined]
    if not found:  # the common case: every secret was whole, or absent
        return text
    breaks = _BREAK.finditer(text)
    at, removed, total = [], [], 0  # each break's position in `joined`, and the characters removed up to it
    for match in breaks:
        at.append(match.start() - total)
        total += match.end() - match.start()
        removed.append(total)

    def original(index: int, start: bool) -> int:
        count = bisect.bisect_right(at, index) if start else bisect.bisect_left(at, index)
        return index + (removed[count - 1] if count else 0)

    return _replaced(text, [(original(s, True), original(e, False)) for s, e in _spans(joined, found)])


def token_kind(value: Any) -> str | None:
    """What a value written where a NAME goes looks like, when it looks like a credential: the provider whose
    token shape it has ("a GitHub token"), "a high-entropy string", or None for a plausible name."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return _provider(text, anywhere=False) or ("a high-entropy string" if _random(text) else None)


def token_in(value: Any) -> str | None:
    """The kind of token of a known shape `value` holds anywhere in it (`X-GitHub: Bearer ghp_...`), or None."""
    return _provider(value, anywhere=True) if isinstance(value, str) else None


def _provider(text: str, anywhere: bool) -> str | None:
    for pattern, provider in _TOKEN_SHAPES_INSIDE if anywhere else _TOKEN_SHAPES:
        if (pattern.search(text) if anywhere else pattern.match(text)):
            what = provider if provider in ("JWT", "private key") else f"{provider} token"
            return f"{'an' if what[0] in 'AEIOU' else 'a'} {what}"
    return None


def _random(text: str) -> bool:
    """Shannon entropy (bits a character) and the share of adjacent characters that change class, both high."""
    if len(text) < ENTROPY_MIN_LENGTH:
        return False
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    # Counted inside each run of letters and digits (AWS_S3_BUCKET_V2: a digit ending a word is no change of
    # word), and a capital followed by a small letter starts a word (MyServiceKey): not counted either.
    pairs = [pair for word in re.split(r"[^A-Za-z0-9]+", text) for pair in itertools.pairwise(map(_class, word))]
    changes = sum(a != b and (a, b) != (1, 2) for a, b in pairs) / max(1, len(pairs))
    return entropy >= ENTROPY_BITS and changes >= CLASS_CHANGES


def _class(char: str) -> int:
    return 0 if char.isdigit() else 1 if char.isupper() else 2


def names_variable(field: str) -> bool:
    """Whether the field at `field` (dotted) holds the NAME of an environment variable, never a value."""
    return field.endswith("_env") or field.rsplit(".", 1)[-1] == "secret_name"


def token_problem(field: str, kind: str) -> tuple[str, str]:
    """The message and hint for a credential written where a variable's name goes; the value never quoted."""
    name = field.rsplit(".", 1)[-1]
    example = {"token_env": "GITHUB_MCP_TOKEN", "api_key_env": "OPENAI_API_KEY"}.get(name, "MY_SECRET")
    return (f"`{field}` holds what looks like {kind}, not the name of an environment variable",
            f"put the secret in an environment variable (in CI, a secret of the job) and write the variable's NAME "
            f"here, e.g. `{name}: {example}`; if the value was ever committed or pushed, rotate it")


def holds_token(text: Any) -> bool:
    """Whether `text` holds a token of a shape a secret scanner knows, anywhere in it (`Bearer ghp_...`): one
    pattern for all shapes, as every value of a plan may be tested."""
    return isinstance(text, str) and _TOKEN_IN_TEXT.search(text) is not None


def hide(value: Any, key: Any = "") -> Any:
    """Configuration the API returns to anyone who reads it (a credential's public auth, an mcp tool's transport
    and request metadata), as a plan, a report or an imported manifest may show it: "[REDACTED]" for every
    value a credential may sit in, which only a hand (on the target, or in a manifest) can have put there.

    That is a value under a key named for a credential (`token`, `Authorization`, `X-Access-Key`,
    `Ocp-Apim-Subscription-Key`), a URL that carries one (`user:token@`, `?code=`), and a string holding a token
    of a known shape under any key (`X-GitHub: Bearer ghp_...`). Applied alike to what the manifests want and
    to what is live, so the two compare as they did, and the sensitivity marks of the plan JSON follow."""
    if isinstance(value, Mapping):
        return {k: hide(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [hide(item, key) for item in value]
    if not isinstance(value, str) or value == REDACTED:
        return value
    if str(key) in SECRET_FIELDS or secret_header(key) or url_holds_secret(value) or holds_token(value):
        return REDACTED
    return value


def url_holds_secret(url: Any) -> bool:
    """Whether `url` carries a credential: user information (`user:token@`) or a query parameter named for one."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    names = {_normal(name) for name, _ in parse_qsl(parts.query, True)}
    # An Azure SAS token: `sig` is its secret, and `sv` (version) with `se` (expiry) its shape without one.
    return "@" in parts.netloc or any(_secret_name(name) for name in names) or {"sv", "se"} <= names


def secret_header(name: Any) -> bool:
    """Whether a header named `name` carries a credential (`Authorization`, `X-Api-Key`, `Private-Token`, ...)."""
    return str(name).strip().lower() in SECRET_HEADERS or _secret_name(str(name))


def secret_name(name: Any) -> bool:
    """Whether a key named `name` (of a query string, of `request_metadata` or `metadata`) names a credential."""
    return _secret_name(str(name))


def _secret_name(name: str) -> bool:
    normal = _normal(name)
    if normal.endswith(_NOT_SECRET_ENDS):  # X-Idempotency-Key, next_page_token
        return False
    return normal.endswith(_SECRET_QUERY_ENDS) or normal in _SECRET_QUERY_NAMES


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "").replace("_", "")
