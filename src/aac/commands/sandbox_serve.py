"""`aac sandbox serve`: run the local API server until Ctrl-C."""

from __future__ import annotations

import errno
import ipaddress
import socket
import sqlite3
from pathlib import Path
from typing import Any

import click

from aac.commands import App, run_command
from aac.errors import AacError
from aac.sandbox.profiles import PROFILES
from aac.sandbox.server import serve


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _db_path(app: App, db: str) -> str:
    if db == ":memory:" or Path(db).is_absolute():
        return db
    return str(app.root / db)


def _check_host(host: str, allow_remote: bool) -> None:
    if not is_loopback(host) and not allow_remote:
        raise AacError(
            f"refusing to serve the sandbox on {host}: it accepts any API key, so anyone who can reach it "
            "can use it",
            "bind a loopback address (the default 127.0.0.1), or pass --allow-remote if you mean it",
        )


def run(
    app: App,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    db: str = ".aac/sandbox.db",
    allow_remote: bool = False,
    **behaviour: Any,
) -> int:
    """Serve until Ctrl-C; `behaviour` is latency_ms, fault_rate, seed, no_assistants, no_agents and profile."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):  # an IPv6 address as a URL writes it: [::1]
        host = host[1:-1]
    _check_host(host, allow_remote)

    def announce(url: str) -> None:
        profile = behaviour.get("profile") or "openai"
        as_whom = f", answering as {profile} does" if profile != "openai" else ""
        app.out.info(f"sandbox serving at {url} (database {db}{as_whom}); press Ctrl-C to stop")
        app.out.info(f"  OPENAI_BASE_URL={url} OPENAI_API_KEY=anything")

    try:
        serve(_db_path(app, db), host=host, port=port, announce=announce, **behaviour)
    except OSError as exc:
        raise _bind_error(host, port, exc) from None
    except sqlite3.Error as exc:
        raise AacError(f"cannot open the sandbox database {db}: {exc}", "pass a writable path with --db") from None
    except KeyboardInterrupt:
        pass  # uvicorn has already shut down cleanly; Ctrl-C is how this command ends
    app.out.info("sandbox stopped")
    return 0


def _bind_error(host: str, port: int, exc: OSError) -> AacError:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return AacError(f"cannot serve on {where}: the port is in use",
                        "pick another port with --port, or stop whatever is using this one")
    if isinstance(exc, socket.gaierror):
        return AacError(f"cannot serve on {host!r}: not an address or a host name that resolves",
                        "pass an IP address such as 127.0.0.1 or ::1 (brackets optional), or localhost")
    return AacError(f"cannot serve on {where}: {exc.strerror or exc}",
                    "pass an address of this machine with --host (127.0.0.1 or ::1 for loopback)")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback only, unless --allow-remote).")
@click.option("--port", type=int, default=8787, show_default=True, help="Port to listen on.")
@click.option("--db", default=".aac/sandbox.db", show_default=True, help="SQLite file, or :memory:.")
@click.option("--latency-ms", type=click.IntRange(0, 60_000), default=0, show_default=True,
              help="Wait this long before answering each request.")
@click.option("--fault-rate", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of requests that fail (429, 500, 503 or a dropped connection).")
@click.option("--seed", type=int, default=None, help="Seed of the faults, to repeat a run exactly.")
@click.option("--no-assistants", is_flag=True, help="Answer 404 on /v1/assistants, as OpenAI does since the sunset.")
@click.option(
    "--no-agents", is_flag=True, help="Answer 404 on /v1/agents and /v1/vaults, as a target without the Agents beta."
)
@click.option("--profile", type=click.Choice(list(PROFILES)), default="openai", show_default=True,
              help="Answer as this server does (its documented differences from OpenAI).")
@click.option("--allow-remote", is_flag=True, help="Allow a host other than loopback.")
@click.pass_context
def command(ctx: click.Context, **options: Any) -> None:
    """Serve the sandbox API until interrupted.

    Exit codes: 0 stopped with Ctrl-C, 1 could not serve (address in use, remote host refused, bad --db).
    """
    run_command(ctx, run, **options)
