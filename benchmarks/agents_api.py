"""Reading and writing the Agents API through aac's network layer (a script, not a test).

    .venv/bin/python benchmarks/agents_api.py [--agents 1000] [--vaults 20] [--credentials 10] [--latency-ms 25]

Serves a sandbox with added latency in this process, fills it through the SDK, then times aac's Reader
(every page, as raw JSON) against the SDK's own auto-pagination (a model per item), and the Writer's
creates (retry loop, tags looked up only after a lost answer) against bare SDK calls.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai

from aac.api.connect import connect
from aac.api.writer import Writer
from aac.identity import tags
from aac.output import Output
from aac.sandbox.server import serve_in_background
from aac.stack import Stack, Target

BEARER = {"type": "static_bearer", "token": "ghp_benchmark-0123456789", "mcp_server_url": "https://mcp.example/"}


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def fill(client: openai.OpenAI, agents: int, vaults: int, credentials: int) -> list[str]:
    for i in range(agents):
        client.beta.agents.create(model="gpt-5", name=f"a{i}", instructions="Be brief. " * 20)
    vault_ids = [client.beta.agents.vaults.create(name=f"v{i}").id for i in range(vaults)]
    for vault_id in vault_ids:
        for i in range(credentials):
            client.beta.agents.vaults.credentials.create(vault_id, name=f"c{i}", auth=BEARER)  # type: ignore[arg-type]
    return vault_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--vaults", type=int, default=20)
    parser.add_argument("--credentials", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=25)
    args = parser.parse_args()
    with serve_in_background(":memory:") as running:
        with openai.OpenAI(base_url=running.base_url, api_key="sk-bench") as client:
            vault_ids = fill(client, args.agents, args.vaults, args.credentials)
        running.gate.latency_ms = args.latency_ms
        stack = Stack(root=Path("."), name="bench", manifests="assistants", default_target="t", targets={})
        target = Target(name="t", type="openai", base_url=running.base_url, api_key_env="KEY")
        with connect(stack, target, {"KEY": "sk-bench"}, Output()) as api:
            report(api, vault_ids, args)


def report(api: Any, vault_ids: list[str], args: argparse.Namespace) -> None:
    reader, sdk = api.reader(), api.sdk
    lines = [f"{args.agents} agents, {args.vaults} vaults x {args.credentials} credentials, "
             f"{args.latency_ms} ms latency"]
    before = api.requests
    seconds, listed = timed(reader.agents)
    lines.append(f"Reader.agents(): {len(listed)} in {seconds * 1000:.0f} ms, {api.requests - before} requests")
    seconds, models = timed(lambda: list(sdk.beta.agents.list(limit=100)))
    lines.append(f"SDK agents.list(limit=100), every page as models: {len(models)} in {seconds * 1000:.0f} ms")
    before = api.requests
    seconds, _ = timed(lambda: [reader.credentials(v["id"]) for v in reader.vaults()])
    lines.append(f"Reader.vaults() and each vault's credentials(): {seconds * 1000:.0f} ms, "
                 f"{api.requests - before} requests")
    writer = Writer(api, "bench")
    seconds, _ = timed(lambda: [writer.create_agent(f"k{i}", {"model": "gpt-5",
                                                              "metadata": tags("bench", f"k{i}", "x")})
                                for i in range(20)])
    lines.append(f"Writer.create_agent: {seconds / 20 * 1000:.1f} ms each")
    seconds, _ = timed(lambda: [sdk.beta.agents.create(model="gpt-5") for _ in range(20)])
    lines.append(f"bare SDK agents.create: {seconds / 20 * 1000:.1f} ms each")
    seconds, _ = timed(lambda: [writer.create_credential(vault_ids[0], f"v/c{i}", {
        "name": f"c{i}", "auth": BEARER, "metadata": tags("bench", f"v/c{i}", "x")}) for i in range(20)])
    lines.append(f"Writer.create_credential: {seconds / 20 * 1000:.1f} ms each")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
