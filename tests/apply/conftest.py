"""Fixtures for apply tests: the example stack in a temp folder, aimed at the test's sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

from .helpers import KEY_ENV, write_stack


@pytest.fixture
def stack(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return write_stack(tmp_path / "stack", sandbox.base_url)


@pytest.fixture
def aac(stack: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(stack, capsys)


@pytest.fixture
def sdk_for() -> Iterator[Callable[[str], openai.OpenAI]]:
    """An SDK client for any server a test starts (retrying through injected faults)."""
    clients: list[openai.OpenAI] = []

    def make(base_url: str) -> openai.OpenAI:
        client = openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=6)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
