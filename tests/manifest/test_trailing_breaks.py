"""A value that ends in a line break is not the name it looks like: Python's `$` matches before a final `\n`, so
`name: "weather-bot\n"` passed validation and later created `weather-bot\n` beside `weather-bot`. Every pattern
ends at the true end, in the schema (read by jsonschema with Python's re) and in aac's own checks."""

from __future__ import annotations

import pytest

from .conftest import Repo

ASSISTANT = "kind: assistant\nname: {name}\nmodel: gpt-4o\ninstructions: hi\n"
FUNCTION = ASSISTANT.format(name="a") + (
    "tools:\n  - type: function\n    function: {{name: {value}, parameters: {{}}}}\n")
STORE = "kind: vector_store\nname: kb\nfile_ids: [{value}]\n"
VAULT = """kind: vault
name: v
credentials:
  - name: c
    auth: {{type: static_bearer, mcp_server_url: "https://mcp.example.com/", token_env: {value}}}
"""
AGENT = """kind: agent
name: g
model: gpt-5.1
tools:
  - {{type: function, name: {value}, description: d, parameters: {{}}}}
"""
FIELDS = {  # field: (manifest with {value}, the field as validate names it, a valid value)
    "assistant name": (ASSISTANT.replace("{name}", "{value}"), "`name`", "weather-bot"),
    "store name": (STORE.replace("name: kb", "name: {value}").replace("file_ids: [{value}]", ""), "`name`", "kb"),
    "function name": (FUNCTION, "`tools[0].function.name`", "getWeather"),
    "agent function name": (AGENT, "`tools[0].name`", "get_weather"),
    "file id": (STORE, "`file_ids[0]`", "file-abc123"),
    "token_env": (VAULT, "`credentials[0].auth.token_env`", "GITHUB_MCP_TOKEN"),
}
BREAKS = {"LF": "\\n", "CRLF": "\\r\\n", "CR": "\\r"}  # as YAML double-quoted escapes


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_trailing_line_break_fails_validate_naming_the_field(repo: Repo, field: str, brk: str) -> None:
    template, named, good = FIELDS[field]
    repo.write("assistants/a.yaml", template.format(value=f'"{good}"'))
    assert repo.validate().code == 0, repo.validate().err  # the same value without the break is fine

    repo.write("assistants/a.yaml", template.format(value=f'"{good}{brk}"'))
    result = repo.validate()

    assert result.code == 1, result.err
    assert named in result.err and "assistants/a.yaml:" in result.err, result.err


STACKS = {
    "stack name": ('stack: "demo{brk}"\n', "`stack`"),
    "api_key_env": ("stack: demo\n", "api_key_env"),
}


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
@pytest.mark.parametrize("field", sorted(STACKS))
def test_a_trailing_line_break_in_aac_yaml_fails_validate_naming_the_field(repo: Repo, field: str, brk: str) -> None:
    head, named = STACKS[field]
    env = f'"OPENAI_API_KEY{brk}"' if field == "api_key_env" else "OPENAI_API_KEY"
    repo.write("aac.yaml", head.format(brk=brk) + "default_target: t\ntargets:\n"
               f"  t: {{type: openai, base_url: 'https://api.openai.com/v1', api_key_env: {env}}}\n")

    result = repo.validate()

    assert result.code == 1 and named in result.err, result.err
    assert "aac.yaml:" in result.err
