"""Where a template keeps aac's tags: in its `name`, since a template has no metadata.

A template of this stack is named `aac:STACK:KEY:SPEC` (`SPEC` the 64 hex digits of the `aac-spec` tag, the
hash of the canonical spec last applied, confidential part by its variables' names only), followed by `:vN`
(the `version` last sent) and `:protect` when the manifest says `protect: true`. Stack names and keys hold no
`:` (aac.stack.NAME_PATTERN, the schema's `name`), so the name decodes without ambiguity; a key on its way out
of a replace (`KEY~replaced`) decodes too. The longest name, 63-character stack and key, is 226 characters:
within the API's 256. Any other name is a template aac does not own: never read as the stack's, never touched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aac.resources import (
    MANAGED_BY,
    TAG_KEY,
    TAG_MANAGED_BY,
    TAG_PROTECT,
    TAG_SECRET_VERSION,
    TAG_SPEC,
    TAG_STACK,
)

PREFIX = "aac"
NAME_MAX = 256  # the API's `name`: 1 to 256 characters (sandbox template_schemas.py)
_HASH = "sha256:"
_NAME = re.compile(r"aac:(?P<stack>[^:]+):(?P<key>[^:]+):(?P<spec>[0-9a-f]{64})(?::v(?P<version>[1-9][0-9]*))?"
                   r"(?P<protect>:protect)?")


def decode(name: Any) -> dict[str, str]:
    """aac's tags held in a template's name; {} for a name aac did not write (a template made by hand)."""
    found = _NAME.fullmatch(name) if isinstance(name, str) else None
    if found is None:
        return {}
    tags = {TAG_MANAGED_BY: MANAGED_BY, TAG_STACK: found["stack"], TAG_KEY: found["key"],
            TAG_SPEC: _HASH + found["spec"]}
    if found["version"]:
        tags[TAG_SECRET_VERSION] = found["version"]
    if found["protect"]:
        tags[TAG_PROTECT] = "true"
    return tags


def encode(tags: Mapping[str, str]) -> str:
    """The name that holds these tags (the rest of a metadata mapping, which a template cannot hold, is dropped)."""
    spec = str(tags.get(TAG_SPEC, "")).removeprefix(_HASH)
    name = f"{PREFIX}:{tags[TAG_STACK]}:{tags[TAG_KEY]}:{spec}"
    version = str(tags.get(TAG_SECRET_VERSION) or "")
    if version.isdigit():
        name += f":v{version}"
    if str(tags.get(TAG_PROTECT, "")).lower() == "true":
        name += ":protect"
    if len(name) > NAME_MAX or _NAME.fullmatch(name) is None:  # the key pattern and version bound make it fit
        raise ValueError(f"no template name holds these tags: {name!r}")
    return name
