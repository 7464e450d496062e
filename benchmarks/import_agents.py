"""Import benchmark: N hand-made agents, each using a credential of one of V vaults, against a slow sandbox.

    python benchmarks/import_agents.py --agents 100 --vaults 10 --credentials 3 --latency-ms 25

Measures `aac import --all --auto-approve` through the CLI code (in-process) from an empty stack: wall
time and API requests. Reading is the snapshot (lists, 8 in flight) plus one credential list per vault;
adoption is one metadata update per object (the agents, vaults and credentials), 4 in flight, kind by kind
(vaults, then credentials, then agents). Then `aac plan` must report no changes.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import openai
from fleet import KEY_ENV, Server, aac, timed

READS_IN_FLIGHT, WRITES_IN_FLIGHT = 8, 4


def populate(base_url: str, agents: int, vaults: int, credentials: int) -> int:
    """The hand-made objects; the number of objects import adopts."""
    client = openai.OpenAI(base_url=base_url, api_key="bench")
    ids: list[str] = []
    for v in range(vaults):
        vault = client.beta.agents.vaults.create(name=f"Vault {v}")
        for c in range(credentials):
            auth: Any = {"type": "static_bearer", "token": f"t{v}-{c}", "mcp_server_url": f"https://mcp{c}.example/"}
            ids.append(client.beta.agents.vaults.credentials.create(vault.id, name=f"cred {c}", auth=auth).id)
    weather: Any = {"type": "function", "name": "get_weather", "description": "The weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
    for a in range(agents):
        mcp: Any = {"type": "mcp", "server_label": "tools", "credential_id": ids[a % len(ids)],
                    "transport": {"type": "http", "server_url": "https://mcp0.example/"}}
        client.beta.agents.create(model="gpt-5", name=f"Agent {a}", instructions=f"Agent number {a}.",
                                  tools=[weather, mcp, {"type": "web_search"}])
    return agents + vaults + vaults * credentials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--vaults", type=int, default=10)
    parser.add_argument("--credentials", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=25)
    args = parser.parse_args(argv)
    with Server(args.latency_ms) as server, tempfile.TemporaryDirectory() as tmp:
        adopted = populate(server.base_url, args.agents, args.vaults, args.credentials)
        root = Path(tmp)
        (root / "agents").mkdir()
        (root / "aac.yaml").write_text(
            f"stack: bench\nmanifests: agents\ndefault_target: t\ntargets:\n  t:\n    type: openai\n"
            f"    base_url: {server.base_url}\n    api_key_env: {KEY_ENV}\n", encoding="utf-8")
        os.environ[KEY_ENV] = "bench"
        seconds, requests = timed(server, lambda: aac(root, "import", "--all", "--auto-approve"))
        plan_code = aac(root, "plan", "--detailed-exitcode")
    # Round trips if nothing but latency mattered: the lists, the vaults' credentials, and each kind's updates.
    writes = sum(math.ceil(n / WRITES_IN_FLIGHT) for n in (args.vaults, args.vaults * args.credentials, args.agents))
    bound = (1 + math.ceil(args.vaults / READS_IN_FLIGHT) + writes) * args.latency_ms / 1000
    print(f"{args.agents} agents, {args.vaults} vaults x {args.credentials} credentials, {args.latency_ms} ms latency")
    print(f"aac import --all: {seconds:.2f} s, {requests} requests, {adopted} objects adopted "
          f"(latency bound {bound:.2f} s, {seconds / bound:.1f}x); plan afterwards exits {plan_code} (0: no changes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
