"""Connect the `openai` SDK to a target for the length of a command.

For `type: sandbox` the sandbox server runs on a loopback port inside the `with`
block, so the user needs nothing running; every other target is reached as is.
Every HTTP request (retries included) is counted with an event hook on the SDK's
HTTP client, so plans report their cost and tests can bound it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openai

from aac.api.errors import translate
from aac.errors import AacError
from aac.output import Output
from aac.stack import Stack, Target, shown_url, url_problem

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from aac.api.foundry import FoundryProject
    from aac.api.reader import Reader

FOUNDRY_EXTRA = "pip install 'assistant-as-code[foundry]'"
SANDBOX_KEY = "sk-sandbox"  # the sandbox accepts any bearer token; this one is no secret
TIMEOUT_SECONDS = 120.0


@dataclass
class RequestLog:
    """Counts requests and, with --debug, logs method, path, status and milliseconds."""

    out: Output
    count: int = 0
    on_answer: Callable[[], None] | None = None  # told of each response (progress counts them)
    _started: dict[int, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on_request(self, request: Any) -> None:
        with self._lock:
            self._started[id(request)] = time.monotonic()
        self.started()

    def on_response(self, response: Any) -> None:
        request = response.request
        with self._lock:
            started = self._started.pop(id(request), time.monotonic())
        self.answered(request.method, request.url.path, response.status_code, started)

    def started(self) -> None:
        """One more request sent (by either SDK: a Foundry target's agents go through azure-core's pipeline)."""
        with self._lock:
            self.count += 1

    def answered(self, method: str, path: str, status: int, started: float) -> None:
        ms = (time.monotonic() - started) * 1000
        # The URL path only: never headers (Authorization, api-key) and never the query string.
        self.out.log(f"{method} {path} {status} {ms:.0f}ms")
        if self.on_answer is not None:
            self.on_answer()


@dataclass
class Api:
    """The SDK client connected to one target."""

    sdk: openai.OpenAI
    target: Target
    log: RequestLog
    key_env: str | None = None
    foundry: FoundryProject | None = None  # a foundry target's agents data plane (`AIProjectClient`)

    @property
    def requests(self) -> int:
        """HTTP requests made so far (retries included)."""
        return self.log.count

    @property
    def base_url(self) -> str:
        return str(self.sdk.base_url).rstrip("/")

    def translate(self, exc: Exception, what: str) -> AacError:
        if self.foundry is not None:  # Foundry's hints: az login, the role on the project, the endpoint
            return self.foundry.translate(exc, what)
        return translate(exc, what, key_env=self.key_env)

    def reader(self) -> Reader:
        from aac.api.reader import Reader

        return Reader(self)


@contextmanager
def connect(stack: Stack, target: Target, environ: Mapping[str, str], out: Output,
            credential: TokenCredential | None = None) -> Iterator[Api]:
    """The target's Api for the block; `credential` stands in for a foundry target's DefaultAzureCredential."""
    log = RequestLog(out)
    if target.type == "foundry":
        with _foundry(target, environ, out, log, credential) as api:
            yield api
        return
    if target.type == "sandbox":
        with _sandbox(stack, target) as base_url:
            api = _api(target, log, base_url=base_url, api_key=SANDBOX_KEY)
            try:
                yield api
            finally:
                api.sdk.close()
        return
    var = target.api_key_env or "OPENAI_API_KEY"
    key = _key(var, environ, out, "export it, or pick the sandbox target with --target sandbox")
    url = target.base_url or environ.get("OPENAI_BASE_URL") or None
    if url is not None:
        _check_base_url(target.name, url)
    api = _api(target, log, base_url=url, api_key=key, key_env=var)
    try:
        yield api
    finally:
        api.sdk.close()


@contextmanager
def _foundry(target: Target, environ: Mapping[str, str], out: Output, log: RequestLog,
             credential: TokenCredential | None) -> Iterator[Api]:
    foundry = _foundry_module()
    var = target.api_key_env
    key = None if var is None else _key(var, environ, out, "export it, or remove `api_key_env` from the target "
                                        "to sign in with Entra ID (az login)")
    auth = foundry.auth_of(key, out, credential)
    api = _api(target, log, key_env=target.api_key_env, **foundry.openai_options(target, auth))
    project = foundry.project_client(target, auth, log, TIMEOUT_SECONDS)
    api.foundry = project
    try:
        yield api
    finally:
        api.sdk.close()
        project.client.close()


def _foundry_module() -> Any:
    """aac.api.foundry, which needs the optional Azure packages: loaded for a foundry target only."""
    try:
        from aac.api import foundry
    except ImportError as exc:
        if not (exc.name or "").startswith("azure"):
            raise
        raise AacError("a foundry target needs the Azure packages azure-ai-projects and azure-identity, which are "
                       "not installed",
                       f"install them with {FOUNDRY_EXTRA}") from None
    return foundry


def _key(var: str, environ: Mapping[str, str], out: Output, unset_hint: str) -> str:
    """The key in `var`, registered as a secret; AacError (naming the variable, never the value) when unusable."""
    key = environ.get(var, "").strip()
    if not key:
        raise AacError(f"{var} is not set", unset_hint)
    if not (key.isascii() and key.isprintable()):  # HTTP headers are ASCII; never echo the key itself
        raise AacError(f"{var} holds characters an API key cannot have (non-ASCII or control characters)",
                       f"set {var} to the key exactly as the provider shows it")
    out.secrets.add(key)  # from here on, whoever echoes the key, aac never prints or writes it
    return key


def _check_base_url(name: str, base_url: str) -> None:
    why = url_problem(base_url)  # aac.yaml's is checked by validate; OPENAI_BASE_URL only here
    if why is not None:
        raise AacError(f"target {name!r}: base_url {shown_url(base_url)} {why}",
                       "write it in full, like https://api.openai.com/v1, in aac.yaml (or OPENAI_BASE_URL)")


def _api(target: Target, log: RequestLog, *, base_url: str | None, api_key: str | Callable[[], str],
         key_env: str | None = None, default_headers: Mapping[str, Any] | None = None,
         request_hooks: Sequence[Callable[[Any], None]] = ()) -> Api:
    http = openai.DefaultHttpxClient(
        event_hooks={"request": [*request_hooks, log.on_request], "response": [log.on_response]},
        timeout=openai.Timeout(TIMEOUT_SECONDS, connect=5.0),
    )
    sdk = openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        organization=target.organization,
        project=target.project,
        default_headers=default_headers,
        http_client=http,
    )
    return Api(sdk=sdk, target=target, log=log, key_env=key_env)


@contextmanager
def _sandbox(stack: Stack, target: Target) -> Iterator[str]:
    from aac.sandbox.server import serve_in_background

    db = stack.root / (target.path or ".aac/sandbox.db")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AacError(f"cannot create {db.parent} for the sandbox: {exc.strerror}",
                       "check the target's `path` in aac.yaml and the folder's permissions") from exc
    with ExitStack() as stack_of_contexts:
        try:
            running = stack_of_contexts.enter_context(serve_in_background(db=str(db)))
        except sqlite3.Error as exc:  # only starting it: errors of the caller's block pass through
            raise AacError(
                f"cannot open the sandbox database {target.path}: {exc}",
                "point the sandbox target's `path` in aac.yaml at a new file, or at one the sandbox made",
            ) from exc
        yield running.base_url
