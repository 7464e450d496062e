"""The only network layer: the `openai` SDK, connected to a target, and a read-only Reader.

`connect` yields an `Api` (the SDK client, the target, a request counter); `Reader`
lists live objects and cannot write; `translate` turns SDK exceptions into AacErrors.
Apply adds its writer beside these modules.
"""

from __future__ import annotations

from aac.api.connect import Api, connect
from aac.api.errors import AssistantsUnavailable, translate
from aac.api.reader import Reader

__all__ = ["Api", "AssistantsUnavailable", "Reader", "connect", "translate"]
