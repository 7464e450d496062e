"""Walk the manifests folder, load every document, and build the desired state."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from aac.desired.documents import check_documents, kind_name
from aac.desired.moves import check_moves
from aac.errors import Problem
from aac.kinds import BY_NAME, KINDS
from aac.kinds.base import unserved_by
from aac.manifest.context import LoadContext
from aac.manifest.env import Resolution, resolve
from aac.manifest.fs import DIRECTORY, FILE, entry_kind, link_problem, unknown, walk
from aac.manifest.overrides import for_target
from aac.manifest.schema import schema_problems
from aac.manifest.secrets import check_plain_secrets, redact, secret_values
from aac.manifest.yaml_load import Document, load_file
from aac.resources import DesiredState
from aac.secrets import Secrets
from aac.stack import STACK_FILE, Stack, Target

MANIFEST_SUFFIXES = (".yaml", ".yml")
LINK_HINT = ("aac follows symlinks that resolve inside the repository: point the link there, or replace it with "
             "the folder or file itself; aac cannot tell what it declares")


def manifest_files(stack: Stack) -> list[Path]:
    """Every *.yaml / *.yml under the manifests folder, nested folders included, in path order."""
    return walk_manifests(stack)[0]


def walk_manifests(stack: Stack) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The manifest files, and every path under the folder that hides what it holds, with why.

    A folder that cannot be listed, an entry that cannot be stat'ed, or a symlink that dangles, loops
    or leaves the repository is a problem, never a skip: apply would delete what the manifests behind
    it declare. Symlinks that resolve inside the repository are followed, folders and files alike.
    """
    folder = stack.manifests_dir
    real_root = os.path.realpath(stack.root)
    outside = link_problem(folder, real_root)
    if outside is not None:
        return [], [(folder, outside)]
    entries, problems = walk(folder, root=stack.root)
    found: list[Path] = []
    for path in entries:
        kind = entry_kind(path)
        link = link_problem(path, real_root)
        if link is not None and (path.suffix in MANIFEST_SUFFIXES or kind != FILE):
            problems.append((path, link))  # a dangling or looping link may have been a folder of manifests
        elif kind == FILE and path.suffix in MANIFEST_SUFFIXES:
            found.append(path)
        elif kind not in (FILE, DIRECTORY) and (path.suffix in MANIFEST_SUFFIXES or unknown(kind)):
            problems.append((path, kind))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix()), problems


def load_desired(stack: Stack, target: str | None = None, environ: Mapping[str, str] = os.environ, *,
                 offline: bool = False, secrets: Secrets | None = None) -> tuple[DesiredState, list[Problem]]:
    """Everything the manifests declare for `target` (None: the default one), with its `overrides` merged and
    `${env:NAME}` resolved from `environ`, and every problem found (errors and warnings); never raises for them.

    `offline` is for `aac validate`: a variable that is not set is a warning there (see aac.manifest.env).
    `secrets` (the run's) learns every value in the manifests that may be a secret, so no output shows it.
    """
    # A credential must not send the stack's own API key to an MCP server.
    keys = frozenset({"OPENAI_API_KEY", *(t.api_key_env for t in stack.targets.values() if t.api_key_env)})
    chosen = target or stack.default_target
    chosen_target = stack.targets.get(chosen)
    ctx = LoadContext(root=stack.root.absolute(), key_variables=keys,
                      target_type=chosen_target.type if chosen_target else None, stack=stack.name)
    _record_digest_input(ctx, ctx.root / STACK_FILE)
    if not stack.manifests_dir.is_dir():
        ctx.error(STACK_FILE, 0, f"the manifests folder {stack.manifests!r} does not exist",
                  f"create {stack.manifests}/ or set `manifests:` in {STACK_FILE}")
    resolution = Resolution()
    documents = [resolve(ctx, for_target(ctx, doc, stack.targets, chosen), environ, offline, resolution)
                 for doc in _load_documents(ctx, stack)]
    valid = [doc for doc in documents if _shape_ok(ctx, doc)]
    for doc in documents:
        if doc not in valid:
            _diagnose(ctx, doc)
    check_documents(ctx, documents)
    named = [doc for doc in documents if kind_name(doc) is not None]
    for kind in KINDS:
        kind.check_documents(ctx, named)
    check_plain_secrets(ctx, documents)
    specs = _specs(ctx, valid)
    _check_served(ctx, specs, chosen_target)
    for kind in KINDS:
        kind.check(ctx, specs)
    desired = DesiredState(stack=stack.name, specs={kind.name: _first_by_key(specs[kind.name]) for kind in KINDS},
                           files=dict(sorted(ctx.files.items())), manifest_digest=ctx.digest(),
                           env_values=tuple(resolution.values))
    check_moves(ctx, stack.moves, desired)
    found = secret_values(documents)
    for value in found:
        if secrets is not None:
            secrets.add(value)
    problems = [p for p in ctx.sorted_problems()
                if p.severity != "error" or (p.path, p.line) not in resolution.unresolved]
    return desired, redact(problems, found)


