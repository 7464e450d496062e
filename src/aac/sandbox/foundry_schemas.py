"""Request-body schemas of Foundry's agents data plane (`POST .../agents/{name}/versions`), for validation.py.

Field names and types follow the models of `azure-ai-projects` 2.10.0 (`models/_models.py`:
`PromptAgentDefinition`, `FileSearchTool`, `CodeInterpreterTool`, `FunctionTool`, `MCPTool`).
"""

from __future__ import annotations

import re

from aac.sandbox.schemas import METADATA, Schema

# `AgentsOperations.create_version`'s docstring (azure-ai-projects 2.10.0): the name "must start and end
# with alphanumeric characters, can contain hyphens in the middle, must not exceed 63 characters".
AGENT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
AGENT_NAME_MAX = 63

_ANY_OBJECT: Schema = {"type": "object", "additional": {}}
_STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
_NAMED = {"name": {"type": "string", "nullable": True}, "description": {"type": "string", "nullable": True}}
_COMMON = {**_NAMED, "tool_configs": {**_ANY_OBJECT, "nullable": True}}
_CALLERS = {"allowed_callers": {**_STRINGS, "nullable": True}}

_FILE_SEARCH: Schema = {
    "required": ["vector_store_ids"],
    "properties": {
        "vector_store_ids": _STRINGS,
        "max_num_results": {"type": "integer", "nullable": True, "minimum": 1, "maximum": 50},
        "ranking_options": {**_ANY_OBJECT, "nullable": True},
        "filters": {**_ANY_OBJECT, "nullable": True},
        **_COMMON,
    },
}
_CONTAINER: Schema = {
    "nullable": True,
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "enum": ["auto"]},
                "file_ids": {**_STRINGS, "nullable": True},
                "memory_limit": {"type": "string", "nullable": True},
                "network_policy": {**_ANY_OBJECT, "nullable": True},
            },
        },
    ],
}
_CODE_INTERPRETER: Schema = {"properties": {"container": _CONTAINER, **_CALLERS, **_COMMON}}
_FUNCTION: Schema = {
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9_-]{1,64}$"},
        "description": {"type": "string", "nullable": True},
        "parameters": {**_ANY_OBJECT, "nullable": True},
        "output_schema": {**_ANY_OBJECT, "nullable": True},
        "strict": {"type": "boolean", "nullable": True},
        "async": {"type": "boolean", "nullable": True},
        "defer_loading": {"type": "boolean", "nullable": True},
        **_CALLERS,
    },
}
_MCP: Schema = {
    "required": ["server_label"],
    "properties": {
        "server_label": {"type": "string", "minLength": 1},
        "server_url": {"type": "string", "nullable": True},
        "connector_id": {"type": "string", "nullable": True},
        "tunnel_id": {"type": "string", "nullable": True},
        "project_connection_id": {"type": "string", "nullable": True},
        "authorization": {"type": "string", "nullable": True},
        "server_description": {"type": "string", "nullable": True},
        "headers": {"type": "object", "nullable": True, "additional": {"type": "string"}},
        "allowed_tools": {"nullable": True, "anyOf": [_STRINGS, _ANY_OBJECT]},
        "require_approval": {"nullable": True, "anyOf": [{"type": "string", "enum": ["always", "never"]},
                                                          _ANY_OBJECT]},
        "defer_loading": {"type": "boolean", "nullable": True},
        **_CALLERS,
        "tool_configs": {**_ANY_OBJECT, "nullable": True},
    },
}
# The rest of `ToolType` (models/_enums.py) is accepted as given: aac never writes them, and a client of
# the sandbox may.
_OTHER_TOOLS = (
    "computer", "computer_use_preview", "web_search", "programmatic_tool_calling", "image_generation",
    "local_shell", "shell", "custom", "namespace", "tool_search", "web_search_preview", "apply_patch",
    "a2a_preview", "bing_custom_search_preview", "browser_automation_preview", "fabric_dataagent_preview",
    "sharepoint_grounding_preview", "memory_search_preview", "work_iq_preview", "fabric_iq_preview",
    "toolbox_search_preview", "web_iq_preview", "github_copilot_toolset_preview", "a2a", "azure_ai_search",
)
TOOL: Schema = {
    "type": "object",
    "tagged": {
        "file_search": _FILE_SEARCH,
        "code_interpreter": _CODE_INTERPRETER,
        "function": _FUNCTION,
        "mcp": _MCP,
        **{name: {"additional": {}} for name in _OTHER_TOOLS},
    },
}
PROMPT_DEFINITION: Schema = {
    "type": "object",
    "required": ["kind", "model"],
    "properties": {
        "kind": {"type": "string", "enum": ["prompt"]},
        "model": {"type": "string", "minLength": 1},
        "instructions": {"type": "string", "nullable": True},
        "temperature": {"type": "number", "nullable": True, "minimum": 0, "maximum": 2},
        "top_p": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1},
        "reasoning": {**_ANY_OBJECT, "nullable": True},
        "tools": {"type": "array", "nullable": True, "items": TOOL},
        "tool_choice": {"nullable": True, "anyOf": [{"type": "string"}, _ANY_OBJECT]},
        "text": {**_ANY_OBJECT, "nullable": True},
        "structured_inputs": {**_ANY_OBJECT, "nullable": True},
        "rai_config": {**_ANY_OBJECT, "nullable": True},
        "harness": {**_ANY_OBJECT, "nullable": True},
        "skills": {"type": "array", "nullable": True, "items": _ANY_OBJECT},
    },
}
# The kinds `AgentKind` knows; the sandbox serves prompt agents only.
AGENT_KINDS = ("prompt", "hosted", "workflow", "external", "voice")
VERSION_CREATE: Schema = {
    "type": "object",
    "required": ["definition"],
    "properties": {
        "definition": {"type": "object", "additional": {}},  # checked by kind, after this
        "metadata": METADATA,
        "description": {"type": "string", "nullable": True},
        "draft": {"type": "boolean", "nullable": True},
    },
}
