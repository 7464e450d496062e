"""The write half of the network layer: every create, update and delete goes through here.

No duplicates (API_FACTS 5.3): the SDK retries non-GET requests and sends no idempotency
key, so a create whose response was lost would be sent twice. This writer runs the SDK
with `max_retries=0` and retries itself: after a lost response (timeout, dropped
connection, 5xx) it first looks the object up by its tags (an upload by its
content-addressed filename) and only creates again when nothing is there. 429 and 5xx
back off, honouring `retry-after-ms` / `retry-after`, with jitter, for a bounded number of
attempts. Every SDK exception leaves as an `AacError` (aac.api.errors.translate).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import openai

from aac.api.connect import Api
from aac.api.counting import CountingReader
from aac.api.errors import is_not_found
from aac.api.reader import PAGE
from aac.api.retry import RetryPolicy, delay, maybe_done, retryable
from aac.errors import AacError
from aac.identity import first, owner_of
from aac.resources import TAG_SERVER_KEYS
from aac.secrets import REDACTED, forms

T = TypeVar("T")
JSON = dict[str, Any]

UPLOAD_TIMEOUT_MIN_S = 120.0  # a server asking for longer is answered by failing the step


class Interrupted(AacError):
    """The user asked to stop (Ctrl-C): no further request is sent."""

    def __init__(self) -> None:
        super().__init__("interrupted", "run the command again to finish", exit_code=130)


class Writer:
    """Writes through the API's SDK client. Safe to share between threads.

    A kind whose writes are not methods here (an agent, a vault, a credential) writes through `call`,
    `delete`, `create_tagged`, `call_with_secrets` and `learn_server_keys`, with `mine` and `owned` to find its
    objects.
    """

    def __init__(
        self,
        api: Api,
        stack: str,
        *,
        policy: RetryPolicy | None = None,
        cancel: threading.Event | None = None,
        parallelism: int = 4,
    ) -> None:
        self.api = api
        self.sdk = api.sdk.with_options(max_retries=0)
        self.stack = stack
        self.policy = policy or RetryPolicy()
        self.cancel = cancel or threading.Event()
        self.parallelism = parallelism
        self.learnt: dict[str, Any] = {}  # what the server was found to do this run, by what learnt it
        self.server_keys: set[str] = set()  # metadata keys the server added to objects this writer created
        self._random = random.Random()
        self._lock = threading.Lock()

    # -- the retry loop ------------------------------------------------------------------

    def call(self, what: str, send: Callable[[], T], recover: Callable[[], T | None] | None = None) -> T:
        """Send one request, retrying what is safe to retry; `recover` finds a lost create."""
        for attempt in range(1, self.policy.attempts + 1):
            self._check_cancel()
            try:
                return send()
            except openai.OpenAIError as exc:
                if not retryable(exc) or attempt == self.policy.attempts:
                    raise self.api.translate(exc, what) from exc
                if recover is not None and maybe_done(exc):
                    found = self._recover(what, recover)
                    if found is not None:
                        return found
                self.wait(delay(self.policy, exc, attempt, what, self._random))
        raise AssertionError("unreachable")  # pragma: no cover

    def _recover(self, what: str, recover: Callable[[], T | None]) -> T | None:
        # The lookup is a read: retry it like any other, but never recursively recover.
        return self.call(f"looking up the result of {what} after a lost response", recover)

    def wait(self, seconds: float) -> None:
        """Sleep, waking early (and stopping) when the user interrupts."""
        if self.cancel.wait(seconds):
            raise Interrupted()

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Interrupted()

    def delete(self, what: str, send: Callable[[], Any]) -> None:
        """A delete is done when the object is gone, whoever removed it (a retry after a lost answer)."""
        try:
            self.call(what, send)
        except AacError as exc:
            if not is_not_found(exc.__cause__):
                raise

    def call_with_secrets(self, what: str, secrets: list[str], send: Callable[[], T],
                          recover: Callable[[], T | None] | None, refused_hint: str) -> T:
        """Send a request that carries `secrets`: known to the run's Secrets first, then kept out of errors.

        A server's answer to such a request is not shown at all: it may quote the secret in a form no redaction
        foresaw (truncated, re-encoded, hashed with a short salt). What failed, the status and the request id are,
        with `refused_hint` where the server's words would have said what to fix."""
        for value in secrets:
            self.api.log.out.secrets.add(value)
        try:
            return self.call(what, send, recover)
        except AacError as exc:
            if not secrets:
                raise
            cause = exc.__cause__
            if isinstance(cause, openai.APIStatusError) and type(exc) is AacError:
                raise _withheld(what, cause, exc.hint, refused_hint) from None  # the SDK's exception holds the echo
            _scrub(exc, sorted({form for value in secrets for form in forms(value)}, key=len, reverse=True))
            exc.__cause__, exc.__suppress_context__ = None, True
            raise

    def mine(self, objects: Iterable[T]) -> list[T]:
        """The objects of an `order=asc` list that carry this stack's tags, in the list's order."""
        return [obj for obj in objects if (owner_of(getattr(obj, "metadata", None)) or ("",))[0] == self.stack]

    def owned(self, objects: Iterable[T], key: str) -> T | None:
        """The oldest object of an `order=asc` list that this stack owns under `key` (as `first` does)."""
        for obj in objects:
            owner = owner_of(getattr(obj, "metadata", None))
            if owner is not None and owner[:2] == (self.stack, key):
                return obj
        return None

    def create_tagged(self, kind: str, key: str, body: JSON, resource: Any) -> Any:
        """Create through an SDK resource with a `create`, `list` and `update` of its own (an agent's, a vault's),
        with this stack's tags in `body["metadata"]`, so a lost answer is found by its key."""
        made = self.call(f"creating {kind} {key}", lambda: resource.create(**body),
                         lambda: self.owned(resource.list(limit=PAGE, order="asc"), key))
        record = self.learn_server_keys(f"{kind}.{key}", body, made.metadata)
        if not record:
            return made
        return self.call(f"updating {kind} {made.id}", lambda: resource.update(made.id, metadata=record))

    # -- files ---------------------------------------------------------------------------

    def upload(self, filename: str, abspath: Path, sha256: str, path: str,
               on_bytes: Callable[[int], None] | None = None) -> Any:
        """Upload with purpose `assistants` under the content-addressed `filename`, refusing to keep an
        upload whose bytes, hashed as they were sent, are not the bytes planned (`sha256`); `on_bytes`
        hears each chunk sent."""
        sent: list[CountingReader] = []

        def send() -> Any:
            with abspath.open("rb") as raw:
                sent[:] = [CountingReader(raw, on_bytes)]
                # A 512 MB file on a slow uplink outlasts the usual request timeout: allow ~1 MB/s.
                body = cast(IO[bytes], sent[0])  # an io.IOBase, which typeshed does not count as IO[bytes]
                return self.sdk.files.create(file=(filename, body), purpose="assistants",
                                             timeout=max(UPLOAD_TIMEOUT_MIN_S, abspath.stat().st_size / 1e6))

        def recover() -> Any:
            return first(self.find_uploads(filename))

        try:
            uploaded = self.call(f"uploading {filename}", send, recover)
        except OSError as exc:
            raise AacError(f"the plan is stale: {path} cannot be read now ({exc.strerror})",
                           "make a new plan: the file was deleted or moved since the plan") from exc
        if sent and sent[0].hexdigest() != sha256:
            self.delete_file(uploaded.id)  # never keep bytes under another content's name
            raise AacError(f"the plan is stale: {path} changed while it was applied (the bytes sent have sha256 "
                           f"{sent[0].hexdigest()[:12]}, the plan's {sha256[:12]}); the upload was deleted",
                           "make a new plan, review it, and apply that")
        return uploaded

    def list_uploads(self) -> list[Any]:
        """Every file of purpose `assistants`, oldest first (the files list pages up to 10,000)."""
        return self.call("listing files", lambda: list(self.sdk.files.list(purpose="assistants", order="asc")))

    def find_uploads(self, filename: str) -> list[Any]:
        return [f for f in self.sdk.files.list(purpose="assistants", order="asc") if f.filename == filename]

    def delete_file(self, file_id: str) -> None:
        self.delete(f"deleting file {file_id}", lambda: self.sdk.files.delete(file_id))

    def learn_server_keys(self, address: str, params: JSON, metadata: Mapping[str, Any] | None) -> JSON | None:
        """Keys the server added to an object just created, that no manifest declared, are the server's.

        Those aac does not know yet are recorded on the object (TAG_SERVER_KEYS): the metadata to
        write for that is returned, else None.
        """
        added = sorted(set(metadata or {}) - set(params.get("metadata") or {}))
        if not added:
            return None
        self.api.log.out.log(f"detected: the server added metadata {added} to {address}; aac keeps them")
        with self._lock:
            self.server_keys.update(added)
        unknown = [k for k in added if k not in self.api.reader().reserved_metadata]
        if not unknown:
            return None
        self.api.log.out.log(f"recording {unknown} as the server's in {address}'s `{TAG_SERVER_KEYS}` tag")
        return {**dict(metadata or {}), TAG_SERVER_KEYS: ",".join(unknown)}

def _withheld(what: str, cause: openai.APIStatusError, hint: str | None, refused_hint: str) -> AacError:
    status = cause.status_code
    request = f", request id {cause.request_id}" if cause.request_id else ""
    if status not in (401, 403, 404, 429) and status < 500:  # the other hints point at the server's words
        hint = refused_hint
    return AacError(f"{what} failed with HTTP {status}{request}; the server's message is not shown, as the "
                    "request carried a secret it may quote", hint)


def _scrub(exc: AacError, values: list[str]) -> None:
    """Every secret (of any length: these are known exactly) replaced in the error's message and hint."""
    def clean(text: str) -> str:
        for value in values:
            text = text.replace(value, REDACTED)
        return text

    exc.message = clean(exc.message)
    exc.hint = clean(exc.hint) if exc.hint is not None else None
    exc.args = (exc.message, *exc.args[1:])
