"""`aac import` of a template made by hand: its manifest, from the fields a read returns.

A read returns no `env` value and no setup command (they are confidential), nor the contents of an inline file,
skill or plugin, so none of those can be imported. Adoption tags the template with the spec of the manifest
written here, which declares no `env` and no `setup_commands`: the template keeps those it has until the
manifest declares them (or `version` is bumped), when the next apply sends what the manifest says in their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.kinds.environment_template.canonical import canonical_live
from aac.kinds.environment_template.spec import DEFAULT_NETWORK, KIND_NAME, PACKAGE_LISTS
from aac.manifest.writing import check_round_trip, comment_text, dump, header
from aac.resources import LiveObject

JSON = dict[str, Any]
CONFIDENTIAL_NOTE = [
    "# The API never returns a template's env values or setup commands, so none was imported: the template keeps",
    "# those it has. To manage them, declare them here (`env: {NAME: {value_env: VARIABLE}}`, `setup_commands:",
    "# [{command_env: VARIABLE}]`, each VARIABLE an environment variable that holds the value) and bump `version`:",
    "# the next apply sends what this manifest declares, replacing them (none declared removes them).",
]


def render(src: Any, raw: Mapping[str, Any], key: str) -> str:
    check_round_trip(KIND_NAME, raw)
    form = canonical_live(LiveObject(id=raw["id"], key=key, raw=raw))
    data: JSON = {"kind": KIND_NAME, "name": key}
    data.update(_readable(form))
    comments = header(src, KIND_NAME, key, raw)
    name = raw.get("name")
    if isinstance(name, str) and name:
        comments.append(f"# Its name {comment_text(name)} becomes aac's (a template has no metadata: the name holds "
                        "aac's tags).")
    inline = [f["path"] for f in form["files"] if "inline_bytes" in f] + \
        [s["inline"] for s in (*form["skills"], *form["plugins"]) if "inline" in s]
    if inline:
        comments.append(f"# Inline files, skills and plugins cannot be declared in a manifest ({', '.join(inline)}): "
                        "the next apply removes them.")
    return "\n".join([*comments, *CONFIDENTIAL_NOTE]) + "\n" + dump(data)


def _readable(form: JSON) -> JSON:
    """The fields that differ from their defaults, as a manifest writes them."""
    data: JSON = {}
    if form["capability_directories"]:
        data["capability_directories"] = form["capability_directories"]
    if form["desktop"]["enabled"]:
        data["desktop"] = {"enabled": True}
    files = [f for f in form["files"] if "file_id" in f]
    if files:
        data["files"] = [{"path": f["path"], "file_id": f["file_id"]} for f in files]
    if form["network"] != DEFAULT_NETWORK:
        data["network"] = {k: v for k, v in form["network"].items() if v or k == "access"}
    packages = {name: form["packages"][name] for name in PACKAGE_LISTS if form["packages"][name]}
    if packages:
        data["packages"] = packages
    skills = [{k: v for k, v in s.items() if v is not None} for s in form["skills"] if "skill_id" in s]
    if skills:
        data["skills"] = skills
    return data
