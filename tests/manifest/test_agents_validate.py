"""`aac validate` on agents and vaults: each offline check, with the line and the message a user acts on."""

from __future__ import annotations

import json

import pytest
from tests.manifest.conftest import Repo

from aac import limits

AGENT = "kind: agent\nname: helper\nmodel: gpt-5.1\n"
VAULT = """\
kind: vault
name: github
credentials:
  - name: github-mcp
    auth:
      type: static_bearer
      mcp_server_url: https://api.githubcopilot.com/mcp/
      token_env: GITHUB_MCP_TOKEN
"""
MCP = """\
  - type: mcp
    server_label: github
    transport: {type: http, server_url: https://api.githubcopilot.com/mcp/}
"""
SECRET = "ghp_Th1sIsTheS3cretValue0fTheToken"


def function(name: str = "f", parameters: str = "{type: object}", extra: str = "") -> str:
    return f"  - {{type: function, name: {name}, description: Does f., parameters: {parameters}{extra}}}\n"


def invalid(repo: Repo) -> str:
    result = repo.validate()
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and result.out == ""
    return result.err


def valid(repo: Repo) -> str:
    result = repo.validate()
    assert result.code == 0, result.err
    return result.err


def test_unknown_tool_types_are_refused_naming_the_allowed_ones(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: shell\n  - type: file_search\n")
    err = invalid(repo)
    allowed = ("'function', 'tool_search', 'programmatic_tool_calling', 'mcp', 'web_search', 'computer_use', "
               "'automations'")
    assert f"assistants/a.yaml:5: error: `tools[0].type` is 'shell'; expected one of {allowed}" in err
    assert "assistants/a.yaml:6: error: `tools[1].type` is 'file_search': the Agents API has no file_search" in err


def test_every_tool_of_the_union_loads(repo: Repo) -> None:
    tools = ["{type: tool_search}", "{type: programmatic_tool_calling, enabled: true}", "{type: automations}",
             "{type: computer_use, include_screenshots: false}",
             "{type: web_search, allowed_domains: [example.com], context_size: low, mode: cached, "
             "location: {city: Paris, country: FR}}",
             "{type: mcp, server_label: local, transport: {type: stdio, command: npx, cwd: /w, args: [srv]}}"]
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + "".join(f"  - {t}\n" for t in tools) + function())
    valid(repo)


def test_a_function_needs_its_description_and_parameters(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - {type: function, name: f}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:5: error: tools[0] needs `description`" in err
    assert "assistants/a.yaml:5: error: tools[0] needs `parameters`" in err


def test_function_names_follow_the_pattern_and_are_unique(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + function("bad.name") + function() + function())
    err = invalid(repo)
    assert "`tools[0].name` 'bad.name' does not match" in err
    assert "function names use only a-z, A-Z, 0-9, '_' and '-'" in err
    assert "assistants/a.yaml:7: error: two functions are named 'f'" in err


def test_each_mcp_server_label_and_each_other_tool_once(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + MCP + MCP + "  - type: web_search\n  - type: web_search\n"
               "  - {type: mcp, server_label: other, transport: {type: http, server_url: 'https://o.example.com'}}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:8: error: two mcp tools have server_label 'github' (first on line 5)" in err
    assert "assistants/a.yaml:12: error: a second web_search tool (first on line 11)" in err
    assert err.count("error:") == 3  # the two above, and the summary


def test_a_function_has_no_strict_on_the_agents_api(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + function(extra=", strict: true"))
    assert "assistants/a.yaml:5: error: the Agents API's function tools have no `strict`" in invalid(repo)


def test_function_parameters_are_a_json_schema_by_ref_or_inline(repo: Repo) -> None:
    repo.write("schemas/ok.json", '{"type": "object", "properties": {"x": {"type": "string"}}}')
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + function("a", "{$ref: ../schemas/ok.json}")
               + function("b", "{$ref: ../schemas/nope.json}") + function("c", "{type: 12}"))
    err = invalid(repo)
    assert "assistants/a.yaml:6: error: '../schemas/nope.json' does not exist (schemas/nope.json)" in err
    assert "assistants/a.yaml:7: error: function 'c': parameters is not a valid JSON Schema" in err
    assert "error: function 'a'" not in err


STRICT_FORMAT = "text:\n  format:\n    type: json_schema\n    schema: {$ref: ../out.json}\n"


@pytest.mark.parametrize(("schema", "expected"), [
    ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
     "text.format: schema needs `additionalProperties: false` under strict mode"),
    ({"type": "object", "additionalProperties": False, "properties": {"a": {"type": "string"}}},
     "text.format: schema.a is optional, but strict mode requires every property"),
    ({"type": "object", "additionalProperties": False, "properties": {"a": {"oneOf": [{"type": "string"}]}},
      "required": ["a"]}, "text.format: schema.a uses `oneOf`, which strict mode does not support"),
    ({"type": "array"}, "text.format: with strict: true the root of schema must be `type: object`"),
])
def test_text_format_follows_strict_rules_when_strict(repo: Repo, schema: dict, expected: str) -> None:
    repo.write("out.json", json.dumps(schema))
    repo.write("assistants/a.yaml", AGENT + STRICT_FORMAT + "    strict: true\n")
    assert f"assistants/a.yaml:7: error: {expected}" in invalid(repo)
    repo.write("assistants/a.yaml", AGENT + STRICT_FORMAT)
    valid(repo)  # the same schema, without strict


