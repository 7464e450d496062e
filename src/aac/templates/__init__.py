"""What `aac init` writes: the stack file, an example manifest, the schema and the CI workflows.

The templates are files beside this module; this repository's own `.github/workflows/` is
`scaffold_files("demo")`'s workflows, byte for byte (a test holds them equal).
"""

from __future__ import annotations

from importlib import resources

from aac.manifest.schema import schema_text

STACK_PLACEHOLDER = "__STACK__"

# Path written (relative to the new stack's root) -> template beside this module.
TEMPLATES = {
    "aac.yaml": "aac.yaml",
    "assistants/example.yaml": "example.yaml",
    ".aac/.gitignore": "aac-gitignore",
    ".github/workflows/plan.yml": "workflows/plan.yml",
    ".github/workflows/apply.yml": "workflows/apply.yml",
    ".github/workflows/drift.yml": "workflows/drift.yml",
}
SCHEMA_PATH = "schemas/manifest.schema.json"
WORKFLOWS = tuple(path for path in TEMPLATES if path.startswith(".github/workflows/"))


def template(name: str) -> str:
    return resources.files("aac.templates").joinpath(name).read_text(encoding="utf-8")


def scaffold_files(stack: str) -> dict[str, str]:
    """Every file `aac init` writes for a stack called `stack`, by path, in write order."""
    files = {path: template(name).replace(STACK_PLACEHOLDER, stack) for path, name in TEMPLATES.items()}
    files[SCHEMA_PATH] = schema_text()
    return files
