"""Golden files: a change in rendered output shows up as a diff in review.

Run with AAC_UPDATE_GOLDENS=1 to rewrite them after a deliberate change, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDENS = Path(__file__).parent / "goldens"


def check_golden(name: str, actual: str) -> None:
    path = GOLDENS / name
    if os.environ.get("AAC_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no golden {path}; run the tests with AAC_UPDATE_GOLDENS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden; if the change is intended, AAC_UPDATE_GOLDENS=1"
