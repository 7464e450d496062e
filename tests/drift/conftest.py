"""Fixtures for drift tests: a small stack in a temp folder, aimed at the test's sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.cli_harness import Cli

from .helpers import KEY_ENV, write_stack


@pytest.fixture
def aac(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", sandbox.base_url), capsys)