def validate_targets(stack: Stack, environ: Mapping[str, str],
                     secrets: Secrets | None = None) -> tuple[DesiredState, list[Problem]]:
    """The desired state of the default target, and the problems of every target's values, each said once.

    A problem every target has is said as is; one that only some targets have (a value an override
    gives) starts with the targets it concerns, `(target prod) ...`.
    """
    loads = {name: load_desired(stack, name, environ, offline=True, secrets=secrets) for name in sorted(stack.targets)}
    if not loads:
        return load_desired(stack, None, environ, offline=True, secrets=secrets)
    problems: dict[Problem, list[str]] = {}
    for name, (_, found) in loads.items():
        for problem in found:
            problems.setdefault(problem, []).append(name)
    labelled = [problem if len(names) == len(loads) else _for_targets(problem, names)
                for problem, names in problems.items()]
    desired = loads[stack.default_target][0] if stack.default_target in loads else next(iter(loads.values()))[0]
    return desired, sorted(labelled, key=lambda p: (p.path, p.line, p.severity != "error", p.message))


def _for_targets(problem: Problem, names: list[str]) -> Problem:
    which = f"target {names[0]}" if len(names) == 1 else f"targets {', '.join(names)}"
    return dataclasses.replace(problem, message=f"({which}) {problem.message}")


def _check_served(ctx: LoadContext, specs: Mapping[str, list[Any]], target: Target | None) -> None:
    """A manifest of a kind whose API the target's type never serves: one error at each, before any request."""
    if target is None:
        return
    for kind in KINDS:
        if target.type not in unserved_by(kind) or not kind.has_manifest:
            continue  # a kind declared inside another's manifest (a vault's credentials): the error is that one's
        for spec in specs[kind.name]:
            where = spec.source
            ctx.error(where.path if where else "", where.line if where else 0,
                      f"{kind.address(spec.key)}: a {target.type} target has no OpenAI Agents API, which "
                      f"{kind.label} manifests need",
                      f"apply it to an openai or sandbox target; on {target.type}, an assistant manifest is what "
                      "becomes an agent")


def _specs(ctx: LoadContext, documents: list[Document]) -> dict[str, list[Any]]:
    """Every spec the documents declare, by kind name, each document loaded by its kind (aac.kinds)."""
    specs: dict[str, list[Any]] = {kind.name: [] for kind in KINDS}
    for doc in documents:
        for name, spec in _loader(doc)(ctx, doc):
            specs[name].append(spec)
    return specs


def _loader(doc: Document) -> Callable[[LoadContext, Document], Iterable[tuple[str, Any]]]:
    return BY_NAME[doc.data["kind"]].load  # the schema admits only the kinds that have manifests


def _diagnose(ctx: LoadContext, doc: Document) -> None:
    """Run the deeper checks on a document whose shape is wrong, for their problems only.

    So one `aac validate` reports a bad glob or a strict-mode slip alongside a typo elsewhere in
    the same manifest. A field of the wrong type (a list for a string, an infinite count) can stop
    this part way, with whatever exception it raises; its schema problem is already reported.
    """
    if kind_name(doc) is None:
        return
    scratch = LoadContext(root=ctx.root)
    with contextlib.suppress(Exception):  # the document is already invalid: nothing here may hide that
        list(_loader(doc)(scratch, doc))
    ctx.problems.extend(scratch.problems)


def _load_documents(ctx: LoadContext, stack: Stack) -> list[Document]:
    documents: list[Document] = []
    if not stack.manifests_dir.is_dir():
        return documents
    files, unreadable = walk_manifests(stack)
    for abspath, why in unreadable:
        ctx.error(_rel(ctx, abspath), 0, f"{_rel(ctx, abspath)} {why}",
                  LINK_HINT if why.startswith("is a symlink") else
                  "make it readable (or remove it): aac cannot tell what it declares")
    for abspath in files:
        rel = _rel(ctx, abspath)
        _record_digest_input(ctx, abspath)
        docs, problems = load_file(abspath, rel)
        ctx.problems.extend(problems)
        documents.extend(doc for doc in docs if doc.data is not None)  # an empty document is no manifest
    return documents


def _rel(ctx: LoadContext, abspath: Path) -> str:
    return abspath.absolute().relative_to(ctx.root).as_posix()


def _shape_ok(ctx: LoadContext, doc: Document) -> bool:
    problems = schema_problems(doc)
    ctx.problems.extend(problems)
    return not problems


def _first_by_key(specs: list[Any]) -> dict[str, Any]:
    """Specs by key; of two with one key (an error already reported) the first counts."""
    result: dict[str, Any] = {}
    for spec in specs:
        result.setdefault(spec.key, spec)
    return dict(sorted(result.items()))


def _record_digest_input(ctx: LoadContext, abspath: Path) -> None:
    # A file that cannot be read is reported where it is loaded.
    with contextlib.suppress(OSError, ValueError):
        ctx.digest_inputs[abspath.absolute().relative_to(ctx.root).as_posix()] = abspath.read_bytes()
