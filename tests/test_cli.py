from __future__ import annotations

import click
import pytest

from aac.cli import cli, main, split_common_options


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
    front, rest = split_common_options(argv)
    assert front + rest == expected


def test_a_common_option_after_the_command_takes_effect(tmp_path, capsys) -> None:
    code = main(["validate", "--chdir", str(tmp_path), "--no-color"])
    assert code == 1
    assert f"no aac.yaml in {tmp_path}" in capsys.readouterr().err


def test_usage_errors_exit_1_not_2(capsys) -> None:
    assert main(["plan", "--format", "xml"]) == 1
    err = capsys.readouterr().err
    assert "--format" in err and "xml" in err  # names the option and the bad value, whatever click's wording


def _commands(group: click.Group, prefix: str = "aac") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(prefix, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_has_help(name: str, command: click.Command) -> None:
    undocumented = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not p.help]
    assert undocumented == [], f"{name}: options without help text"


def test_aac_in_a_sub_folder_of_a_stack_finds_aac_yaml_above(tmp_path, capsys) -> None:
    (tmp_path / "aac.yaml").write_text("stack: up\nmanifests: assistants\n", encoding="utf-8")
    (tmp_path / "assistants/deeper").mkdir(parents=True)
    (tmp_path / "assistants/kb.yaml").write_text("kind: vector_store\nname: kb\n", encoding="utf-8")

    code = main(["--chdir", str(tmp_path / "assistants/deeper"), "validate"])

    assert code == 0
    assert "valid: stack 'up', 1 vector store" in capsys.readouterr().err