def test_text_format_takes_the_agents_api_shape(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "text:\n  format: {type: json_schema, name: x, schema: {type: 7}}\n"
               "  verbosity: loud\n")
    err = invalid(repo)
    assert "assistants/a.yaml:5: error: unknown field `name` in text.format" in err
    assert "assistants/a.yaml:6: error: `text.verbosity` is 'loud'; expected 'low' or 'medium' or 'high'" in err
    repo.write("assistants/a.yaml", AGENT + "text: {format: {type: json_schema, schema: {type: 7}}}\n")
    assert "text.format: schema is not a valid JSON Schema" in invalid(repo)


def test_tools_over_3_mib_as_compact_json_are_refused_after_ref_resolution(repo: Repo) -> None:
    big = {"type": "object", "description": "x" * limits.AGENT_TOOLS_BYTES_MAX}
    repo.write("schemas/big.json", json.dumps(big))
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + function(parameters="{$ref: ../schemas/big.json}"))
    err = invalid(repo)
    assert "assistants/a.yaml:4: error: helper's tools are 3,145,8" in err
    assert "the API allows at most 3,145,728 (3 MiB)" in err
    assert len(err) < 2_000
    repo.write("schemas/big.json", json.dumps({**big, "description": "x" * (limits.AGENT_TOOLS_BYTES_MAX - 200)}))
    valid(repo)


def test_a_credential_reference_must_name_a_declared_credential(repo: Repo) -> None:
    repo.write("assistants/vault.yaml", VAULT)
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + MCP + "    credential: github/github-mpc\n")
    err = invalid(repo)
    assert ("assistants/a.yaml:8: error: helper names credential 'github/github-mpc', and no vault manifest "
            "declares it") in err
    assert "hint: did you mean `github/github-mcp`?" in err
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + MCP + "    credential: github/github-mcp\n")
    valid(repo)


def test_a_credential_is_named_by_key_never_by_id(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + MCP + "    credential_id: cred_abc\n")
    err = invalid(repo)
    assert "assistants/a.yaml:8: error: an mcp tool names its credential by key, not by id" in err
    assert "write `credential: VAULT/CREDENTIAL`" in err


