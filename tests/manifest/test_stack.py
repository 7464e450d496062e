"""aac.yaml: its problems, with lines, through `aac validate`; and load_stack's single clear error."""

from __future__ import annotations

import pytest
from tests.manifest.conftest import Repo

from aac.errors import AacError
from aac.stack import check_stack, load_stack


def test_unknown_keys_suggest_the_nearest(repo: Repo) -> None:
    repo.write("aac.yaml", """\
stack: test
manifest: assistants
targets:
  sandbox: {type: sandbox, pth: x.db}
""")
    result = repo.validate()
    assert result.code == 1
    assert "aac.yaml:2: error: unknown field `manifest` in the stack file" in result.err
    assert "did you mean `manifests`?" in result.err
    assert "aac.yaml:4: error: unknown field `pth` in target 'sandbox'" in result.err
    assert "did you mean `path`?" in result.err


def test_a_key_in_the_stack_file_is_refused_without_echoing_it(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ntargets:\n  openai:\n    type: openai\n    api_key: sk-live-123\n")
    result = repo.validate()
    assert result.code == 1
    assert "aac.yaml:5: error: target 'openai' holds an API key; a key never sits in a file" in result.err
    assert "sk-live-123" not in result.err


def test_api_key_env_must_be_a_variable_name_and_is_never_echoed(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ntargets:\n  openai: {type: openai, api_key_env: sk-proj-abc}\n")
    result = repo.validate()
    assert "api_key_env must be the NAME of an environment variable" in result.err
    assert "sk-proj-abc" not in result.err


def test_default_target_must_exist(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ndefault_target: sandbx\ntargets:\n  sandbox: {type: sandbox}\n")
    result = repo.validate()
    assert "aac.yaml:2: error: default_target 'sandbx' is not under `targets`" in result.err
    assert "did you mean `sandbox`?" in result.err


def test_malformed_stack_file(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ntargets: [\n")
    stack, problems = check_stack(repo.root)
    assert stack is None
    assert problems[0].path == "aac.yaml" and problems[0].message.startswith("invalid YAML")
    with pytest.raises(AacError) as caught:
        load_stack(repo.root)
    assert caught.value.message.startswith("aac.yaml:3: invalid YAML")


def test_defaults_and_targets(repo: Repo) -> None:
    repo.write("aac.yaml", """\
stack: prod
targets:
  openai: {type: openai, base_url: "http://127.0.0.1:9/v1", project: proj_1}
""")
    stack = load_stack(repo.root)
    assert stack.manifests == "assistants"
    assert stack.default_target == "openai"
    target = stack.target()
    assert (target.type, target.api_key_env, target.project) == ("openai", "OPENAI_API_KEY", "proj_1")
    with pytest.raises(AacError, match="there is no target 'staging'"):
        stack.target("staging")


def test_a_manifests_folder_outside_the_stack_is_refused(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\nmanifests: ../elsewhere\n")
    assert "`manifests` must be a folder inside the stack" in repo.validate().err


def test_a_missing_manifests_folder(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\nmanifests: nowhere\n")
    result = repo.validate()
    assert result.code == 1
    assert "the manifests folder 'nowhere' does not exist" in result.err


def test_reserved_metadata_must_be_a_list_of_keys(repo: Repo) -> None:
    repo.write("aac.yaml", "stack: test\ntargets:\n  ogx:\n    type: openai\n    reserved_metadata: provider_id\n")
    result = repo.validate()
    assert result.code == 1
    assert "aac.yaml:5: error: target 'ogx': `reserved_metadata` must be a list of metadata keys" in result.err
    repo.write("aac.yaml", "stack: test\ntargets:\n  ogx: {type: openai, reserved_metadata: [region]}\n")
    assert "reserved_metadata" not in repo.validate().err
