"""The plan's storage estimate against what the sandbox reports once the plan is applied, through the CLI."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli
from tests.test_plan_cli import add_target, example

from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
MIB = 1024 * 1024
KB_MANIFEST = "kind: vector_store\nname: kb\nfiles: [../knowledge/*]\n{extra}"


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    return Cli(tmp_path, capsys)


def _estimate(aac: Cli) -> tuple[int, int]:
    """(storage now, storage after) from `aac plan --format json`."""
    result = aac("--target", "remote", "plan", "--format", "json")
    assert result.code == 0, result.err
    cost = result.json()["cost"]
    return cost["storage_bytes_before"], cost["storage_bytes_after"]


def _apply(aac: Cli, client: openai.OpenAI) -> int:
    """Apply, then the storage the sandbox reports for every store."""
    result = aac("--target", "remote", "apply", "--auto-approve")
    assert result.code == 0, result.err
    return sum(store.usage_bytes for store in client.vector_stores.list())


def _stack(root: Path, base_url: str, files: dict[str, bytes], extra: str = "") -> None:
    (root / "aac.yaml").write_text("stack: est\nmanifests: manifests\n")
    add_target(root, base_url)
    (root / "manifests").mkdir()
    (root / "manifests" / "kb.yaml").write_text(KB_MANIFEST.format(extra=extra))
    (root / "knowledge").mkdir()
    for name, content in files.items():
        (root / "knowledge" / name).write_bytes(content)


def test_the_example_stacks_estimate_is_what_the_sandbox_then_reports(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    example(aac.root, sandbox.base_url)
    before, after = _estimate(aac)
    live = _apply(aac, client)
    assert before == 0
    assert after == pytest.approx(live, rel=0.10)
    assert _estimate(aac) == (live, live)  # nothing to change: the estimate is the store's own figure


def test_a_100_mib_files_estimate_is_what_the_sandbox_then_reports(
        aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    line = b"The warranty covers defects in materials and workmanship under normal use.\n"
    _stack(aac.root, sandbox.base_url, {"big.txt": line * (100 * MIB // len(line))})
    _, after = _estimate(aac)
    live = _apply(aac, client)
    assert live > 200 * MIB  # chunks overlap by half and each carries an embedding: far above the file's bytes
    assert after == pytest.approx(live, rel=0.10)


@pytest.mark.parametrize("chunking", ["", "chunking_strategy: {type: static, static: "
                                          "{max_chunk_size_tokens: 100, chunk_overlap_tokens: 50}}\n"])
def test_a_growing_files_estimate_grows_with_it(aac: Cli, sandbox: RunningSandbox, client: openai.OpenAI,
                                                chunking: str) -> None:
    faq = b"# FAQ\nHow long does shipping take? Three to five business days.\n"
    _stack(aac.root, sandbox.base_url, {"faq.md": faq, "guide.md": b"# Guide\nStart here.\n"}, chunking)
    first = _apply(aac, client)
    (aac.root / "knowledge" / "faq.md").write_bytes(faq * 60)
    before, after = _estimate(aac)
    live = _apply(aac, client)
    assert before == first
    assert after > before
    assert after == pytest.approx(live, rel=0.10)