def test_a_credential_needs_http_transport_and_a_matching_server(repo: Repo) -> None:
    repo.write("assistants/vault.yaml", VAULT)
    stdio = ("  - {type: mcp, server_label: s, transport: {type: stdio, command: x, cwd: /}, "
             "credential: github/github-mcp}\n")
    other = "  - {type: mcp, server_label: o, transport: {type: http, server_url: 'https://other.example.com/mcp'}, " \
            "credential: github/github-mcp}\n"
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + stdio + other)
    err = invalid(repo)
    assert "assistants/a.yaml:5: error: mcp tool 's' names a credential, but its transport is stdio" in err
    assert ("assistants/a.yaml:6: warning: mcp tool 'o' connects to https://other.example.com/mcp, but credential "
            "github/github-mcp is for https://api.githubcopilot.com/mcp/") in err


def test_an_environment_variable_credential_authorises_no_mcp_server(repo: Repo) -> None:
    repo.write("assistants/vault.yaml", "kind: vault\nname: v\ncredentials:\n  - name: e\n    auth: {type: "
               "environment_variable, secret_name: API_KEY, secret_value_env: API_KEY, "
               "networking: {type: unrestricted}}\n")
    repo.write("assistants/a.yaml", AGENT + "tools:\n" + MCP + "    credential: v/e\n")
    assert "mcp tool 'github' names v/e, an environment_variable credential" in invalid(repo)


def test_a_secret_header_is_refused_without_its_value(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: mcp\n    server_label: g\n    transport:\n"
               "      type: http\n      server_url: https://g.example.com\n"
               f"      headers: {{Authorization: Bearer {SECRET}}}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:10: error: mcp tool 'g' sends a Authorization header" in err
    assert "put the token in a vault credential" in err
    assert SECRET not in err


@pytest.mark.parametrize(("auth", "field"), [
    ("{type: static_bearer, mcp_server_url: 'https://x.example.com', token: SECRET}", "token"),
    ("{type: mcp_oauth, mcp_server_url: 'https://x.example.com', access_token: SECRET}", "access_token"),
    ("{type: mcp_oauth, mcp_server_url: 'https://x.example.com', access_token_env: A, refresh: {client_id: c, "
     "refresh_token: SECRET, token_endpoint: 'https://x.example.com/t', token_endpoint_auth: {type: none}}}",
     "refresh_token"),
    ("{type: mcp_oauth, mcp_server_url: 'https://x.example.com', access_token_env: A, refresh: {client_id: c, "
     "refresh_token_env: R, token_endpoint: 'https://x.example.com/t', token_endpoint_auth: "
     "{type: client_secret_post, client_secret: SECRET}}}", "client_secret"),
    ("{type: environment_variable, secret_name: K, secret_value: SECRET, networking: {type: unrestricted}}",
     "secret_value"),
])
def test_a_literal_secret_is_an_error_that_never_quotes_it(repo: Repo, auth: str, field: str) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: "
               + auth.replace("SECRET", SECRET) + "\n")
    err = invalid(repo)
    assert "holds a secret in the manifest" in err
    assert f"`{field}` is" not in err
    assert f"write `{field}_env: NAME` instead" in err
    assert SECRET not in err


def test_a_secret_pasted_as_a_variable_name_is_never_printed(repo: Repo) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: static_bearer, "
               f"mcp_server_url: 'https://x.example.com', token_env: 'Bearer {SECRET}'}}\n")
    err = invalid(repo)
    assert ("assistants/v.yaml:5: error: `credentials[0].auth.token_env` holds what looks like a high-entropy "
            "string") in err
    assert SECRET not in err


def test_urls_the_sdk_says_are_https_only(repo: Repo) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: mcp_oauth, "
               "mcp_server_url: 'http://x.example.com', access_token_env: A, refresh: {client_id: c, "
               "refresh_token_env: R, token_endpoint: 'http://x.example.com/t', token_endpoint_auth: {type: none}}}\n")
    err = invalid(repo)
    assert "`credentials[0].auth.mcp_server_url` 'http://x.example.com' does not match" in err
    assert "`credentials[0].auth.refresh.token_endpoint` 'http://x.example.com/t' does not match" in err
    assert err.count("hint: write an https:// URL") == 2


