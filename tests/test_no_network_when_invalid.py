"""An invalid stack costs no request: plan, apply and destroy validate before they read the target."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.apply.helpers import KEY_ENV, write_stack
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

BREAKAGES = {
    "schema": ("assistants/broken.yaml", "kind: assistant\nname: broken\nmodel: 42\ninstructions: x\n"),
    "yaml": ("assistants/broken.yaml", "kind: assistant\nname: [unclosed\n"),
    "glob": ("assistants/broken.yaml",
             "kind: assistant\nname: broken\nmodel: gpt-4o\ninstructions: x\ntools: [code_interpreter]\n"
             "files: {code_interpreter: [nothing/*.csv]}\n"),
    "reference": ("assistants/broken.yaml",
                  "kind: assistant\nname: broken\nmodel: gpt-4o\ninstructions: x\nvector_store: nowhere\n"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve")])
def test_an_invalid_stack_makes_zero_requests(tmp_path: Path, sandbox: RunningSandbox,
                                              capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                              breakage: str, command: tuple[str, ...]) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    root = write_stack(tmp_path / "stack", sandbox.base_url)
    path, text = BREAKAGES[breakage]
    (root / path).write_text(text, encoding="utf-8")
    sandbox.reset_counts()
    result = Cli(root, capsys)(*command)
    assert result.code == 1 and "assistants/broken.yaml" in result.err
    assert sandbox.requests == 0
