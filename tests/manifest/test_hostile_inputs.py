"""Inputs that used to crash, hang or pass validation and fail later: each is now a validation error with file and
line, or one clean error naming the thing, never "unexpected"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Repo

OK = "kind: assistant\nname: a\nmodel: gpt-4o\ninstructions: hi\n"


def _function(parameters: str) -> str:
    return OK + f"tools:\n  - type: function\n    function:\n      name: f\n      parameters: {parameters}\n"


REF = _function("{$ref: s.json}")
MANIFESTS = {
    "self-referencing alias": ({"a.yaml": OK + "metadata: &m {k: *m}\n"}, "a.yaml:1"),
    "integer past the digit limit": ({"a.yaml": OK + "temperature: " + "9" * 5000 + "\n"},
                                     "a.yaml:1: error: a value cannot be read: a number has more than 4,300 digits"),
    "NaN temperature": ({"a.yaml": OK + "temperature: .nan\n"}, "a.yaml:5: error: `temperature`: nan is not"),
    "infinity in a function schema": ({"a.yaml": _function("{type: object, maximum: .inf}")},
                                      "a.yaml:9: error: `tools[0].function.parameters.maximum`: inf is not"),
    "integer metadata key": ({"a.yaml": OK + "metadata: {1: a}\n"}, 'a.yaml:5: error: `metadata`: the key 1 is not'),
    "boolean property name": ({"a.yaml": _function("{type: object, properties: {on: {type: string}}}")},
                              "a.yaml:9: error: `tools[0].function.parameters.properties`: the key true is not"),
    "very deep $ref JSON": ({"a.yaml": REF, "s.json": '{"a":' * 50_000 + "1" + "}" * 50_000},
                            "s.json: error: invalid JSON: the JSON nests deeper than Python can read"),
    "$ref JSON past the depth limit": ({"a.yaml": REF, "s.json": '{"a":' * 300 + "1" + "}" * 300},
                                       "s.json: error: invalid JSON: nesting deeper than 200 levels at a.a.a"),
    "NaN in $ref JSON": ({"a.yaml": REF, "s.json": '{"type": "object", "maximum": NaN}'},
                         "s.json: error: invalid JSON: NaN is not a JSON number"),
    "Infinity in $ref JSON": ({"a.yaml": REF, "s.json": '{"type": "object", "maximum": -Infinity}'},
                              "s.json: error: invalid JSON: -Infinity is not a JSON number"),
    "huge integer in $ref JSON": ({"a.yaml": REF, "s.json": '{"maxLength": ' + "9" * 5000 + "}"},
                                  "s.json: error: invalid JSON: a number has more than 4,300 digits"),
    "lone surrogate in $ref JSON": ({"a.yaml": REF, "s.json": '{"type": "object", "description": "x\\ud800"}'},
                                    "s.json: error: invalid JSON: a lone surrogate (invalid Unicode) in a string"),
    "lone surrogate in YAML": ({"a.yaml": OK + 'display_name: "x\\ud800"\n'}, "a.yaml:5: error: invalid YAML"),
}


@pytest.mark.parametrize("case", sorted(MANIFESTS))
def test_a_hostile_manifest_is_a_located_problem_for_validate_and_plan(repo: Repo, case: str) -> None:
    files, expected = MANIFESTS[case]
    for name, text in files.items():
        repo.write(f"assistants/{name}", text)
    for command in ("validate", "plan"):
        result = repo.run(command)
        assert result.code == 1 and f"assistants/{expected}" in result.err, result.err
        assert "unexpected" not in result.err


BASE_URLS = {
    "ftp://example.com/v1": "is not an http or https URL",
    "http://exa\r\nmple.com/v1": "holds whitespace or control characters",
    " https://api.openai.com/v1": "holds whitespace or control characters",
    "http://[::1/v1": "cannot be parsed",
    "http://[zz::1]/v1": "cannot be parsed",
    "https:///v1": "has no host",
    "http://h:99999/v1": "cannot be parsed",
    "https://user:pass@example.com/v1": "(not shown: it holds an @) holds credentials",
}


@pytest.mark.parametrize("url", sorted(BASE_URLS))
def test_validate_refuses_a_base_url_that_is_not_http(repo: Repo, url: str) -> None:
    repo.write("aac.yaml", "stack: test\ndefault_target: sandbox\ntargets:\n  sandbox: {type: sandbox}\n"
               f"  remote: {{type: openai, base_url: {json.dumps(url)}}}\n")
    repo.write("assistants/a.yaml", OK)
    result = repo.validate()
    assert result.code == 1 and "aac.yaml:5: error: target 'remote': base_url" in result.err
    assert BASE_URLS[url] in result.err and "user:pass" not in result.err


def test_validate_accepts_ipv6_and_ports(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ndefault_target: sandbox\ntargets:\n  sandbox: {type: sandbox}\n"
               "  v6: {type: openai, base_url: 'http://[::1]:8080/v1'}\n"
               "  plain: {type: openai, base_url: 'https://api.openai.com/v1'}\n")
    repo.write("assistants/a.yaml", OK)
    assert repo.validate().code == 0


def _plan_variants(good: dict[str, Any]) -> dict[str, str]:
    text = json.dumps(good)
    change = good["changes"][0]
    return {
        "deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
        "NaN": text.replace('"applyable": true', '"applyable": NaN'),
        "huge integer": text.replace('"applyable": true', '"applyable": ' + "9" * 5000),
        "lone surrogate": text.replace('"a"', '"\\ud800"', 1),
        "changes not a list": json.dumps({**good, "changes": "x"}),
        "change not an object": json.dumps({**good, "changes": [1]}),
        "action of the wrong type": json.dumps({**good, "changes": [{**change, "action": 5}]}),
        "changed_fields a number": json.dumps({**good, "changes": [{**change, "changed_fields": 3}]}),
        "cost a string": json.dumps({**good, "cost": "x"}),
        "warnings a number": json.dumps({**good, "warnings": 3}),
    }


def test_a_plan_file_of_the_wrong_shape_is_one_clean_error(repo: Repo) -> None:
    repo.write("assistants/a.yaml", OK)
    assert repo.run("plan", "--out", "p.json").code == 0
    good = json.loads((repo.root / "p.json").read_text())
    for name, text in _plan_variants(good).items():
        (repo.root / "bad.json").write_text(text)
        for command in (("show", "bad.json"), ("apply", "bad.json")):
            result = repo.run(*command)
            assert result.code == 1, (name, command, result.out)
            assert "bad.json is not a plan saved by aac" in result.err and "unexpected" not in result.err, name