@pytest.mark.parametrize(("expires_at", "expected"), [
    ("'2026-13-45T00:00:00Z'", "expires_at '2026-13-45T00:00:00Z' is no real date and time"),
    ("tomorrow", "`credentials[0].auth.expires_at` 'tomorrow' does not match"),
    ("2026-12-31T00:00:00Z", "`credentials[0].auth.expires_at` must be a string, not a timestamp\n    hint: quote it"),
])
def test_expires_at_is_rfc_3339(repo: Repo, expires_at: str, expected: str) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: mcp_oauth, "
               f"mcp_server_url: 'https://x.example.com', access_token_env: A, expires_at: {expires_at}}}\n")
    assert expected in invalid(repo)


ENV_CREDENTIAL = "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {{type: environment_variable, " \
                 "secret_name: {name}, secret_value_env: K, networking: {networking}}}\n"


@pytest.mark.parametrize(("name", "networking", "expected"), [
    ("CODEX_TOKEN", "{type: unrestricted}", "secret_name 'CODEX_TOKEN' is reserved by the hosted environment"),
    ("https_proxy", "{type: unrestricted}", "secret_name 'https_proxy' is reserved by the hosted environment"),
    ("9LIVES", "{type: unrestricted}", "`credentials[0].auth.secret_name` '9LIVES' does not match"),
    ("K", "{type: limited, allowed_hosts: []}", "`credentials[0].auth.networking.allowed_hosts`"),
    ("K", "{type: limited, allowed_hosts: [" + ", ".join(f"h{i}.example.com" for i in range(17)) + "]}",
     "`credentials[0].auth.networking.allowed_hosts` has 17 items; the limit is 16"),
    ("K", "{type: limited, allowed_hosts: [API.example.com, api.example.com]}", "allowed_hosts lists a host twice"),
    ("K", "{type: limited, allowed_hosts: ['example.com:443']}", "no scheme, port, path or wildcard"),
    ("K", "{type: unrestricted, allowed_hosts: [example.com]}", "unknown field `allowed_hosts`"),
])
def test_environment_variable_credentials(repo: Repo, name: str, networking: str, expected: str) -> None:
    repo.write("assistants/v.yaml", ENV_CREDENTIAL.format(name=name, networking=networking))
    assert expected in invalid(repo)


def test_token_endpoint_auth_takes_its_secret_by_variable(repo: Repo) -> None:
    refresh = "{client_id: c, refresh_token_env: R, token_endpoint: 'https://x.example.com/t', token_endpoint_auth: "
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n"
               + "".join(f"  - name: c{i}\n    auth: {{type: mcp_oauth, mcp_server_url: 'https://x.example.com', "
                         f"access_token_env: A, refresh: {refresh}{tea}}}}}\n"
                         for i, tea in enumerate(["{type: client_secret_basic}", "{type: none, client_secret_env: S}",
                                                  "{type: client_secret_post, client_secret_env: S}"])))
    err = invalid(repo)
    assert "credentials[0].auth.refresh.token_endpoint_auth needs `client_secret_env`" in err
    assert "unknown field `client_secret_env` in credentials[1].auth.refresh.token_endpoint_auth" in err
    assert "credentials[2]" not in err


