"""The approval prompt: only the word `yes` applies."""

from __future__ import annotations

import io

import pytest

from aac.commands.apply import APPROVE, confirm
from aac.errors import AacError
from aac.output import Output


@pytest.mark.parametrize("answer", ["no\n", "y\n", "YES please\n", ""])
def test_anything_but_yes_cancels(answer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(AacError, match="cancelled"):
        confirm(out, False, APPROVE)
    assert APPROVE in out.stderr.getvalue()  # type: ignore[attr-defined]


def test_yes_proceeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    confirm(Output(stdout=io.StringIO(), stderr=io.StringIO()), False, APPROVE)
