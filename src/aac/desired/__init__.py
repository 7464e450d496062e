"""Manifests: load the YAML in the manifests folder into the desired state, with every problem found.

Public API (other modules call these):

    load_desired(stack, target, environ, secrets=) -> (DesiredState, problems)   never raises for manifest problems
    validate_targets(stack, environ, secrets) -> (DesiredState, problems)       every target's values checked
    require_valid(stack, out, target=, environ=) -> DesiredState       warns, raises ValidationFailed on any error
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from aac.desired.load import load_desired, manifest_files, validate_targets
from aac.errors import ValidationFailed
from aac.manifest.schema import schema_text
from aac.output import Output
from aac.resources import DesiredState
from aac.stack import Stack

__all__ = ["load_desired", "manifest_files", "require_valid", "schema_text", "validate_targets"]


def require_valid(stack: Stack, out: Output, *, target: str | None = None,
                  environ: Mapping[str, str] = os.environ) -> DesiredState:
    """The desired state of `target` (None: the default one); prints warnings through `out`, raises
    ValidationFailed when any problem is an error."""
    desired, problems = load_desired(stack, target, environ, secrets=out.secrets)
    # Printed as `aac validate` prints them (`path:line: warning: ...`), so one grep finds both.
    for problem in sorted(problems, key=lambda p: p.severity != "warning"):
        out.problem(problem)
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    return desired
