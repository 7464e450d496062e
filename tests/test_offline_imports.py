"""Offline commands load no network code: `aac validate` is a pre-commit hook, and the SDK alone took 0.6 s.

Each command runs as its own process under `python -X importtime`, which lists every module imported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NETWORK = ("openai", "httpx", "starlette", "uvicorn", "pypdf", "azure", "aac.sandbox", "aac.api")
_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)


def _imported(root: Path, *args: str) -> tuple[int, set[str]]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("AAC_TARGET", None)
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "aac", "-C", str(root), *args],
                            env=env, cwd=root, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    return result.returncode, set(_IMPORTED.findall(result.stderr))


def _network(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NETWORK))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The repository's example stack, copied (no .aac state, no keys)."""
    root = tmp_path / "example"
    for name in ("aac.yaml", "assistants", "knowledge", "data", "schemas", "servers"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            root.mkdir(exist_ok=True)
            shutil.copy(source, root / name)
    return root


@pytest.mark.parametrize("args", [("validate",), ("schema",), ("--help",), ("--version",), ("validate", "--help"),
                                  ("apply", "--help"), ("import", "--help")])
def test_offline_commands_import_no_network_module(example: Path, args: tuple[str, ...]) -> None:
    code, modules = _imported(example, *args)
    assert code == 0
    assert "aac.cli" in modules  # the listing is real: aac itself was imported
    assert _network(modules) == []


def test_a_failing_validate_imports_no_network_module_either(example: Path) -> None:
    (example / "assistants/broken.yaml").write_text("kind: assistant\nname: x\nmodel: [\n", encoding="utf-8")
    code, modules = _imported(example, "validate")
    assert code == 1 and _network(modules) == []


def test_show_and_init_import_no_network_module(example: Path, tmp_path: Path) -> None:
    plan = REPO / "tests/cases/assistant-model/plan.json"
    shutil.copy(plan, example / "saved.plan")
    code, modules = _imported(example, "show", "saved.plan")
    assert code == 0 and _network(modules) == []
    code, modules = _imported(tmp_path, "init", "fresh")
    assert code == 0 and _network(modules) == []
    assert (tmp_path / "fresh/aac.yaml").is_file()


def test_the_network_commands_still_load_the_sdk(example: Path) -> None:
    """The other half: the checks above would pass vacuously if the listing never showed the SDK."""
    env_without_key = "AAC_OFFLINE_TEST_KEY_NEVER_SET"
    stack = (example / "aac.yaml").read_text(encoding="utf-8")
    (example / "aac.yaml").write_text(stack.replace("OPENAI_API_KEY", env_without_key), encoding="utf-8")
    code, modules = _imported(example, "--target", "openai", "drift")
    assert code == 1 and "openai" in modules


def test_validate_of_a_foundry_target_imports_no_network_module(example: Path) -> None:
    stack = (example / "aac.yaml").read_text(encoding="utf-8")
    (example / "aac.yaml").write_text(stack + "\n  azure:\n    type: foundry\n    endpoint: "
                                      "https://acme.services.ai.azure.com/api/projects/support\n", encoding="utf-8")
    for args in (("validate",), ("--target", "azure", "validate"), ("plan", "--help")):
        code, modules = _imported(example, *args)
        assert code == (0 if args[0] == "plan" else 1)  # its agents, vaults and display names: not on foundry
        assert _network(modules) == []
    # Without what a prompt agent cannot express, the same stack is valid there, still offline.
    shutil.rmtree(example / "assistants/agents")
    for manifest in (example / "assistants").rglob("*.yaml"):
        lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
        manifest.write_text("".join(line for line in lines if not line.startswith("display_name:")), encoding="utf-8")
    for args in (("validate",), ("--target", "azure", "validate")):
        code, modules = _imported(example, *args)
        assert code == 0
        assert _network(modules) == []
