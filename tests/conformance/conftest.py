"""The conformance lifecycle's target: the server at AAC_CONFORMANCE_BASE_URL, else the test's own sandbox.

`.ci/run` points the variable at a real Llama Stack-family server (servers/llama_stack/serve.py); in the
normal suite the same lifecycle runs against the sandbox, once per server profile (OpenAI's ways, and
llama-stack's and ogx's as seen), so it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli

from aac.sandbox.profiles import PROFILES
from aac.sandbox.server import serve_in_background

BASE_URL_ENV = "AAC_CONFORMANCE_BASE_URL"
KEY_ENV = "AAC_CONFORMANCE_KEY"
REPO = Path(__file__).resolve().parents[2]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "server" in metafunc.fixturenames:
        metafunc.parametrize("server", ["env"] if os.environ.get(BASE_URL_ENV) else sorted(PROFILES))


@pytest.fixture
def base_url(server: str) -> Iterator[str]:
    if server == "env":
        yield os.environ[BASE_URL_ENV].rstrip("/")
        return
    with serve_in_background(":memory:", index_delay_ms=0, profile=server) as running:
        yield running.base_url


@pytest.fixture
def sdk(base_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=base_url, api_key=os.environ.get(KEY_ENV, "sk-conformance")) as client:
        yield client


@pytest.fixture
def stack_name() -> str:
    """Unique per run, so a long-lived server can host many runs and each one finds only its own objects."""
    return f"conf-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def aac(
    tmp_path: Path, base_url: str, stack_name: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """A stack folder with the repository's own knowledge files (.md, .pdf) and one .txt, aimed at the target."""
    monkeypatch.setenv(KEY_ENV, os.environ.get(KEY_ENV, "sk-conformance"))
    root = tmp_path / "stack"
    shutil.copytree(REPO / "knowledge", root / "knowledge")
    (root / "knowledge" / "hours.txt").write_text("Support hours: 9 to 17, Monday to Friday.\n", encoding="utf-8")
    (root / "assistants").mkdir()
    (root / "aac.yaml").write_text(
        f"stack: {stack_name}\nmanifests: assistants\ndefault_target: conformance\ntargets:\n"
        f"  conformance:\n    type: openai\n    base_url: {base_url}\n    api_key_env: {KEY_ENV}\n",
        encoding="utf-8",
    )
    return Cli(root, capsys)
