"""Startup benchmark: `aac --help` and `aac validate` on the example stack, as a pre-commit hook runs them.

    python benchmarks/startup.py --runs 15

Each run is a fresh process of the installed console script (the interpreter's start, every import, the
command), timed from spawn to exit (wall) and by the CPU it used (user + system, which a busy machine
disturbs less); each figure is the median of N runs after one warm-up. Target: `aac validate` within 3x
of `aac --help` (offline commands import no SDK and no sandbox).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "aac"
TARGET_RATIO = 3.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `aac ARGS` process."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run([str(SCRIPT), "-C", str(REPO), *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    return time.perf_counter() - started, _children_cpu() - cpu


def medians(args: list[str], runs: int) -> tuple[float, float]:
    run_once(args)  # warm the file cache and the bytecode
    walls, cpus = zip(*(run_once(args) for _ in range(runs)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="Runs of each command (the median is reported).")
    runs = parser.parse_args().runs
    help_wall, help_cpu = medians(["--help"], runs)
    validate_wall, validate_cpu = medians(["validate"], runs)
    ratio = validate_wall / help_wall
    print(f"median of {runs} runs      wall      CPU")
    print(f"aac --help:        {help_wall * 1000:6.0f} ms {help_cpu * 1000:6.0f} ms")
    print(f"aac validate:      {validate_wall * 1000:6.0f} ms {validate_cpu * 1000:6.0f} ms")
    print(f"validate / --help: {ratio:8.1f}x {validate_cpu / help_cpu:7.1f}x  (target: within {TARGET_RATIO:.0f}x)")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