def test_vault_and_credential_names(repo: Repo) -> None:
    auth = "auth: {type: static_bearer, mcp_server_url: 'https://x.example.com', token_env: T}"
    repo.write("assistants/v.yaml", f"kind: vault\nname: v\ndisplay_name: '{'€' * 86}'\ncredentials:\n"
               f"  - {{name: c, display_name: '   ', {auth}}}\n  - {{name: c, {auth}}}\n  - {{name: C!, {auth}}}\n"
               f"  - {{name: d, version: 0, {auth}}}\n")
    err = invalid(repo)
    assert "assistants/v.yaml:3: error: `display_name` is 258 UTF-8 bytes after trimming; the API takes 1 to 256" in err
    assert "assistants/v.yaml:5: error: `credentials[0].display_name` is 0 UTF-8 bytes after trimming" in err
    assert "assistants/v.yaml:6: error: vault 'v' declares credential 'c' twice (first on line 5)" in err
    assert "assistants/v.yaml:7: error: `credentials[2].name` 'C!' does not match" in err
    assert "assistants/v.yaml:8: error: `credentials[3].version` is 0; it must be at least 1" in err


def test_agent_limits(repo: Repo) -> None:
    metadata = ", ".join(f"k{i}: v" for i in range(limits.USER_METADATA_PAIRS_MAX + 1))
    repo.write("assistants/a.yaml", f"kind: agent\nname: a\nmodel: ''\ndisplay_name: {'n' * 129}\n"
               f"metadata: {{{metadata}}}\nservice_tier: turbo\nreasoning: {{effort: huge}}\n"
               "multi_agent: {max_concurrent_subagents: 0}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:3: error: `model` is empty" in err
    assert "assistants/a.yaml:4: error: `display_name` is 129 characters; the API allows at most 128" in err
    assert "assistants/a.yaml:5: error: `metadata` has 12 keys; the limit is 11" in err
    assert "assistants/a.yaml:6: error: `service_tier` is 'turbo'" in err
    assert "assistants/a.yaml:7: error: `reasoning.effort` is 'huge'" in err
    assert "assistants/a.yaml:8: error: multi_agent needs `enabled`" in err
    assert "assistants/a.yaml:8: error: `multi_agent.max_concurrent_subagents` is 0; it must be at least 1" in err


def test_metadata_limits_hold_for_vaults_and_credentials(repo: Repo) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\nmetadata: {aac-key: x}\ncredentials:\n  - name: c\n"
               f"    metadata: {{k: {'v' * 513}}}\n"
               "    auth: {type: static_bearer, mcp_server_url: 'https://x.example.com', token_env: T}\n")
    err = invalid(repo)
    assert "assistants/v.yaml:3: error: metadata key 'aac-key' is one of the tool's own tags" in err
    assert "assistants/v.yaml:6: error: `credentials[0].metadata.k` is 513 characters; the API allows" in err


def test_a_credential_has_one_metadata_key_less_for_the_version_of_its_secret(repo: Repo) -> None:
    metadata = ", ".join(f"k{i}: v" for i in range(limits.USER_METADATA_PAIRS_MAX))
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n"
               f"  - {{name: c, metadata: {{{metadata}}}, auth: {{type: static_bearer, "
               "mcp_server_url: 'https://x.example.com', token_env: T}}\n"
               "  - {name: d, metadata: {aac-secret-version: '9'}, auth: {type: static_bearer, "
               "mcp_server_url: 'https://x.example.com', token_env: T}}\n")
    err = invalid(repo)
    assert "assistants/v.yaml:4: error: `credentials[0].metadata` has 11 keys; the limit is 10" in err
    assert "hint: at most 10 keys: the API allows 16 and the tool writes 6 tags of its own" in err
    assert "assistants/v.yaml:5: error: metadata key 'aac-secret-version' is one of the tool's own tags" in err


