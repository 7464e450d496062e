"""Shared fixtures: a real sandbox server on loopback, fresh per test, and an SDK client for it."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from aac.sandbox.server import RunningSandbox, serve_in_background

# The example stack's vault credential reads its bearer token from this variable, as the README's first
# command sets it. Tests of a missing variable unset it themselves.
EXAMPLE_SECRET_ENV = "GITHUB_MCP_TOKEN"
EXAMPLE_SECRET = "sandbox-demo-token"


@pytest.fixture(autouse=True)
def example_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXAMPLE_SECRET_ENV, EXAMPLE_SECRET)


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A sandbox on a free loopback port with an empty `:memory:` database; stopped after the test.

    Vector-store files come back `in_progress` from the call that attaches them and are settled
    (`completed` or `failed`) on the next read (a PDF, .docx or .pptx on the first read after its parse in
    the worker thread ends: poll it), however loaded the machine is: no test depends on timing. For a
    store frozen mid-indexing, serve your own with `index_delay_ms=60_000`.
    """
    with serve_in_background(":memory:", index_delay_ms=0) as running:
        yield running


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[openai.OpenAI]:
    """The real `openai` SDK pointed at the sandbox."""
    with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", max_retries=2) as sdk:
        yield sdk
