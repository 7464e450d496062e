"""Apply under faults, crashes and concurrency: it converges, with no duplicates and no leftovers."""

from __future__ import annotations

import shlex
import signal
import time
from collections.abc import Callable
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli, hinted_commands

from aac.sandbox.server import serve_in_background

from .helpers import KEY_ENV, assert_converged, owned, start_apply, write_stack

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


def test_apply_converges_through_injected_faults_in_at_most_two_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sdk_for: Callable[[str], openai.OpenAI],
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(fault_rate=0.2, seed=20261122) as server:
        aac = Cli(write_stack(tmp_path / "stack", server.base_url), capsys)
        codes = [aac("apply", "--auto-approve").code]
        if codes[0] != 0:
            codes.append(aac("apply", "--auto-approve").code)
        assert codes[-1] == 0, codes
        assert_converged(sdk_for(server.base_url))
        assert aac("plan", "--detailed-exitcode").code == 0


def test_apply_killed_at_any_point_then_applied_again_converges_without_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sdk_for: Callable[[str], openai.OpenAI],
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    # Each run is SIGKILLed when the server has received its Nth request: with 40 ms of latency
    # that request is still in flight, so the server may do a write whose answer nobody reads.
    with serve_in_background(db=str(tmp_path / "sandbox.db"), latency_ms=40) as server:
        root = write_stack(tmp_path / "stack", server.base_url)
        client = sdk_for(server.base_url)
        progress = []
        for nth in (7, 9, 8, 10, 9, 11):
            server.reset_counts()
            process = start_apply(root)
            _wait_for(lambda nth=nth, p=process: server.requests >= nth or p.poll() is not None)
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            state = owned(client)
            progress.append((len(state.uploads), len(state.stores), len(state.assistants)))
        assert progress[0] != progress[-1], progress  # the kills landed at different points of the apply
        aac = Cli(root, capsys)
        result = aac("apply", "--auto-approve")
        assert result.code == 0, result.err
        assert_converged(client)
        assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_apply_stops_cleanly_with_130_and_the_next_apply_finishes(
    signum: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sdk_for: Callable[[str], openai.OpenAI],
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(latency_ms=150) as server:
        root = write_stack(tmp_path / "stack", server.base_url)
        process = start_apply(root)
        _wait_for(lambda: server.requests >= 9)  # planned, now applying
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130, err.decode()
        assert b"interrupted" in err and b"Traceback" not in err
        [again] = hinted_commands(err.decode())  # the hint, pasted, finishes the job
        assert again == f"aac --chdir {shlex.quote(str(root))} apply --auto-approve"
        assert Cli(root, capsys).paste(again).code == 0
        assert_converged(sdk_for(server.base_url))


def test_two_applies_started_together_end_with_one_object_per_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sdk_for: Callable[[str], openai.OpenAI],
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(latency_ms=40) as server:
        first = write_stack(tmp_path / "one", server.base_url)
        second = write_stack(tmp_path / "two", server.base_url)  # two CI checkouts of one stack
        processes = [start_apply(first), start_apply(second)]
        outputs = [p.communicate(timeout=60) for p in processes]
        codes = [p.returncode for p in processes]
        assert codes == [0, 0], [err.decode()[-2000:] for _, err in outputs]
        assert_converged(sdk_for(server.base_url))
        assert Cli(first, capsys)("plan", "--detailed-exitcode").code == 0


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_a_vector_store_stack_applies_and_destroys_where_the_assistants_api_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    sdk_for: Callable[[str], openai.OpenAI],
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    with serve_in_background(no_assistants=True) as server:
        root = write_stack(tmp_path / "stack", server.base_url)
        support = root / "assistants/support/customer-support.yaml"
        support.write_text(support.read_text().split("\n---\n")[0] + "\n")  # keep only the vector store
        for name in ("math-tutor.yaml", "weather-bot.yaml"):
            (root / "assistants" / name).unlink()
        aac = Cli(root, capsys)

        result = aac("apply", "--auto-approve")

        assert result.code == 0, result.err
        client = sdk_for(server.base_url)
        [store] = [s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "support-kb"]
        assert len(list(client.vector_stores.files.list(store.id))) == 4
        assert aac("plan", "--detailed-exitcode").code == 0
        assert aac("destroy", "--auto-approve").code == 0
        assert not list(client.vector_stores.list()) and not list(client.files.list())
