"""Generated template manifests (seeded, so a failure reproduces), applied to the sandbox through the CLI: the
plan afterwards is empty, and `aac validate` refuses a bad one at its file and line."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from aac.sandbox.server import RunningSandbox
from cli_harness import Cli

from .test_environment_template import KEY_ENV, write_stack

VARIABLES = {"V_ONE": "first-confidential-value", "V_TWO": "second\nconfidential\r\nscript", "V_THREE": ""}


def _some(rng: random.Random, pool: list[str]) -> list[str]:
    return rng.sample(pool, rng.randint(0, len(pool)))


def _template(rng: random.Random, index: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": "environment_template", "name": f"t{index}"}
    if rng.random() < 0.5:
        doc["capability_directories"] = _some(rng, ["/workspace/a", "/workspace/b", "/opt/skills"])
    if rng.random() < 0.5:
        doc["desktop"] = {"enabled": rng.random() < 0.5}
    if rng.random() < 0.7:
        doc["packages"] = {name: _some(rng, ["x", "y==1.0", "z"]) for name in
                           rng.sample(["npm", "python", "system"], rng.randint(0, 3))}
    access = rng.choice(["enabled", "disabled", "restricted", None])
    if access is not None:
        doc["network"] = {"access": access}
        if access == "restricted" and rng.random() < 0.5:
            doc["network"]["blocked_domains"] = _some(rng, ["a.example", "b.example"])
        elif rng.random() < 0.5:
            doc["network"]["allowed_domains"] = _some(rng, ["pypi.org", "npmjs.com"])
    if rng.random() < 0.5:
        versions = [{"version": rng.choice([1, "2", "latest"])} if rng.random() < 0.5 else {} for _ in range(3)]
        doc["skills"] = [{"skill_id": f"skill_{n}", **versions[n]} for n in range(rng.randint(0, 3))]
    if rng.random() < 0.6:
        doc["env"] = {name: {"value_env": rng.choice(sorted(VARIABLES))} for name in _some(rng, ["A", "B_2", "_c"])}
    if rng.random() < 0.6:
        doc["setup_commands"] = [{"command_env": rng.choice(sorted(VARIABLES)),
                                  **({"cwd": "/workspace/x"} if rng.random() < 0.5 else {})}
                                 for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        doc["version"] = rng.randint(1, 9)
    return doc


@pytest.mark.parametrize("seed", range(6))
def test_generated_templates_plan_empty_after_apply(tmp_path: Path, sandbox: RunningSandbox,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    for name, value in VARIABLES.items():
        monkeypatch.setenv(name, value)
    rng = random.Random(seed)
    cli = Cli(write_stack(tmp_path / "stack", sandbox.base_url, [_template(rng, i) for i in range(4)]), capsys)
    applied = cli("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    planned = cli("plan", "--detailed-exitcode")
    assert planned.code == 0, planned.out
    again = [_template(rng, i) for i in range(4)]  # a second generation over the same keys: updates
    (cli.root / "envs" / "templates.yaml").write_text(yaml.safe_dump_all(again, sort_keys=False))
    assert cli("apply", "--auto-approve").code == 0
    assert cli("plan", "--detailed-exitcode").code == 0
    assert cli("drift").code == 0


BAD = [
    ("env:\n  DATABASE_URL: postgres://u:p@h/db\n", 6, "env.DATABASE_URL"),
    ("env:\n  DATABASE_URL: {value: plain-text}\n", 6, "value"),
    ("setup_commands:\n  - {command: make}\n", 6, "command"),
    ("env:\n  1BAD: {value_env: X}\n", 5, "1BAD"),
    ("files:\n  - {path: /etc/passwd, file_id: file-1}\n", 6, "not inside /workspace/"),
    ("files:\n  - {path: /workspace/a, file_id: file-1}\n  - {path: /workspace/./a, file_id: file-2}\n", 7,
     "two files go to /workspace/a"),
    ("network:\n  access: enabled\n  blocked_domains: [a.example]\n", 7, "access: restricted"),
    ("network:\n  access: restricted\n  blocked_domains: ['*.example']\n", 7, "wildcard"),
    ("display_name: Pretty\n", 5, "display_name"),
    ("version: 0\n", 5, "version"),
]


@pytest.mark.parametrize(("tail", "line", "words"), BAD)
def test_a_bad_template_is_refused_at_its_line(tmp_path: Path, sandbox: RunningSandbox,
                                               capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                               tail: str, line: int, words: str) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    root = write_stack(tmp_path / "stack", sandbox.base_url, [])
    text = "# a template\n\nkind: environment_template\nname: bad\n" + tail
    (root / "envs" / "templates.yaml").write_text(text)
    result = Cli(root, capsys)("validate")
    assert result.code == 1
    errors = [e for e in result.err.splitlines() if e.startswith("envs/templates.yaml:")]
    assert errors and errors[0].startswith(f"envs/templates.yaml:{line}:") and words in errors[0], result.err
    assert "postgres://u:p@h/db" not in result.err + result.out
    assert sandbox.writes == 0
