"""Manifests: load the YAML in the manifests folder into the desired state, with every problem found.

Public API (other modules call these):

    load_desired(stack) -> (DesiredState, problems)   never raises for manifest problems
    require_valid(stack, out) -> DesiredState         warns, raises ValidationFailed on any error
"""

from __future__ import annotations

from aac.errors import Problem, ValidationFailed
from aac.manifest.load import load_desired, manifest_files
from aac.manifest.schema import schema_text
from aac.output import Output
from aac.resources import DesiredState
from aac.stack import Stack

__all__ = ["load_desired", "manifest_files", "require_valid", "schema_text"]


def require_valid(stack: Stack, out: Output) -> DesiredState:
    """The desired state; prints warnings through `out`, raises ValidationFailed when any problem is an error."""
    desired, problems = load_desired(stack)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        if problem.severity != "error":
            out.warn(_located(problem))
    if errors:
        for problem in errors:
            out.info(str(problem))
        raise ValidationFailed(problems)
    return desired


def _located(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    text = f"{where}: {problem.message}"
    return f"{text}\n    hint: {problem.hint}" if problem.hint else text
