"""`aac init [DIR]`: scaffold a stack that validates, with CI workflows; never overwrites a file."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from aac.errors import AacError
from aac.stack import NAME_PATTERN
from aac.templates import scaffold_files

if TYPE_CHECKING:
    from aac.commands import App


EXAMPLE_SPEC = "git+https://github.com/OWNER/assistant-as-code"


def run(app: App, directory: str = ".", pip_spec: str = "") -> int:
    root = (app.cwd / directory).resolve()
    if root.exists() and not root.is_dir():
        raise AacError(f"{root} is not a folder", "pass a folder to `aac init DIR`")
    files = scaffold_files(stack_name(root), pip_spec=pip_spec)
    existing = sorted(path for path in files if (root / path).exists())
    if existing:
        raise AacError(
            f"{root} already has {', '.join(existing)}; nothing was written",
            "run `aac init` in a new folder, or move those files aside first",
        )
    for path, text in files.items():
        _write(root / path, text)
        app.out.info(f"  created {path}")
    app.out.info(f"Stack {stack_name(root)!r} is ready in {root}.")
    # The next commands as the user runs aac (`.venv/bin/aac`), pointed at the new stack from where they are.
    where = () if root == app.cwd.resolve() else ("--chdir", str(root))
    validate, plan = (app.invocation.command(*where, command) for command in ("validate", "plan"))
    app.out.info(f"Next: `{validate}`, then `{plan}` (the sandbox target needs no key).")
    app.out.info("In GitHub (Settings > Secrets and variables > Actions), set the repository secret OPENAI_API_KEY"
                 "; the workflows run plan on pull requests, apply on merge and drift nightly.")
    app.out.info(install_note(pip_spec, app.invocation.command(*where, "init", "--install", "SPEC")))
    return 0


def install_note(pip_spec: str, rerun: str) -> str:
    """What the workflows install aac from, and what to set: aac is not a package on PyPI."""
    if pip_spec:
        return (f"The workflows install aac with `pip install {shlex.quote(pip_spec)}`; "
                "the repository variable AAC_PIP_SPEC overrides it.")
    return ("Also set the repository variable AAC_PIP_SPEC to what pip installs aac from, for example "
            f"{EXAMPLE_SPEC} or a wheel's URL (or run `{rerun}` in a new folder): the workflows stop "
            "and ask for it until it is set.")


def _write(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except OSError as exc:
        raise AacError(f"cannot write {target}: {exc.strerror or exc}", "check the folder's permissions") from exc


def stack_name(root: Path) -> str:
    """The folder's name as a stack name (lowercase, safe characters), else "main"."""
    name = re.sub(r"[^a-z0-9._-]+", "-", root.name.lower()).strip("-._")[:63]
    return name if NAME_PATTERN.fullmatch(name) else "main"
