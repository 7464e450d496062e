"""What `aac init` writes: the stack file, an example manifest, the schema and the CI workflows.

The templates are files beside this module; this repository's own `.github/workflows/` is
`scaffold_files("demo", pip_spec=".")`'s workflows, byte for byte (a test holds them equal): it
installs aac from its own checkout, where a user's stack installs what `aac init --install SPEC` or the
repository variable AAC_PIP_SPEC names (aac is not on PyPI).
"""

from __future__ import annotations

from importlib import resources

from aac.manifest.schema import schema_text

STACK_PLACEHOLDER = "__STACK__"
PIP_SPEC_PLACEHOLDER = "__PIP_SPEC__"

# Path written (relative to the new stack's root) -> template beside this module.
TEMPLATES = {
    "aac.yaml": "aac.yaml",
    "assistants/example.yaml": "example.yaml",
    ".aac/.gitignore": "aac-gitignore",
    "policy/plan.rego": "policy.rego",  # what the plan workflow's policy step evaluates
    ".github/workflows/plan.yml": "workflows/plan.yml",
    ".github/workflows/apply.yml": "workflows/apply.yml",
    ".github/workflows/drift.yml": "workflows/drift.yml",
}
SCHEMA_PATH = "schemas/manifest.schema.json"
WORKFLOWS = tuple(path for path in TEMPLATES if path.startswith(".github/workflows/"))


def template(name: str) -> str:
    return resources.files("aac.templates").joinpath(name).read_text(encoding="utf-8")


def scaffold_files(stack: str, *, pip_spec: str = "") -> dict[str, str]:
    """Every file `aac init` writes for a stack called `stack`, by path, in write order.

    `pip_spec` is what the workflows install when the repository variable AAC_PIP_SPEC is unset;
    empty, their install step fails and asks for the variable.
    """
    files = {
        path: template(name).replace(STACK_PLACEHOLDER, stack).replace(PIP_SPEC_PLACEHOLDER, pip_spec)
        for path, name in TEMPLATES.items()
    }
    files[SCHEMA_PATH] = schema_text()
    return files
