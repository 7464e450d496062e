"""The only network layer: the `openai` SDK, connected to a target, and a read-only Reader.

`connect` yields an `Api` (the SDK client, the target, a request counter); `Reader`
lists live objects and cannot write; `translate` turns SDK exceptions into AacErrors.
Apply adds its writer beside these modules (agent_writes.py: the Agents API's; agents.py: a
credential's secrets from the environment into its request bodies).
"""

from __future__ import annotations

from aac.api.connect import Api, connect
from aac.api.errors import AgentsUnavailable, AssistantsUnavailable, translate
from aac.api.reader import Reader

__all__ = ["AgentsUnavailable", "Api", "AssistantsUnavailable", "Reader", "connect", "translate"]
