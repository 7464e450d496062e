"""Helpers for apply tests: the example stack in a temp folder, aimed at a sandbox on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from openai.types.responses.response_create_params import ResponseCreateParamsNonStreaming
from pydantic import TypeAdapter

from aac.identity import owner_of, parse_upload_filename

REPO = Path(__file__).resolve().parents[2]
KEY_ENV = "AAC_APPLY_TEST_KEY"
STACK = "demo"


def write_stack(root: Path, base_url: str) -> Path:
    """The repository's example stack, with a target for the given server."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("assistants", "knowledge", "data", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "aac.yaml").write_text(
        f"stack: {STACK}\nmanifests: assistants\ndefault_target: test\n"
        f"targets:\n  test:\n    type: openai\n    base_url: {base_url}\n    api_key_env: {KEY_ENV}\n",
        encoding="utf-8",
    )
    return root



def subprocess_env() -> dict[str, str]:
    return {**os.environ, KEY_ENV: "sk-test", "NO_COLOR": "1"}


# `python -m aac`, with Ctrl-C meaning KeyboardInterrupt even where the tests run as a shell's background
# job, which starts with SIGINT ignored (Python then installs no handler, and the child inherits that).
_AAC_WITH_CTRL_C = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                    "from aac.cli import main; sys.exit(main(sys.argv[1:]))")


def start_apply(root: Path) -> subprocess.Popen[bytes]:
    """`python -m aac apply --auto-approve` as its own process (a CI job, killable).

    AAC_APPLY_TEST_DEBUG=1 adds --debug, to see each request when a run misbehaves.
    """
    debug = ["--debug"] if os.environ.get("AAC_APPLY_TEST_DEBUG") else []
    return subprocess.Popen(
        [sys.executable, "-c", _AAC_WITH_CTRL_C, "--chdir", str(root), *debug, "apply", "--auto-approve"],
        env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


# -- what is live, through the SDK -----------------------------------------------------------


@dataclass
class Owned:
    assistants: dict[str, list[Any]]  # key -> objects carrying it
    stores: dict[str, list[Any]]
    uploads: dict[str, list[Any]]  # sha256 -> uploads of those bytes
    attached: dict[str, list[str]]  # store key -> file ids attached
    code_files: set[str]  # file ids assistants' code interpreters hold
    hand_made: list[Any]  # assistants nobody owns


def owned(client: openai.OpenAI) -> Owned:
    assistants: dict[str, list[Any]] = defaultdict(list)
    stores: dict[str, list[Any]] = defaultdict(list)
    uploads: dict[str, list[Any]] = defaultdict(list)
    attached: dict[str, list[str]] = {}
    code_files: set[str] = set()
    hand_made = []
    for assistant in client.beta.assistants.list(limit=100):
        owner = owner_of(assistant.metadata)
        if owner is None:
            hand_made.append(assistant)
        elif owner[0] == STACK:
            assistants[owner[1]].append(assistant)
            resources = assistant.tool_resources
            if resources and resources.code_interpreter:
                code_files.update(resources.code_interpreter.file_ids or [])
    for store in client.vector_stores.list(limit=100):
        owner = owner_of(store.metadata)
        if owner is not None and owner[0] == STACK:
            stores[owner[1]].append(store)
            attached[owner[1]] = [f.id for f in client.vector_stores.files.list(store.id, limit=100)]
    for upload in client.files.list(purpose="assistants"):
        sha = parse_upload_filename(upload.filename, STACK)
        if sha:
            uploads[sha].append(upload)
    return Owned(dict(assistants), dict(stores), dict(uploads), attached, code_files, hand_made)


def assert_converged(client: openai.OpenAI, *, assistants: int = 3, stores: int = 1, uploads: int = 5) -> Owned:
    """Exactly one object per key, one upload per content, and every upload in use."""
    state = owned(client)
    for kind in ("assistants", "stores", "uploads"):
        dupes = {k: [o.id for o in v] for k, v in getattr(state, kind).items() if len(v) != 1}
        assert not dupes, f"duplicate {kind}: {dupes}"
    assert (len(state.assistants), len(state.stores), len(state.uploads)) == (assistants, stores, uploads)
    used = state.code_files | {i for ids in state.attached.values() for i in ids}
    unused = [u[0].filename for u in state.uploads.values() if u[0].id not in used]
    assert not unused, f"unused uploads left behind: {unused}"
    return state


_REQUEST = TypeAdapter(ResponseCreateParamsNonStreaming)


def accepted_by_sdk(config: dict[str, Any]) -> bool:
    """The SDK's own request type validates it and keeps every field (a TypedDict drops keys it does not know)."""
    request = {**config, "input": "hello"}
    return _REQUEST.dump_python(_REQUEST.validate_python(request), mode="json", exclude_unset=True) == request
