from __future__ import annotations

import pytest

from aac.cli import hoist_common_options, main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "--no-color"], ["--no-color", "plan"]),
        (["plan", "--target", "openai", "--out", "p.json"], ["--target", "openai", "plan", "--out", "p.json"]),
        (["apply", "-C", "stack", "--debug", "p.json"], ["-C", "stack", "--debug", "apply", "p.json"]),
        (["plan", "--chdir=x"], ["--chdir=x", "plan"]),
        (["import", "--", "--debug"], ["import", "--", "--debug"]),
    ],
)
def test_common_options_are_accepted_after_the_command(argv: list[str], expected: list[str]) -> None:
    assert hoist_common_options(argv) == expected


def test_a_common_option_after_the_command_takes_effect(tmp_path, capsys) -> None:
    code = main(["validate", "--chdir", str(tmp_path), "--no-color"])
    assert code == 1
    assert f"no aac.yaml in {tmp_path}" in capsys.readouterr().err


def test_usage_errors_exit_1_not_2(capsys) -> None:
    assert main(["plan", "--format", "xml"]) == 1
    assert "'xml' is not one of" in capsys.readouterr().err