def test_agent_instructions_up_to_1_mib(repo: Repo) -> None:
    long_text = "x" * (limits.AGENT_INSTRUCTIONS_MAX + 1)
    repo.write("assistants/long.md", long_text)
    repo.write("assistants/a.yaml", AGENT + "instructions_file: long.md\n")
    repo.write("assistants/b.yaml", "kind: agent\nname: b\nmodel: m\ninstructions: " + long_text + "\n")
    repo.write("assistants/c.yaml", "kind: agent\nname: c\nmodel: m\ninstructions: x\ninstructions_file: long.md\n")
    err = invalid(repo)
    assert "assistants/a.yaml:4: error: assistants/long.md holds 1,048,577 characters of instructions" in err
    assert "assistants/b.yaml:4: error: `instructions` is 1,048,577 characters; the API allows at most 1,048,576" in err
    assert "assistants/c.yaml:5: error: both `instructions` and `instructions_file` are set" in err
    repo.write("assistants/long.md", long_text[1:])
    repo.write("assistants/b.yaml", "kind: agent\nname: b\nmodel: m\n")
    repo.write("assistants/c.yaml", "kind: agent\nname: c\nmodel: m\n")
    valid(repo)


def test_two_agents_or_two_vaults_with_one_name(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "---\n" + AGENT + "---\nkind: vault\nname: v\n---\nkind: vault\nname: v\n")
    err = invalid(repo)
    assert "assistants/a.yaml:6: error: another agent is already named 'helper' (assistants/a.yaml:2)" in err
    assert "assistants/a.yaml:13: error: another vault is already named 'v' (assistants/a.yaml:10)" in err


def test_an_unknown_kind_names_every_kind(repo: Repo) -> None:
    repo.write("assistants/a.yaml", "kind: agnet\nname: a\n---\nname: b\n")
    err = invalid(repo)
    assert "assistants/a.yaml:1: error: unknown kind 'agnet'" in err
    assert "did you mean `agent`?" in err
    assert "hint: add `kind:` and one of agent, assistant, environment_template, vault, vector_store" in err


def test_all_problems_of_agents_and_vaults_at_once(repo: Repo) -> None:
    repo.write("assistants/v.yaml", VAULT.replace("GITHUB_MCP_TOKEN", "1BAD") + "    protect: yes\n")
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: nope\n" + MCP + "    credential: github/none\n")
    err = invalid(repo)
    assert "assistants/v.yaml:8: error: `credentials[0].auth.token_env` is not an environment variable name" in err
    assert "assistants/v.yaml:9: error: unknown field `protect` in credentials[0]" in err
    assert "assistants/a.yaml:5: error: `tools[0].type` is 'nope'" in err
    assert "assistants/a.yaml:9: error: helper names credential 'github/none'" in err
    assert "4 errors, 0 warnings" in err


def test_a_secret_pasted_into_another_field_too_is_redacted_from_every_message(repo: Repo) -> None:
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: static_bearer, "
               f"mcp_server_url: {SECRET}, token: {SECRET}}}\n")
    err = invalid(repo)
    assert "`credentials[0].auth.mcp_server_url` '[REDACTED]' does not match" in err
    assert SECRET not in err


HOSTILE = [
    "kind: agent\nname: a\nmodel: m\ntools: 7\n",
    "kind: agent\nname: b\nmodel: m\ntools: [7, null, {type: mcp}, {type: mcp, credential: 5, transport: 3, "
    "server_label: x}, {type: function, name: f, description: d, parameters: [1]}]\n",
    "kind: agent\nname: c\nmodel: m\ntext: {format: {type: json_schema, schema: 5, strict: true}}\n",
    "kind: agent\nname: d\nmodel: m\ntext: 5\nreasoning: []\n",
    "kind: vault\nname: v\ncredentials: abc\n",
    "kind: vault\nname: w\ncredentials: [5, {name: 3}, {name: c, auth: null}, {name: d, auth: {type: static_bearer, "
    "token: [1, 2]}}, {name: e, auth: {type: environment_variable, secret_name: 5, networking: {type: limited, "
    "allowed_hosts: [1, null]}}}]\n",
    "kind: vault\nname: x\ndisplay_name: 5\ncredentials: [{name: c, display_name: [], auth: {type: mcp_oauth, "
    "expires_at: 5, refresh: 7}}]\n",
    "kind: agent\nname: e\nmodel: m\ntools: [{type: mcp, server_label: s, transport: {type: http, server_url: 5, "
    "headers: {Authorization: [x]}}, credential: w/d}]\n",
]


