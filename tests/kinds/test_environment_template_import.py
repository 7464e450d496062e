"""`aac import` of an environment template made by hand: a manifest of what a read returns, adoption by name."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import yaml

from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox
from cli_harness import Cli

from .test_environment_template import KEY_ENV, held, write_stack


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", sandbox.base_url, []), capsys)


@pytest.mark.parametrize("by", ["id", "name"])
def test_a_hand_made_template_is_imported_and_keeps_its_confidential_values(
        aac: Cli, client: openai.OpenAI, sandbox: RunningSandbox, by: str) -> None:
    made = client.beta.agents.environments.templates.create(
        name="Data Tools", packages={"python": ["pandas"]}, network={"access": "disabled"},
        skills=[{"type": "skill_reference", "skill_id": "skill_x", "version": "latest"}],
        env={"API_KEY": "hand-made-secret-0123456789"}, setup_commands=[{"command": "make setup-secret-xyz"}])

    result = aac("import", made.id if by == "id" else "Data Tools", "--auto-approve")

    assert result.code == 0, result.err
    (written,) = (aac.root / "envs" / "imported").glob("*.yaml")
    text = written.read_text()
    assert "never returns a template's env values" in text and "hand-made-secret" not in text
    document = yaml.safe_load(text)
    assert document == {"kind": "environment_template", "name": "data-tools", "network": {"access": "disabled"},
                        "packages": {"python": ["pandas"]}, "skills": [{"skill_id": "skill_x", "version": "latest"}]}
    (template,) = client.beta.agents.environments.templates.list()
    assert template.id == made.id and template.name.startswith("aac:envs:data-tools:")
    assert held(sandbox, made.id)["env"] == {"API_KEY": fingerprint("hand-made-secret-0123456789")}
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0
