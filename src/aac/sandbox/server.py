"""Running the sandbox: in a background thread (tests, the embedded target) or blocking (the CLI)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from aac import limits
from aac.sandbox.app import Gate, create_app
from aac.sandbox.foundry import PREFIX
from aac.sandbox.profiles import Profile, profile_named
from aac.sandbox.search_index import DEFAULT_BUDGET
from aac.sandbox.store import Store

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0
HEADER_TIMEOUT_S = 5.0  # a request's headers arrive whole within this, or the connection is closed


class _BackgroundServer(uvicorn.Server):
    """uvicorn that stops the moment it is asked, not on its 100 ms tick."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        await self.on_tick(0)  # sets the default response headers once
        if not self.should_exit:
            await self._stop_event.wait()

    def stop(self) -> None:
        self.should_exit = True
        if self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _STOP_TIMEOUT_S
        while (self.server_state.connections or self.server_state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.002)
        for task in self.server_state.tasks:
            task.cancel()


# The project a Foundry-profile sandbox announces; any other name is served alike.
FOUNDRY_PROJECT = "sandbox"


@dataclass
class RunningSandbox:
    """A sandbox serving on loopback: where it is and how much it has served."""

    base_url: str  # what the `openai` SDK takes as its base URL
    port: int
    store: Store
    gate: Gate

    @property
    def endpoint(self) -> str:
        """A Foundry project's endpoint, as `AIProjectClient` takes it (the Foundry profile only)."""
        return self.base_url.removesuffix("/openai/v1")

    @property
    def requests(self) -> int:
        """Total HTTP requests served since start (or since `reset_counts`)."""
        return self.gate.requests

    @property
    def writes(self) -> int:
        """Of those, the POSTs and DELETEs that may change state (a vector-store search does not)."""
        return self.gate.writes

    def reset_counts(self) -> None:
        self.gate.requests = self.gate.writes = 0


class _HeaderDeadline(H11Protocol):
    """h11 with a deadline on request headers: a client that trickles them (or sends nothing) is cut off
    after HEADER_TIMEOUT_S, so a few thousand slow connections cannot hold every file descriptor."""

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._awaiting_headers():
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self._awaiting_headers() and not self.transport.is_closing():
            self.transport.close()


def _config(gate: Gate, host: str, port: int, log_level: str = "warning") -> uvicorn.Config:
    return uvicorn.Config(
        gate,
        host=host,
        port=port,
        http=_HeaderDeadline,
        lifespan="off",
        log_level=log_level,
        access_log=False,
        date_header=False,
        server_header=False,
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say so, and without it
    # every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _open(
    db: str, host: str, port: int, profile: str | Profile | None, store_options: dict[str, Any],
    gate_options: dict[str, Any],
) -> tuple[socket.socket, Store, Gate]:
    """The bound socket, the store and the app over it, in that order: a busy port (or an unknown
    profile) fails before anything needs cleaning up, and a database that cannot open closes the socket."""
    chosen = profile_named(profile)
    sock = _bind(host, port)
    try:
        store = Store(db, profile=chosen, **store_options)
    except BaseException:
        sock.close()
        raise
    return sock, store, create_app(store, **gate_options)


def _url(host: str, port: int, profile: Profile) -> str:
    """The base URL of the OpenAI-compatible API: on a Foundry project, `{endpoint}/openai/v1`, where
    `AIProjectClient.get_openai_client()` points."""
    shown = f"[{host}]" if ":" in host else host
    if profile.foundry:
        return f"http://{shown}:{port}{PREFIX.format(project=FOUNDRY_PROJECT)}/openai/v1"
    return f"http://{shown}:{port}/v1"


@contextmanager
def serve_in_background(
    db: str = ":memory:",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency_ms: int = 0,
    fault_rate: float = 0.0,
    seed: int | None = None,
    no_assistants: bool = False,
    no_agents: bool = False,
    index_delay_ms: int = 50,
    max_upload_bytes: int = limits.FILE_BYTES_MAX,
    profile: str | Profile | None = None,
    index_memory_bytes: int = DEFAULT_BUDGET,
) -> Iterator[RunningSandbox]:
    """Serve the sandbox from a daemon thread until the block exits; port 0 picks a free port.

    `index_delay_ms` is how long a vector-store file stays `in_progress` (0: settled on the
    next read), for clients that poll slowly. `max_upload_bytes` lowers the 512 MB file limit,
    so a test can reach it without sending half a gigabyte. `index_memory_bytes` bounds the memory
    search keeps its indexes in (aac.sandbox.search_index). `no_assistants` and `no_agents`
    answer 404 on `/v1/assistants*`, or on `/v1/agents*` and `/v1/vaults*`, as a target without them does.
    `profile` answers as another server does (aac.sandbox.profiles: "llama-stack", "ogx").
    """
    gate_options = {"latency_ms": latency_ms, "fault_rate": fault_rate, "seed": seed,
                    "no_assistants": no_assistants, "no_agents": no_agents}
    store_options = {"index_delay_ms": index_delay_ms, "max_upload_bytes": max_upload_bytes,
                     "index_memory_bytes": index_memory_bytes}
    sock, store, gate = _open(db, host, port, profile, store_options, gate_options)
    server = _BackgroundServer(_config(gate, host, sock.getsockname()[1]))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="aac-sandbox", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        bound = sock.getsockname()[1]
        yield RunningSandbox(base_url=_url(host, bound, store.profile), port=bound, store=store, gate=gate)
    finally:
        server.stop()
        thread.join(_STOP_TIMEOUT_S + 1)
        sock.close()
        store.close()


def _wait_started(server: _BackgroundServer, thread: threading.Thread) -> None:
    # The socket listens already, so connections queue; this waits for uvicorn to accept them.
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server thread stopped before it started serving")
        time.sleep(0.001)


def serve(
    db: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    latency_ms: int = 0,
    fault_rate: float = 0.0,
    seed: int | None = None,
    no_assistants: bool = False,
    no_agents: bool = False,
    profile: str | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted; `announce` gets the base URL once the port is bound.

    Binding happens first, so a port in use raises OSError before anything is created.
    uvicorn re-raises Ctrl-C as KeyboardInterrupt once it has shut down cleanly.
    """
    gate_options = {"latency_ms": latency_ms, "fault_rate": fault_rate, "seed": seed,
                    "no_assistants": no_assistants, "no_agents": no_agents}
    sock, store, gate = _open(db, host, port, profile, {}, gate_options)
    try:
        if announce is not None:
            announce(_url(host, sock.getsockname()[1], store.profile))
        uvicorn.Server(_config(gate, host, sock.getsockname()[1])).run(sockets=[sock])
    finally:
        sock.close()
        store.close()
