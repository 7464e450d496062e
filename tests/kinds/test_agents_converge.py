"""Two applies of one agent stack started together end with one vault, one credential per key and one agent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openai

from aac.api.connect import connect
from aac.api.writer import Writer
from aac.apply.build import build_steps
from aac.apply.context import Context
from aac.apply.progress import ApplyProgress
from aac.identity import owner_of
from aac.model.steps import Ids
from aac.output import Output
from aac.plan.make import make_plan
from aac.progress import Progress
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import load_stack

from .conftest import FIXTURE, SECRETS


def _stack(root: Path, base_url: str) -> Path:
    shutil.copytree(FIXTURE, root)
    (root / "aac.yaml").write_text(f"stack: agents\nmanifests: agents\ndefault_target: test\ntargets:\n  test:\n"
                                   f"    type: openai\n    base_url: {base_url}\n    api_key_env: AAC_TEST_KEY\n")
    return root


def _apply(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **SECRETS, "AAC_TEST_KEY": "sk-test", "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "aac", "--chdir", str(root), "apply", "--auto-approve"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _keys(objects: list[object]) -> Counter[str]:
    return Counter(owner[1] for obj in objects if (owner := owner_of(getattr(obj, "metadata", None))))


def test_two_applies_started_together_end_with_one_object_per_key(tmp_path: Path) -> None:
    with serve_in_background(latency_ms=40) as server:
        roots = [_stack(tmp_path / name, server.base_url) for name in ("one", "two")]  # two CI checkouts
        processes = [_apply(root) for root in roots]
        outputs = [p.communicate(timeout=60) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        vaults = list(client.beta.agents.vaults.list())
        assert _keys(vaults) == {"github": 1} and len(vaults) == 1
        credentials = list(client.beta.agents.vaults.credentials.list(vaults[0].id))
        assert _keys(credentials) == {"github/github-mcp": 1, "github/oauth": 1, "github/search-key": 1}
        agents = list(client.beta.agents.list())
        assert _keys(agents) == {"weather-agent": 1} and len(agents) == 1
        (mcp,) = [t for t in agents[0].tools if t.type == "mcp"]
        assert mcp.credential_id in {c.id for c in credentials}
        env = {**os.environ, **SECRETS, "AAC_TEST_KEY": "sk-test"}
        again = subprocess.run([sys.executable, "-m", "aac", "--chdir", str(roots[0]), "plan", "--detailed-exitcode"],
                               env=env, capture_output=True, timeout=60)
        assert again.returncode == 0, again.stderr.decode()[-2000:]



def test_a_new_object_is_named_only_once_both_applies_agree_on_what_it_names(tmp_path: Path,
                                                                             sandbox: RunningSandbox) -> None:
    """The race above is rare on loopback, so the order it relies on is checked in the apply's graph: a new
    credential waits for the vault convergence, a new agent for the credential one (the kinds' `ready`)."""
    stack = load_stack(_stack(tmp_path / "stack", sandbox.base_url))
    out = Output()
    with connect(stack, stack.target(), {**SECRETS, "AAC_TEST_KEY": "sk-test"}, out) as api:
        planned = make_plan(stack, stack.target(), api, out)
        ctx = Context(stack=stack.name, plan=planned.plan, desired=planned.desired, live=planned.live,
                      hashes=planned.hashes, writer=Writer(api, stack.name),
                      progress=ApplyProgress(Progress.for_output(out), {}), ids=Ids.from_live(planned.live))
        needs = {step.id: step.needs for step in build_steps(ctx)}
    assert "settle:vault" in needs["credential:github/github-mcp"]
    assert "settle:credential" in needs["agent:weather-agent"]
