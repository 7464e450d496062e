"""Benchmark: how long rendering takes for large plans (run by hand, not by pytest).

    python tests/render/bench_render.py [COUNT]

Each of COUNT assistants has its own 300-line instructions with one line in seven
changed, so no diff is shared between objects.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from aac.model.plan import Action, Change, Plan
from aac.output import Output
from aac.render import render_plan
from aac.render.markdown import LIMIT


def big_plan(count: int) -> Plan:
    changes = []
    for i in range(count):
        old = "\n".join(f"Bot {i}, rule {j}: answer in the customer's language, {j % 7} times." for j in range(300))
        new = old.replace("3 times.", "3 times, warmly.")
        changes.append(Change(f"assistant.bot-{i:05d}", "assistant", f"bot-{i:05d}", Action.UPDATE, id=f"asst_{i}",
                              before={"instructions": old, "model": "gpt-4o"},
                              after={"instructions": new, "model": "gpt-4.1"},
                              changed_fields=("instructions", "model")))
    return Plan("bench", "sandbox", "sha256:" + "0" * 64, tuple(changes), "2026-11-22T10:00:00Z")


def main(count: int) -> None:
    plan = big_plan(count)
    for fmt in ("text", "markdown", "json"):
        started = time.perf_counter()
        text = render_plan(replace(plan), fmt, Output())
        elapsed = time.perf_counter() - started
        print(f"{count} changes  {fmt:8}  {elapsed * 1000:8.0f} ms  {len(text):>12,} characters")
        if fmt == "markdown":
            assert len(text) <= LIMIT


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
