"""Fleet benchmark: a synthetic stack of N assistants with M files each, against a slow sandbox.

    python benchmarks/fleet.py --assistants 100 --files 5 --latency-ms 25 --parallelism 4

Measures, through the CLI code (in-process) against `serve_in_background(latency_ms=...)`:
cold `aac apply` (plan + apply from empty), a no-op `aac plan`, and a one-line change
(`aac apply` after editing one assistant's instructions): wall time, API requests, and the
ratio to a lower bound. The lower bound is what the requests cost if nothing but latency
mattered: max(requests on the critical path, requests / concurrency) x latency, for the
read phase (the planner reads with up to 8 requests in flight) plus the write phase
(`--parallelism` in flight). The baseline is the same cold provisioning scripted the plain
way with the SDK, one call after another. Targets: no-op plan within 2x of its lower bound,
cold apply at least 3x faster than the baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import multiprocessing
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import openai

from aac.cli import main as aac_main
from aac.sandbox.server import serve_in_background

KEY_ENV = "AAC_BENCH_KEY"
READ_PARALLELISM = 8  # aac.live.read_live's default
# Round trips that cannot overlap. A no-op plan: list stores, then list each store's files.
# A cold apply adds: upload, list uploads (dedupe), attach batch, one poll, create assistant,
# list assistants (dedupe). A one-line change adds one update.
CRITICAL_PLAN = 2
CRITICAL_COLD = 6
CRITICAL_CHANGE = 1


@dataclass(frozen=True)
class Measure:
    name: str
    seconds: float
    requests: int
    lower_bound: float | None = None

    def row(self) -> str:
        bound = f"{self.lower_bound:10.2f}" if self.lower_bound is not None else f"{'':>10}"
        ratio = f"{self.seconds / self.lower_bound:7.2f}x" if self.lower_bound else f"{'':>8}"
        return f"{self.name:<28}{self.seconds:9.2f}{self.requests:10d}{bound}{ratio}"


def build_stack(root: Path, assistants: int, files: int, base_url: str) -> None:
    (root / "assistants").mkdir(parents=True)
    for index in range(assistants):
        folder = root / "knowledge" / f"a{index:03d}"
        folder.mkdir(parents=True)
        for number in range(files):
            (folder / f"doc{number}.md").write_text(
                f"# Assistant {index}, document {number}\n\n" + f"Fact {index}.{number}: the answer is {number}.\n" * 20
            )
        (root / "assistants" / f"a{index:03d}.yaml").write_text(
            f"kind: assistant\nname: a{index:03d}\nmodel: gpt-4o\n"
            f"instructions: You answer from the documents of assistant {index}.\n"
            f"tools: [file_search]\nfiles:\n  file_search: [../knowledge/a{index:03d}/*.md]\n"
        )
    (root / "aac.yaml").write_text(
        "stack: fleet\ndefault_target: bench\n"
        f"targets:\n  bench:\n    type: openai\n    base_url: {base_url}\n    api_key_env: {KEY_ENV}\n"
    )


def aac(root: Path, *args: str) -> int:
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = aac_main(["--chdir", str(root), "--no-color", *args])
    if code not in (0, 2):
        raise SystemExit(f"aac {' '.join(args)} exited {code}:\n{sink.getvalue()[-3000:]}")
    return code


def _serve(latency_ms: int, conn: Connection) -> None:
    """The sandbox in its own process, answering "count" and "reset" over a pipe until "stop"."""
    with serve_in_background(latency_ms=latency_ms) as server:
        conn.send(server.base_url)
        while (command := conn.recv()) != "stop":
            if command == "reset":
                server.reset_counts()
            conn.send(server.requests)


class Server:
    """A sandbox in a child process, so its CPU does not compete with the client's for one GIL."""

    def __init__(self, latency_ms: int) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve, args=(latency_ms, child), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()

    def reset_counts(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    @property
    def requests(self) -> int:
        self._conn.send("count")
        return int(self._conn.recv())

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self._conn.send("stop")
        self._process.join(10)


def timed(server: Server, action: Callable[[], object]) -> tuple[float, int]:
    server.reset_counts()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start, server.requests


def bound(latency_s: float, critical: int, requests: int, parallelism: int) -> float:
    return max(critical, math.ceil(requests / parallelism)) * latency_s


def baseline(base_url: str, root: Path, assistants: int, files: int) -> None:
    """Cold provisioning the plain way: one SDK call after another, as a user would script it."""
    with openai.OpenAI(base_url=base_url, api_key="sk-bench") as sdk:
        for index in range(assistants):
            folder = root / "knowledge" / f"a{index:03d}"
            ids = [sdk.files.create(file=path.open("rb"), purpose="assistants").id
                   for path in sorted(folder.glob("*.md"))[:files]]
            store = sdk.vector_stores.create(name=f"a{index:03d} files")
            sdk.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
            sdk.beta.assistants.create(
                model="gpt-4o", name=f"a{index:03d}", instructions="You answer from the documents.",
                tools=[{"type": "file_search"}], tool_resources={"file_search": {"vector_store_ids": [store.id]}},
            )


def run(args: argparse.Namespace) -> list[Measure]:
    latency = args.latency_ms / 1000
    os.environ[KEY_ENV] = "sk-bench"
    with tempfile.TemporaryDirectory(prefix="aac-fleet-") as tmp, \
            Server(args.latency_ms) as server:
        root = Path(tmp) / "stack"
        root.mkdir()
        build_stack(root, args.assistants, args.files, server.base_url)
        parallelism = str(args.parallelism)
        _, cold_reads = timed(server, lambda: aac(root, "plan"))
        cold_s, cold_n = timed(server, lambda: aac(root, "apply", "--auto-approve", "--parallelism", parallelism))
        cold_bound = bound(latency, 1, cold_reads, READ_PARALLELISM) + \
            bound(latency, CRITICAL_COLD, cold_n - cold_reads, args.parallelism)
        noop_s, noop_n = timed(server, lambda: aac(root, "plan", "--detailed-exitcode"))
        noop_bound = bound(latency, CRITICAL_PLAN, noop_n, READ_PARALLELISM)
        manifest = root / "assistants" / "a000.yaml"
        manifest.write_text(manifest.read_text().replace("You answer", "You always answer"))
        change_s, change_n = timed(server, lambda: aac(root, "apply", "--auto-approve", "--parallelism", parallelism))
        change_bound = bound(latency, CRITICAL_PLAN, noop_n, READ_PARALLELISM) + \
            bound(latency, CRITICAL_CHANGE, change_n - noop_n, args.parallelism)
        if aac(root, "plan", "--detailed-exitcode") != 0:
            raise SystemExit("the stack did not converge: a plan after apply still has changes")
    with Server(args.latency_ms) as server, tempfile.TemporaryDirectory(prefix="aac-fleet-base-") as tmp:
        root = Path(tmp)
        build_stack(root, args.assistants, args.files, server.base_url)
        base_s, base_n = timed(server, lambda: baseline(server.base_url, root, args.assistants, args.files))
    return [
        Measure("cold apply (plan + apply)", cold_s, cold_n, cold_bound),
        Measure("no-op plan", noop_s, noop_n, noop_bound),
        Measure("one-line change (apply)", change_s, change_n, change_bound),
        Measure("baseline: sequential SDK", base_s, base_n),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assistants", type=int, default=100)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=25)
    parser.add_argument("--parallelism", type=int, default=4)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # the SDK marks beta.assistants deprecated
    started = time.perf_counter()
    measures = run(args)
    print(f"{args.assistants} assistants x {args.files} files, {args.latency_ms} ms latency, "
          f"--parallelism {args.parallelism}")
    print(f"{'phase':<28}{'wall s':>9}{'requests':>10}{'bound s':>10}{'ratio':>8}")
    for measure in measures:
        print(measure.row())
    cold, noop, base = measures[0], measures[1], measures[3]
    print(f"cold apply is {base.seconds / cold.seconds:.1f}x faster than the sequential baseline "
          f"(target >= 3x); no-op plan is {noop.seconds / (noop.lower_bound or 1):.2f}x its bound (target <= 2x)")
    print(f"benchmark ran in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
