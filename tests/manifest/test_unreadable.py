"""Nothing the stack holds is skipped silently: a folder that cannot be listed, a file that cannot be read
or stat'ed, a FIFO, a socket or a symlink loop is a validation error naming the path, and nothing is planned.

Permission cases run `aac` as its own process; as root it runs without the capabilities that let root read
anything (setpriv), so chmod 000 means to it what it means to a user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from tests.apply.helpers import owned, subprocess_env, write_stack
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

_NO_OVERRIDE = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search"]


def unprivileged(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    prefix = _NO_OVERRIDE if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "aac", "--chdir", str(root), *args],
                          env=subprocess_env(), capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def applied(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    monkeypatch.setenv("AAC_APPLY_TEST_KEY", "sk-test")
    root = write_stack(tmp_path / "stack", sandbox.base_url)
    assert Cli(root, capsys)("apply", "--auto-approve").code == 0
    yield root
    for path in root.rglob("*"):  # give the folders back to pytest's cleanup
        if not path.is_symlink():
            path.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root without setpriv")
@pytest.mark.parametrize("hidden", ["assistants/support", "knowledge/guides", "knowledge/faq.md"])
def test_an_unreadable_folder_or_file_is_an_error_and_apply_deletes_nothing(
        applied: Path, client: openai.OpenAI, hidden: str) -> None:
    before = owned(client)
    (applied / hidden).chmod(0)
    checked = unprivileged(applied, "validate")
    assert checked.returncode == 1 and hidden in checked.stderr, checked.stderr
    assert "Permission denied" in checked.stderr
    applying = unprivileged(applied, "apply", "--auto-approve")
    assert applying.returncode == 1 and hidden in applying.stderr and "destroy" not in applying.stdout
    after = owned(client)
    assert (after.stores.keys(), after.assistants.keys(), after.uploads.keys(), after.attached) == \
        (before.stores.keys(), before.assistants.keys(), before.uploads.keys(), before.attached)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:  # the socket file outlives the closed socket
        sock.bind(str(path))


def _self_link(path: Path) -> None:
    path.symlink_to(path.name)


def _dangling(path: Path) -> None:
    path.symlink_to("nowhere.md")


@pytest.mark.parametrize("make", [_fifo, _socket, _self_link, _dangling])
def test_a_special_file_matched_by_a_glob_is_refused_without_opening_it(
        applied: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str], make: object) -> None:
    make(applied / "knowledge" / "odd.md")  # type: ignore[operator]
    sandbox.reset_counts()
    for command in (("validate",), ("plan",)):
        result = Cli(applied, capsys)(*command)
        assert result.code == 1 and "knowledge/odd.md" in result.err and "unexpected" not in result.err
    assert sandbox.requests == 0


def test_a_folder_link_to_its_own_parent_is_a_loop_not_a_hundred_files(
        applied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (applied / "knowledge" / "guides" / "loop").symlink_to("..")
    result = Cli(applied, capsys)("validate")
    assert result.code == 1 and "symlink loop at knowledge/guides/loop" in result.err


@pytest.mark.parametrize("make", [_fifo, _self_link])
def test_a_special_manifest_or_instructions_file_is_refused(applied: Path, capsys: pytest.CaptureFixture[str],
                                                            make: object) -> None:
    make(applied / "assistants" / "odd.yaml")  # type: ignore[operator]
    (applied / "assistants" / "prompts" / "customer-support.md").unlink()
    _fifo(applied / "assistants" / "prompts" / "customer-support.md")
    result = Cli(applied, capsys)("validate")
    assert result.code == 1 and "assistants/odd.yaml" in result.err
    assert "assistants/prompts/customer-support.md" in result.err and "FIFO" in result.err
