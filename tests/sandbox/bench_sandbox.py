"""Sandbox figures (a script, not a test): start/stop, request round trips, concurrency, search, big uploads.

    python tests/sandbox/bench_sandbox.py [--upload-mb 256] [--search-mb 4 24 64] [--search-only]

Searches and the upload run against `aac sandbox serve` in a subprocess so the server's own peak
memory (VmHWM) can be read: it should stay flat however large the file, since uploads stream to
disk, and within the search index's bound (aac.sandbox.search_index) however large the store.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openai

from aac import chunks
from aac.sandbox.server import serve_in_background

warnings.simplefilter("ignore", DeprecationWarning)


def _median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_start_stop(runs: int = 30) -> None:
    starts, stops = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with serve_in_background():
            ready = time.perf_counter()
        stops.append((time.perf_counter() - ready) * 1000)
        starts.append((ready - started) * 1000)
    print(f"start: median {statistics.median(starts):.1f} ms; stop: median {statistics.median(stops):.1f} ms")


def bench_round_trips(runs: int = 100) -> None:
    with serve_in_background() as sandbox, openai.OpenAI(base_url=sandbox.base_url, api_key="k") as client:
        client.models.list()
        store = client.vector_stores.create(name="kb")
        for i in range(100):
            client.beta.assistants.create(model="gpt-4o", name=f"a{i}")
            client.beta.agents.create(model="gpt-5", name=f"a{i}")
        vault = client.beta.agents.vaults.create(name="v")
        bearer: Any = {"type": "static_bearer", "token": "t", "mcp_server_url": "https://mcp.example/"}
        big_tools: Any = [{"type": "function", "name": "f", "description": "d" * 3_000_000, "parameters": {}}]
        cases: dict[str, Callable[[], object]] = {
            "models.list": client.models.list,
            "assistants.create": lambda: client.beta.assistants.create(model="gpt-4o", name="x"),
            "assistants.list(limit=100)": lambda: client.beta.assistants.list(limit=100),
            "files.create (1 KiB)": lambda: client.files.create(file=("a.md", b"x" * 1024), purpose="assistants"),
            "vector_stores.files.upload_and_poll": lambda: client.vector_stores.files.upload_and_poll(
                vector_store_id=store.id, file=("a.md", b"# a")),
            "agents.create": lambda: client.beta.agents.create(model="gpt-5", name="x"),
            "agents.list(limit=100)": lambda: client.beta.agents.list(limit=100),
            "agents.create (3 MB of tools)": lambda: client.beta.agents.create(model="gpt-5", tools=big_tools),
            "vaults.credentials.create": lambda: client.beta.agents.vaults.credentials.create(
                vault.id, name="c", auth=bearer),
        }
        for name, action in cases.items():
            few = "poll" in name or "3 MB" in name
            print(f"{name}: median {_median_ms(action, 20 if few else runs):.2f} ms")


def bench_concurrency(threads: int = 8, each: int = 25, latency_ms: int = 25) -> None:
    with serve_in_background(latency_ms=latency_ms) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="k"
    ) as client:
        client.models.list()
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _: [client.models.list() for _ in range(each)], range(threads)))
        wall = time.perf_counter() - started
        bound = each * latency_ms / 1000
        print(f"{threads} threads x {each} requests at {latency_ms} ms latency: {wall:.2f} s "
              f"(lower bound {bound:.2f} s, {threads * each / wall:.0f} req/s)")


def bench_search(megabytes: int, files: int = 100, runs: int = 5) -> None:
    """Search a store of `files` text files holding `megabytes` MiB in all, served by `aac sandbox serve` in a
    subprocess: the first search (indexes built, or the store scanned past the memory bound), the next ones,
    and the server's peak memory before and after."""
    words = [f"term{i}" for i in range(5000)]
    each = megabytes * 1024 * 1024 // files
    with _served() as (url, pid), openai.OpenAI(base_url=url, api_key="k", timeout=600) as client:
        store = client.vector_stores.create(name="kb")
        ids, count = [], 0
        for n in range(files):
            text = " ".join(words[(n * 7 + i) % len(words)] for i in range(each // 9)).encode()
            ids.append(client.files.create(file=(f"doc{n}.txt", text), purpose="assistants").id)
            count += chunks.chunk_count(len(text), chunks.Chunking.of(None))
        client.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
        before = _peak_rss_mb(pid)

        def search() -> object:
            return client.vector_stores.search(store.id, query="term42 term4242", max_num_results=20)

        started = time.perf_counter()
        search()
        first = (time.perf_counter() - started) * 1000
        print(f"search {megabytes} MiB in {files} files ({count} chunks): first {first:.0f} ms, "
              f"then median {_median_ms(search, runs):.0f} ms; server peak RSS {before:.0f} MiB before, "
              f"{_peak_rss_mb(pid):.0f} MiB after")


@contextmanager
def _served() -> Iterator[tuple[str, int]]:
    """`aac sandbox serve` in a subprocess (so its own peak memory can be read): its URL and process id."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "aac", "-C", tmp, "sandbox", "serve", "--port", "0"]
        server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        try:
            assert server.stderr is not None
            url = re.search(r"(http://\S+/v1)", server.stderr.readline())
            assert url, "the server did not announce its URL"
            yield url.group(1), server.pid
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(10)


def bench_upload(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, _served() as (url, pid):
        big = Path(tmp) / "big.txt"
        with big.open("wb") as handle:
            for _ in range(megabytes):
                handle.write(b"0123456789abcdef" * 65536)
        before = _peak_rss_mb(pid)
        with openai.OpenAI(base_url=url, api_key="k", timeout=600) as client, big.open("rb") as f:
            started = time.perf_counter()
            client.files.create(file=f, purpose="assistants")
            wall = time.perf_counter() - started
        print(f"upload {megabytes} MiB: {wall:.2f} s ({megabytes / wall:.0f} MiB/s); server peak RSS "
              f"{before:.0f} MiB before, {_peak_rss_mb(pid):.0f} MiB after")


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upload-mb", type=int, default=256)
    parser.add_argument("--search-mb", type=int, nargs="+", default=[4, 24, 64])
    parser.add_argument("--search-only", action="store_true", help="only the search figures")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    if not args.search_only:
        bench_start_stop()
        bench_round_trips()
        bench_concurrency()
    for megabytes in args.search_mb:
        bench_search(megabytes)
    if not args.search_only:
        bench_upload(args.upload_mb)


if __name__ == "__main__":
    main()