def test_wrong_shapes_anywhere_are_problems_never_a_crash(repo: Repo) -> None:
    repo.write("assistants/h.yaml", "---\n".join(HOSTILE))
    err = invalid(repo)
    starts = [1 + sum(doc.count("\n") + 1 for doc in HOSTILE[:i]) for i in range(len(HOSTILE))]
    for start, doc in zip(starts, HOSTILE, strict=True):
        end = start + doc.count("\n")
        assert any(f"assistants/h.yaml:{line}: error:" in err for line in range(start, end)), doc


@pytest.mark.parametrize("url", [f"https://x-access-token:{SECRET}@mcp.example.com/", f"https://{SECRET}@mcp.example.com/",
                                 f"https://mcp.example.com/sse?access_token={SECRET}"])
def test_a_secret_in_a_url_is_refused_without_quoting_it(repo: Repo, url: str) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: mcp\n    server_label: g\n    transport:\n"
               f"      type: http\n      server_url: '{url}'\n")
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: mcp_oauth, "
               f"mcp_server_url: '{url}', access_token_env: A, refresh: {{client_id: c, refresh_token_env: R, "
               f"token_endpoint: '{url}', token_endpoint_auth: {{type: none}}}}}}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:9: error: mcp tool 'g': `server_url` holds a credential" in err
    assert "assistants/v.yaml:5: error: `credentials[0].auth.mcp_server_url` holds a credential" in err
    assert "`credentials[0].auth.refresh.token_endpoint` holds a credential" in err
    assert "hint: put the token in a vault credential" in err
    assert SECRET not in err


def test_a_url_with_an_ordinary_query_or_an_at_in_its_path_is_valid(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: mcp\n    server_label: g\n    transport:\n"
               "      type: http\n      server_url: 'https://mcp.example.com/u/@team/sse?region=eu&tokens_max=5'\n")
    valid(repo)


@pytest.mark.parametrize("header", ["X-Auth-Token", "Private-Token", "'Authorization '", "api_key", "X-Client-Secret"])
def test_any_header_named_for_a_token_is_refused_without_its_value(repo: Repo, header: str) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: mcp\n    server_label: g\n    transport:\n"
               f"      type: http\n      server_url: https://g.example.com\n      headers: {{{header}: {SECRET}}}\n")
    err = invalid(repo)
    assert "assistants/a.yaml:10: error: mcp tool 'g' sends a" in err
    assert SECRET not in err


def test_ordinary_headers_are_configuration(repo: Repo) -> None:
    repo.write("assistants/a.yaml", AGENT + "tools:\n  - type: mcp\n    server_label: g\n    transport:\n"
               "      type: http\n      server_url: https://g.example.com\n"
               "      headers: {X-Team: weather, X-Max-Tokens: '400', Accept: application/json}\n")
    valid(repo)


@pytest.mark.parametrize("variable", ["OPENAI_API_KEY", "STAGING_KEY"])
def test_a_credential_never_reads_a_targets_api_key(repo: Repo, variable: str) -> None:
    """Apply has the API key in its environment: a credential reading it would hand the key to an MCP server."""
    repo.write("aac.yaml", (repo.root / "aac.yaml").read_text() + "  staging:\n    type: openai\n"
               "    api_key_env: STAGING_KEY\n")
    repo.write("assistants/v.yaml", "kind: vault\nname: v\ncredentials:\n  - name: c\n    auth: {type: mcp_oauth, "
               "mcp_server_url: 'https://x.example.com', access_token_env: A, refresh: {client_id: c, "
               f"refresh_token_env: {variable}, token_endpoint: 'https://x.example.com/t', "
               "token_endpoint_auth: {type: none}}}\n")
    err = invalid(repo)
    assert (f"assistants/v.yaml:4: error: credential v/c reads refresh.refresh_token from ${variable}, which holds "
            "a target's API key") in err
