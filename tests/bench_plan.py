"""Benchmark `aac plan`: a generated stack written to a sandbox, then planned cold and warm.

    python tests/bench_plan.py [ASSISTANTS] [FILES_EACH] [LATENCY_MS]

Prints the requests a plan makes (the formula in docs/plan.md), and the wall time with a cold
hash cache and a warm one, at the given per-request latency of the sandbox.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import openai

sys.path.insert(0, str(Path(__file__).parent))

from aac.api.connect import connect  # noqa: E402
from aac.desired import require_valid  # noqa: E402
from aac.identity import hash_files  # noqa: E402
from aac.output import Output  # noqa: E402
from aac.plan.make import HASH_CACHE, make_plan  # noqa: E402
from aac.sandbox.server import serve_in_background  # noqa: E402
from aac.stack import Target, load_stack  # noqa: E402
from plan_helpers import apply_with_sdk  # noqa: E402
from test_plan_cli import write_big_stack  # noqa: E402


def main(assistants: int = 50, files_each: int = 5, latency_ms: int = 0) -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_big_stack(root, assistants, files_each)
        stack = load_stack(root)
        desired = require_valid(stack, Output())
        db = str(root / "bench.db")
        with serve_in_background(db) as setup_server:
            sdk = openai.OpenAI(base_url=setup_server.base_url, api_key="sk-bench")
            apply_with_sdk(sdk, desired, hash_files(desired.files, root / "setup-hashes.json"))
        with serve_in_background(db, latency_ms=latency_ms) as server:
            target = Target(name="bench", type="openai", base_url=server.base_url, api_key_env="KEY")
            for label in ("cold hash cache", "warm hash cache"):
                if label.startswith("cold"):
                    (root / HASH_CACHE).unlink(missing_ok=True)
                with connect(stack, target, {"KEY": "sk-bench"}, Output()) as api:
                    started = time.perf_counter()
                    plan = make_plan(stack, target, api, Output()).plan
                    seconds = time.perf_counter() - started
                print(f"{assistants} assistants x {files_each} files, latency {latency_ms} ms, {label}: "
                      f"{plan.requests} requests, {seconds:.2f} s, {len(plan.actionable)} changes")

if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
