"""Manifests: load the YAML in the manifests folder into the desired state, with every problem found.

Public API (other modules call these):

    load_desired(stack, secrets) -> (DesiredState, problems)   never raises for manifest problems
    require_valid(stack, out) -> DesiredState         warns, raises ValidationFailed on any error
"""

from __future__ import annotations

from aac.errors import ValidationFailed
from aac.manifest.load import load_desired, manifest_files
from aac.manifest.schema import schema_text
from aac.output import Output
from aac.resources import DesiredState
from aac.stack import Stack

__all__ = ["load_desired", "manifest_files", "require_valid", "schema_text"]


def require_valid(stack: Stack, out: Output) -> DesiredState:
    """The desired state; prints warnings through `out`, raises ValidationFailed when any problem is an error."""
    desired, problems = load_desired(stack, out.secrets)
    # Printed as `aac validate` prints them (`path:line: warning: ...`), so one grep finds both.
    for problem in sorted(problems, key=lambda p: p.severity != "warning"):
        out.problem(problem)
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    return desired
