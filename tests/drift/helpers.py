"""A small stack for drift tests: one assistant with a function, searching one shared store of two files."""

from __future__ import annotations

import json
from pathlib import Path

KEY_ENV = "AAC_DRIFT_TEST_KEY"
STACK = "drifty"
WEATHER = {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}

ASSISTANT = """\
kind: assistant
name: helper
model: gpt-4o
instructions: |
  Be brief.
  Answer in English.
tools:
  - file_search
  - type: function
    function:
      name: getWeather
      description: The weather in a place
      parameters: {$ref: ../schemas/weather.json}
vector_store: kb
"""
STORE = """\
kind: vector_store
name: kb
files: [../knowledge/*.md]
"""


def write_stack(root: Path, base_url: str) -> Path:
    for folder in ("assistants", "knowledge", "schemas"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "aac.yaml").write_text(
        f"stack: {STACK}\nmanifests: assistants\ndefault_target: test\n"
        f"targets:\n  test:\n    type: openai\n    base_url: {base_url}\n    api_key_env: {KEY_ENV}\n",
        encoding="utf-8",
    )
    (root / "assistants/helper.yaml").write_text(ASSISTANT, encoding="utf-8")
    (root / "assistants/kb.yaml").write_text(STORE, encoding="utf-8")
    (root / "schemas/weather.json").write_text(json.dumps(WEATHER, indent=2), encoding="utf-8")
    (root / "knowledge/a.md").write_text("# A\nApples are red.\n", encoding="utf-8")
    (root / "knowledge/b.md").write_text("# B\nBananas are yellow.\n", encoding="utf-8")
    return root

