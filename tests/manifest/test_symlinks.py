"""Symlinks in the manifests folder: followed when they resolve inside the repository, refused with the
path when they leave it, dangle or loop. Never skipped: a plan would delete what the manifests behind
them declare.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import openai
import pytest
from tests.apply.helpers import owned, write_stack
from tests.cli_harness import Cli

from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

FULL = "1 vector store, 3 assistants, 1 vault, 1 credential, 1 agent, 5 files"


@pytest.fixture
def applied(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    monkeypatch.setenv("AAC_APPLY_TEST_KEY", "sk-test")
    root = write_stack(tmp_path / "stack", sandbox.base_url)
    aac = Cli(root, capsys)
    assert aac("apply", "--auto-approve").code == 0
    yield aac


def _move_and_link(root: Path, moved: str, to: Path, link: str | Path) -> None:
    """`mv moved to && ln -s link moved`: the folder's contents unchanged, reached through a link."""
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / moved, to)
    (root / moved).symlink_to(link)


def _agents_in_repo_relative(root: Path) -> None:
    _move_and_link(root, "assistants/agents", root / "elsewhere" / "agents", "../elsewhere/agents")


def _agents_in_repo_absolute(root: Path) -> None:
    _move_and_link(root, "assistants/agents", root / "elsewhere" / "agents", root / "elsewhere" / "agents")


def _link_inside_a_linked_folder(root: Path) -> None:
    _move_and_link(root, "assistants/support", root / "deep" / "support", "../deep/support")
    (root / "deeper" / "vaults").mkdir(parents=True)
    shutil.move(root / "assistants" / "agents" / "github-vault.yaml", root / "deeper" / "vaults")
    (root / "deep" / "support" / "vaults").symlink_to("../../deeper/vaults")  # read as assistants/support/vaults


def _manifest_file_in_repo(root: Path) -> None:
    _move_and_link(root, "assistants/weather-bot.yaml", root / "kept" / "weather-bot.yaml",
                   "../kept/weather-bot.yaml")
    # Its references are relative to where the manifest is read (assistants/), as before the move.


def _manifests_folder_in_repo(root: Path) -> None:
    _move_and_link(root, "assistants", root / "config" / "assistants", "config/assistants")


@pytest.mark.parametrize("make", [_agents_in_repo_relative, _agents_in_repo_absolute, _link_inside_a_linked_folder,
                                  _manifest_file_in_repo, _manifests_folder_in_repo])
def test_a_link_inside_the_repository_is_followed_and_the_plan_stays_empty(
        applied: Cli, make: Callable[[Path], None]) -> None:
    make(applied.root)
    checked = applied("validate")
    assert checked.code == 0 and FULL in checked.err, checked.err
    assert applied("plan", "--detailed-exitcode").code == 0
    assert applied("drift").code == 0


def _agents_outside(root: Path) -> str:
    _move_and_link(root, "assistants/agents", root.parent / "outside" / "agents", root.parent / "outside" / "agents")
    return "assistants/agents is a symlink to"


def _agents_outside_relative(root: Path) -> str:
    _move_and_link(root, "assistants/agents", root.parent / "outside" / "agents", "../../outside/agents")
    return "outside the repository"


def _agents_dangling(root: Path) -> str:
    shutil.rmtree(root / "assistants" / "agents")
    (root / "assistants" / "agents").symlink_to("../elsewhere/agents")
    return "assistants/agents is a symlink to '../elsewhere/agents', which does not exist"


def _agents_to_itself(root: Path) -> str:
    shutil.rmtree(root / "assistants" / "agents")
    (root / "assistants" / "agents").symlink_to("agents")
    return "assistants/agents is a symlink loop"


def _agents_to_the_repository(root: Path) -> str:
    (root / "assistants" / "agents" / "up").symlink_to("../..")  # would load aac.yaml as a manifest, and again
    return "assistants/agents/up is a symlink loop"


def _two_links_to_each_other(root: Path) -> str:
    _move_and_link(root, "assistants/agents", root / "elsewhere" / "agents", "../elsewhere/agents")
    (root / "elsewhere" / "agents" / "back").symlink_to("../../assistants")
    return "assistants/agents/back is a symlink loop"


def _manifest_file_outside(root: Path) -> str:
    outside = root.parent / "outside" / "weather-bot.yaml"
    _move_and_link(root, "assistants/weather-bot.yaml", outside, outside)
    return "assistants/weather-bot.yaml is a symlink to"


def _manifest_file_dangling(root: Path) -> str:
    (root / "assistants" / "weather-bot.yaml").unlink()
    (root / "assistants" / "weather-bot.yaml").symlink_to("gone.yaml")
    return "assistants/weather-bot.yaml is a symlink to 'gone.yaml', which does not exist"


def _manifests_folder_outside(root: Path) -> str:
    _move_and_link(root, "assistants", root.parent / "outside" / "assistants", root.parent / "outside" / "assistants")
    return "assistants is a symlink to"


def _agents_and_vaults(client: openai.OpenAI) -> list[str]:
    return sorted([a.id for a in client.beta.agents.list()] + [v.id for v in client.beta.agents.vaults.list()])


@pytest.mark.parametrize("make", [_agents_outside, _agents_outside_relative, _agents_dangling, _agents_to_itself,
                                  _agents_to_the_repository, _two_links_to_each_other, _manifest_file_outside,
                                  _manifest_file_dangling, _manifests_folder_outside])
def test_a_link_aac_cannot_follow_is_an_error_naming_it_and_nothing_is_deleted(
        applied: Cli, client: openai.OpenAI, make: Callable[[Path], str]) -> None:
    before = owned(client)
    agents_before = _agents_and_vaults(client)
    said = make(applied.root)
    checked = applied("validate")
    assert checked.code == 1 and said in checked.err, checked.err
    assert "hint: aac follows symlinks that resolve inside the repository" in checked.err
    planned = applied("plan")
    assert planned.code == 1 and said in planned.err and "destroy" not in planned.out, planned.out
    applying = applied("apply", "--auto-approve")
    assert applying.code == 1 and said in applying.err and "destroy" not in applying.out
    after = owned(client)
    assert (after.stores.keys(), after.assistants.keys(), after.uploads.keys(), after.attached) == \
        (before.stores.keys(), before.assistants.keys(), before.uploads.keys(), before.attached)
    assert _agents_and_vaults(client) == agents_before


def test_a_link_leaving_the_repository_beside_manifests_that_is_no_manifest_is_left_alone(applied: Cli) -> None:
    outside = applied.root.parent / "notes.txt"
    outside.write_text("not a manifest\n", encoding="utf-8")
    (applied.root / "assistants" / "notes.txt").symlink_to(outside)
    assert applied("validate").code == 0
    assert os.path.islink(applied.root / "assistants" / "notes.txt")
