"""How long `Secrets.redact` takes on what a large plan prints (a script, not a test).

    .venv/bin/python benchmarks/redact.py [--secrets 10] [--megabytes 1]

Registers N random 40-character secrets (each in every form it may be echoed in), then times a redact of
one text of the given size (a plan printed as one document) and of the same text line by line (progress and
messages), best of a few runs. The text holds no secret: the common case, and the one every line pays for.
"""

from __future__ import annotations

import argparse
import random
import string
import time
from collections.abc import Callable

from aac.secrets import Secrets

LINE = '  ~ vector_store.docs  name: "Support docs" -> "Support docs v2"  metadata.owner = team-support\n'


def best(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", type=int, default=10)
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    rng = random.Random(1)
    secrets = Secrets()
    for _ in range(args.secrets):
        secrets.add("".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40)))
    size = int(args.megabytes * 1_000_000)
    text = (LINE * (size // len(LINE) + 1))[:size]
    lines = text.splitlines(keepends=True)
    whole = best(lambda: secrets.redact(text))
    each = best(lambda: [secrets.redact(line) for line in lines], runs=3)
    print(f"{args.secrets} secrets, {len(secrets)} forms: {size:,} bytes as one text {whole * 1000:.1f} ms; "
          f"as {len(lines):,} lines {each * 1000:.1f} ms")


if __name__ == "__main__":
    main()
