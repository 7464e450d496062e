"""`aac show FILE`: renders a saved plan offline, warns when stale, refuses a bad file clearly."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aac.cli import main
from aac.desired import load_desired
from aac.output import Output
from aac.render import render_plan
from aac.stack import load_stack

from .plans import every_action

STACK = """\
stack: demo
default_target: openai
targets:
  openai: {type: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: AAC_TEST_KEY_NEVER_SET}
"""
STORE = """\
kind: vector_store
name: support-kb
files: [../knowledge/*.md]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A stack whose only target is unreachable and has no key: show must not need it."""
    (tmp_path / "assistants").mkdir()
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "aac.yaml").write_text(STACK, encoding="utf-8")
    (tmp_path / "assistants" / "kb.yaml").write_text(STORE, encoding="utf-8")
    (tmp_path / "knowledge" / "faq.md").write_text("# FAQ\n", encoding="utf-8")
    return tmp_path


def _save(root: Path, age: timedelta = timedelta(minutes=5), digest: str | None = None) -> Path:
    made = (datetime.now(timezone.utc) - age).strftime("%Y-%m-%dT%H:%M:%SZ")
    current = load_desired(load_stack(root))[0].manifest_digest
    path = root / "saved.plan"
    plan = replace(every_action(), created_at=made, manifest_digest=digest or current)
    path.write_text(render_plan(plan, "json", Output()))  # as `aac plan --out` saves it
    return path


def _show(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--no-color", "--chdir", str(root), "show", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_renders_a_fresh_saved_plan_without_warnings(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _save(root)
    code, out, err = _show(root, capsys, "saved.plan")
    assert (code, err) == (0, "")
    assert "  # assistant.math-tutor will be updated in place\n" in out
    assert "Plan: 3 to add, 1 to change, 1 to replace, 3 to destroy." in out


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_show_renders_every_format(root: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    saved = _save(root)
    code, out, _ = _show(root, capsys, str(saved), "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert out == saved.read_text()
    else:
        assert out.startswith("<!-- aac-plan:demo -->\n")


def test_show_warns_when_the_manifests_changed(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _save(root)
    (root / "assistants" / "kb.yaml").write_text(STORE + "display_name: Knowledge\n", encoding="utf-8")
    code, out, err = _show(root, capsys, "saved.plan")
    assert code == 0 and "Plan:" in out
    assert "warning: the manifests changed since this plan was made; `aac --no-color --chdir" in err
    assert "apply saved.plan` will refuse it: make a fresh one with `aac --no-color --chdir" in err
    assert err.rstrip().endswith(" plan --out saved.plan`")


def test_show_warns_when_the_plan_is_over_a_day_old(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _save(root, age=timedelta(hours=30))
    code, _, err = _show(root, capsys, "saved.plan")
    assert code == 0
    assert "warning: this plan was made 30 hours ago" in err


def test_show_warns_when_the_plan_is_for_another_stack(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _save(root)
    (root / "aac.yaml").write_text(STACK.replace("stack: demo", "stack: prod"), encoding="utf-8")
    code, _, err = _show(root, capsys, "saved.plan")
    assert code == 0
    assert "this plan is for stack 'demo', but the stack in" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: there is no plan file saved.plan"),
        ("{not json", "error: saved.plan is not a plan saved by aac (JSONDecodeError"),
        ("[1, 2]", "error: saved.plan is not a plan saved by aac"),
        ('{"format_version": "9.0"}', "error: this plan has format_version 9.0, this aac reads 1.2"),
        ('{"format_version": "1.0", "stack": "demo"}', "error: saved.plan is not a plan saved by aac (KeyError"),
        (b"\xff\xfe\x00garbage", "error: saved.plan is not a plan saved by aac (it is not UTF-8 text)"),
    ],
)
def test_show_refuses_a_bad_file_with_a_clear_error(
    root: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, message: str
) -> None:
    if isinstance(content, bytes):
        (root / "saved.plan").write_bytes(content)
    elif content is not None:
        (root / "saved.plan").write_text(content, encoding="utf-8")
    code, out, err = _show(root, capsys, "saved.plan")
    assert (code, out) == (1, "")
    assert err.startswith(message)
    assert "\nhint: " in err and "Traceback" not in err


def test_show_refuses_a_plan_edited_into_the_wrong_shape(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = _save(root)
    saved.write_text(saved.read_text().replace('"before": null', '"before": "oops"', 1), encoding="utf-8")
    code, _, err = _show(root, capsys, "saved.plan")
    assert code == 1
    assert "`before` and `after` must be objects or null" in err


def test_show_refuses_a_fifo_without_waiting_on_it(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(root / "saved.plan")
    writer = threading.Thread(target=_write_when_read, args=(root / "saved.plan",), daemon=True)
    writer.start()  # a read that should not happen gets "not a plan", and fails the test instead of waiting
    try:
        code, out, err = _show(root, capsys, "saved.plan")
    finally:
        # A reader held open while the writer finishes: its open returns however late the thread started.
        reader = os.open(root / "saved.plan", os.O_RDONLY | os.O_NONBLOCK)
        writer.join()
        os.close(reader)
    assert (code, out) == (1, "")
    assert err.startswith("error: cannot read saved.plan: it is a FIFO (named pipe), not a regular file\nhint: ")


def _write_when_read(fifo: Path) -> None:
    try:
        with open(fifo, "w", encoding="utf-8") as writer:
            writer.write("{not json")
    except OSError:  # the test's own non-blocking open closed before this wrote
        pass
