"""`/v1/agents/environments/templates` through the real SDK, strict: CRUD, update rules, paging, refusals, and
confidential values (env, setup commands, inline contents) that no response, error or database file holds."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.sandbox.conftest import Raw, Recorded, Upload

from aac.sandbox.credentials import fingerprint
from aac.sandbox.server import RunningSandbox, serve_in_background

BETA = {"Authorization": "Bearer sk-test", "OpenAI-Beta": "agents=v1"}
PATH = "/agents/environments/templates"

# Recognisable confidential values: none may appear in any response, error or database file.
ENV_SECRET, NEW_ENV_SECRET = "env-SECRET-value-0001", "env-SECRET-value-0002"
COMMAND, NEW_COMMAND = "curl -H 'token: cmd-SECRET-0001' https://x/", "echo cmd-SECRET-0002 > /tmp/k"
FILE_CONTENT = b"file-SECRET-contents\r\nwith\x00binary\n"


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("SKILL.md", f"---\nname: s\n---\n{text}\n")
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


SKILL_ZIP, PLUGIN_ZIP = _zip("skill-SECRET-archive"), _zip("plugin-SECRET-archive")
SECRETS = (ENV_SECRET, NEW_ENV_SECRET, "cmd-SECRET-0001", "cmd-SECRET-0002", "file-SECRET-contents",
           _b64(FILE_CONTENT), _b64(SKILL_ZIP), _b64(PLUGIN_ZIP))
SOURCE = {"type": "base64", "media_type": "application/zip", "data": _b64(SKILL_ZIP)}
INLINE_SKILL = {"type": "inline", "name": "triage", "description": "Sorts tickets", "source": SOURCE}
PLUGIN = {"type": "inline", "name": "linter", "description": "Lints",
          "source": {**SOURCE, "data": _b64(PLUGIN_ZIP)}}
INLINE_FILE = {"type": "inline", "path": "/workspace/notes.txt", "data": _b64(FILE_CONTENT)}
FULL: dict[str, Any] = {
    "name": "build box",
    "capability_directories": ["/workspace/skills"],
    "desktop": {"enabled": True},
    "env": {"API_KEY": ENV_SECRET, "_Mode2": ""},
    "files": [INLINE_FILE],
    "network": {"access": "restricted", "allowed_domains": ["pypi.org", "*.npmjs.org"]},
    "packages": {"python": ["requests==2.32.3"], "npm": ["typescript"]},
    "plugins": [PLUGIN],
    "setup_commands": [{"command": COMMAND}, {"command": "make", "cwd": "/srv/app"}],
    "skills": [{"type": "skill_reference", "skill_id": "skill_1", "version": "latest"}, INLINE_SKILL],
}
DEFAULTS: dict[str, Any] = {
    "object": "agent.environment.template",
    "name": None,
    "capability_directories": [],
    "desktop": {"enabled": False},
    "files": [],
    "network": {"access": "enabled", "allowed_domains": []},
    "packages": {"npm": [], "python": [], "system": []},
    "plugins": [],
    "skills": [],
}


def _templates(client: openai.OpenAI) -> Any:
    return client.beta.agents.environments.templates


def _configuration(template: Any) -> dict[str, Any]:
    """A template as JSON without its id and timestamps."""
    data = template if isinstance(template, dict) else template.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in ("id", "created_at", "updated_at")}


def test_every_route_answers_what_the_strict_sdk_accepts(strict: Recorded) -> None:
    templates = _templates(strict.client)
    created = templates.create(**FULL)
    assert created.id.startswith("envtmpl_") and created.object == "agent.environment.template"
    assert templates.retrieve(created.id) == created
    updated = templates.update(created.id, name="renamed")
    assert updated.name == "renamed" and updated.updated_at > created.updated_at
    assert updated.created_at == created.created_at
    assert [t.id for t in templates.list()] == [created.id]
    gone = templates.delete(created.id)
    assert (gone.id, gone.object, gone.deleted) == (created.id, "agent.environment.template.deleted", True)
    for call in (templates.retrieve, templates.delete, lambda i: templates.update(i, name="x")):
        with pytest.raises(openai.NotFoundError) as err:
            call(created.id)
        assert err.value.body["message"] == f"No environment template found with id '{created.id}'."  # type: ignore[index]
    assert list(templates.list()) == []
    assert len(strict.bodies) == 9


def test_a_template_made_of_nothing_reads_back_every_default(strict: Recorded, raw: Raw) -> None:
    templates = _templates(strict.client)
    empty = templates.create()
    assert _configuration(json.loads(strict.bodies[-1])) == DEFAULTS
    nulls = templates.create(**{field: None for field in FULL})
    assert _configuration(nulls) == _configuration(empty) == DEFAULTS
    assert _configuration(raw("POST", PATH, headers=BETA, body={}).body) == DEFAULTS


def test_a_read_shows_safe_metadata_and_keeps_what_is_not_confidential(strict: Recorded) -> None:
    template = _templates(strict.client).create(**FULL)
    assert _configuration(template) == {
        **DEFAULTS,
        "name": "build box",
        "capability_directories": ["/workspace/skills"],
        "desktop": {"enabled": True},
        "files": [{"type": "inline", "path": "/workspace/notes.txt", "size_bytes": len(FILE_CONTENT)}],
        "network": {"access": "restricted", "allowed_domains": ["pypi.org", "*.npmjs.org"]},
        "packages": {"npm": ["typescript"], "python": ["requests==2.32.3"], "system": []},
        "plugins": [{"type": "inline", "name": "linter", "description": "Lints"}],
        "skills": [
            {"type": "skill_reference", "skill_id": "skill_1", "version": "latest"},
            {"type": "inline", "name": "triage", "description": "Sorts tickets"},
        ],
    }


SIZES = [b"", b"a", b"ab", b"abc", b"\x00\xff\r\n", "é\u2028\r".encode(), bytes(range(256))]


@pytest.mark.parametrize("content", SIZES)
def test_an_inline_file_reports_its_decoded_size(client: openai.OpenAI, content: bytes) -> None:
    files = [{"type": "inline", "path": "/workspace/f", "data": _b64(content)}]
    assert _templates(client).create(files=files).files[0].size_bytes == len(content)


def test_a_file_names_an_upload_that_exists(client: openai.OpenAI, upload: Upload) -> None:
    file_id = upload("guide.md", b"# guide\n")
    entry = {"type": "file_id", "file_id": file_id, "path": "/workspace/docs/guide.md"}
    template = _templates(client).create(files=[entry])
    assert template.files[0].model_dump() == entry
    client.files.delete(file_id)
    assert _templates(client).retrieve(template.id).files[0].file_id == file_id
    with pytest.raises(openai.BadRequestError) as err:
        _templates(client).update(template.id, files=[entry])
    assert err.value.param == "files[0].file_id"
    assert _templates(client).update(template.id, files=[]).files == []


def test_skill_versions_are_kept_as_selected(client: openai.OpenAI) -> None:
    skills = [{"type": "skill_reference", "skill_id": "skill_a", **version}
              for version in ({"version": "latest"}, {"version": "12"}, {"version": None}, {})]
    got = _templates(client).create(skills=skills).skills
    assert [s.version for s in got] == ["latest", "12", None, None]


def test_an_update_keeps_every_field_it_omits(client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    template = _templates(client).create(**FULL)
    held = _held(sandbox, template.id)
    renamed = _templates(client).update(template.id, name="renamed")
    assert _configuration(renamed) == {**_configuration(template), "name": "renamed"}
    assert _held(sandbox, template.id) == held
    rekeyed = _templates(client).update(template.id, env={"OTHER": "x"})
    assert _configuration(rekeyed) == _configuration(renamed)
    assert _held(sandbox, template.id) == {"env": {"OTHER": fingerprint("x")}, "setup_commands": held["setup_commands"]}
    assert _configuration(_templates(client).update(template.id)) == _configuration(renamed)


UPDATES = [
    ({"name": None}, {"name": None}),
    ({"name": "other"}, {"name": "other"}),
    ({"network": None}, {"network": {"access": "enabled", "allowed_domains": []}}),
    ({"network": {"access": "disabled"}}, {"network": {"access": "disabled", "allowed_domains": []}}),
    ({"desktop": None}, {"desktop": {"enabled": False}}),
    ({"capability_directories": None}, {"capability_directories": []}),
    ({"capability_directories": ["/opt/caps"]}, {"capability_directories": ["/opt/caps"]}),
    ({"files": None}, {"files": []}),
    ({"skills": None}, {"skills": []}),
    ({"skills": [INLINE_SKILL]}, {"skills": [{"type": "inline", "name": "triage", "description": "Sorts tickets"}]}),
    ({"plugins": None}, {"plugins": []}),
    ({"packages": None}, {"packages": {"npm": [], "python": [], "system": []}}),
    ({"packages": {"system": ["git"]}}, {"packages": {"npm": [], "python": [], "system": ["git"]}}),
    ({"packages": {"python": None, "npm": ["tsx"]}}, {"packages": {"npm": ["tsx"], "python": [], "system": []}}),
]


@pytest.mark.parametrize(("body", "changed"), UPDATES)
def test_an_update_replaces_what_it_sends_and_null_resets(
    client: openai.OpenAI, body: dict[str, Any], changed: dict[str, Any]
) -> None:
    template = _templates(client).create(**FULL)
    after = _templates(client).update(template.id, **body)
    assert _configuration(after) == {**_configuration(template), **changed}
    assert _configuration(_templates(client).retrieve(template.id)) == _configuration(after)


def _held(sandbox: RunningSandbox, template_id: str) -> dict[str, Any]:
    stored = sandbox.store.get("environment_template", template_id)
    assert stored is not None
    return {"env": stored["_env"], "setup_commands": stored["_setup_commands"]}


def test_the_server_holds_the_confidential_values_it_was_sent(client: openai.OpenAI, sandbox: RunningSandbox) -> None:
    template = _templates(client).create(**FULL)
    assert _held(sandbox, template.id) == {
        "env": {"API_KEY": fingerprint(ENV_SECRET), "_Mode2": fingerprint("")},
        "setup_commands": [{"command": fingerprint(COMMAND), "cwd": "/workspace"},
                           {"command": fingerprint("make"), "cwd": "/srv/app"}],
    }
    stored = sandbox.store.get("environment_template", template.id)
    assert stored is not None and stored["files"][0]["_data"] == fingerprint(_b64(FILE_CONTENT))
    _templates(client).update(template.id, name="kept")
    assert _held(sandbox, template.id)["env"] == {"API_KEY": fingerprint(ENV_SECRET), "_Mode2": fingerprint("")}
    _templates(client).update(template.id, env={"API_KEY": NEW_ENV_SECRET}, setup_commands=[{"command": NEW_COMMAND}])
    assert _held(sandbox, template.id) == {
        "env": {"API_KEY": fingerprint(NEW_ENV_SECRET)},
        "setup_commands": [{"command": fingerprint(NEW_COMMAND), "cwd": "/workspace"}],
    }
    _templates(client).update(template.id, env=None, setup_commands=None)
    assert _held(sandbox, template.id) == {"env": {}, "setup_commands": []}


def test_updated_at_moves_on_every_update_even_within_a_second(client: openai.OpenAI) -> None:
    template = _templates(client).create()
    stamps = [_templates(client).update(template.id, name=str(i)).updated_at for i in range(3)]
    assert template.updated_at < stamps[0] < stamps[1] < stamps[2]
    assert _templates(client).retrieve(template.id).created_at == template.created_at


def test_list_pages_both_ways_with_the_envelope_the_sdk_reads(client: openai.OpenAI, raw: Raw) -> None:
    templates = _templates(client)
    ids = [templates.create(name=f"t{i}").id for i in range(5)]
    assert [t.id for t in templates.list(limit=2, order="asc")] == ids
    assert [t.id for t in templates.list(limit=2)] == ids[::-1]
    first = templates.list(limit=2)
    assert [t.id for t in first.data] == [ids[4], ids[3]] and first.has_more
    assert [t.id for t in templates.list(after=ids[1], order="asc")] == ids[2:]
    assert [t.id for t in templates.list(after=ids[3])] == [ids[2], ids[1], ids[0]]
    page = raw("GET", f"{PATH}?limit=2&order=asc&after={ids[2]}", headers=BETA).body
    assert (page["object"], page["first_id"], page["last_id"], page["has_more"]) == ("list", ids[3], ids[4], False)
    templates.delete(ids[2])
    assert [t.id for t in templates.list(after=ids[2], order="asc")] == ids[3:]  # a deleted cursor still pages


@pytest.mark.parametrize(("query", "param", "code"), [
    ("before=envtmpl_x", "before", "unknown_parameter"),
    ("limit=0", "limit", "integer_below_min_value"),
    ("limit=101", "limit", "integer_above_max_value"),
    ("limit=ten", "limit", "invalid_type"),
    ("order=newest", "order", "invalid_value"),
])
def test_a_bad_list_query_is_refused(raw: Raw, query: str, param: str, code: str) -> None:
    error = raw("GET", f"{PATH}?{query}", headers=BETA)
    assert (error.status, error.body["error"]["param"], error.body["error"]["code"]) == (400, param, code)


def _file(path: str, **entry: Any) -> dict[str, Any]:
    return {"type": "inline", "path": path, "data": "", **entry}


REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"metadata": {"stack": "demo"}}, "metadata"),
    ({"instructions": "x"}, "instructions"),
    ({"name": ""}, "name"),
    ({"name": "n" * 257}, "name"),
    ({"network": {"access": "open"}}, "network.access"),
    ({"network": {"allowed_domains": ["a.example"]}}, "network.access"),
    ({"network": {"access": "enabled", "mode": "x"}}, "network.mode"),
    ({"network": {"access": "enabled", "blocked_domains": ["ads.example"]}}, "network.blocked_domains"),
    ({"network": {"access": "disabled", "blocked_domains": ["ads.example"]}}, "network.blocked_domains"),
    ({"network": {"access": "restricted", "allowed_domains": ["a.example"], "blocked_domains": ["b.example"]}},
     "network.blocked_domains"),
    ({"network": {"access": "restricted", "blocked_domains": ["ads.example", "*.ads.example"]}},
     "network.blocked_domains[1]"),
    ({"network": {"access": "restricted", "blocked_domains": ["*"]}}, "network.blocked_domains[0]"),
    ({"network": {"access": "restricted", "blocked_domains": "ads.example"}}, "network.blocked_domains"),
    ({"packages": {"python": "requests"}}, "packages.python"),
    ({"packages": {"npm": [1]}}, "packages.npm[0]"),
    ({"packages": {"system": ["git", ""]}}, "packages.system[1]"),
    ({"packages": {"pip": ["requests"]}}, "packages.pip"),
    ({"packages": ["requests"]}, "packages"),
    ({"capability_directories": [None]}, "capability_directories[0]"),
    ({"desktop": {}}, "desktop.enabled"),
    ({"desktop": {"enabled": "yes"}}, "desktop.enabled"),
    ({"files": [{"type": "file_id", "file_id": "file-nope", "path": "/workspace/a"}]}, "files[0].file_id"),
    ({"files": [{"type": "url", "path": "/workspace/a"}]}, "files[0].type"),
    ({"files": [{"path": "/workspace/a", "data": ""}]}, "files[0].type"),
    ({"files": [_file("notes.txt")]}, "files[0].path"),
    ({"files": [_file("/etc/passwd")]}, "files[0].path"),
    ({"files": [_file("/workspace/../etc/passwd")]}, "files[0].path"),
    ({"files": [_file("/workspace")]}, "files[0].path"),
    ({"files": [_file("/workspaces/a")]}, "files[0].path"),
    ({"files": [_file("/workspace/a"), _file("/workspace/./a")]}, "files[1].path"),
    ({"files": [_file("/workspace/a", size_bytes=3)]}, "files[0].size_bytes"),
    ({"files": [_file("/workspace/a", data="not base64!")]}, "files[0].data"),
    ({"files": [_file("/workspace/a", data="-_-_")]}, "files[0].data"),
    ({"files": [_file("/workspace/a", data="aGVs\nbG8=")]}, "files[0].data"),
    ({"files": [_file("/workspace/a", data="aGVs\r\nbG8=")]}, "files[0].data"),
    ({"files": [_file("/workspace/a", data="aGVsbG8")]}, "files[0].data"),
    ({"files": [_file(f"/workspace/{i}") for i in range(51)]}, "files"),
    ({"skills": [{"type": "skill_reference"}]}, "skills[0].skill_id"),
    ({"skills": [{"type": "skill_reference", "skill_id": "s", "version": "0"}]}, "skills[0].version"),
    ({"skills": [{"type": "skill_reference", "skill_id": "s", "version": "v2"}]}, "skills[0].version"),
    ({"skills": [{"type": "skill_reference", "skill_id": "s", "version": "latest\n"}]}, "skills[0].version"),
    ({"skills": [{**INLINE_SKILL, "source": {**SOURCE, "data": _b64(b"plain text")}}]}, "skills[0].source.data"),
    ({"skills": [{**INLINE_SKILL, "source": {**SOURCE, "media_type": "application/gzip"}}]},
     "skills[0].source.media_type"),
    ({"skills": [{**INLINE_SKILL, "source": {**SOURCE, "type": "url"}}]}, "skills[0].source.type"),
    ({"skills": [{k: v for k, v in INLINE_SKILL.items() if k != "description"}]}, "skills[0].description"),
    ({"plugins": [{"type": "skill_reference", "skill_id": "s"}]}, "plugins[0].type"),
    ({"plugins": [{**PLUGIN, "name": "p" * 65}]}, "plugins[0].name"),
    ({"plugins": [{**PLUGIN, "source": {**SOURCE, "data": _b64(FILE_CONTENT)}}]}, "plugins[0].source.data"),
    ({"setup_commands": [{"cwd": "/workspace"}]}, "setup_commands[0].command"),
    ({"setup_commands": [{"command": COMMAND, "cwd": "build"}]}, "setup_commands[0].cwd"),
    ({"setup_commands": [{"command": COMMAND, "shell": "bash"}]}, "setup_commands[0].shell"),
    ({"setup_commands": [COMMAND]}, "setup_commands[0]"),
    ({"setup_commands": [{"command": COMMAND}] * 17}, "setup_commands"),
    ({"env": {"PORT": 8080}}, "env.PORT"),
    ({"env": {"1ABC": ENV_SECRET}}, "env.1ABC"),
    ({"env": {"MY-VAR": ENV_SECRET}}, "env.MY-VAR"),
    ({"env": {"MY VAR": ENV_SECRET}}, "env.MY VAR"),
    ({"env": {"": ENV_SECRET}}, "env."),
    ({"env": {"K": f"{ENV_SECRET}\x00"}}, "env.K"),
    ({"env": [ENV_SECRET]}, "env"),
    ({"env": {f"K{i}": ENV_SECRET for i in range(1025)}}, "env"),
]


@pytest.mark.parametrize(("body", "param"), REFUSED)
def test_a_refused_create_stores_nothing_and_echoes_no_confidential_value(
    strict: Recorded, body: dict[str, Any], param: str
) -> None:
    templates = _templates(strict.client)
    with pytest.raises(openai.BadRequestError) as err:
        templates.create(extra_body=body)
    assert err.value.param == param, err.value.body
    assert not [secret for secret in SECRETS if secret in err.value.response.text]
    assert list(templates.list()) == []


@pytest.mark.parametrize(("body", "param"), REFUSED)
def test_a_refused_update_changes_nothing(
    client: openai.OpenAI, sandbox: RunningSandbox, body: dict[str, Any], param: str
) -> None:
    template = _templates(client).create(**FULL)
    held = _held(sandbox, template.id)
    with pytest.raises(openai.BadRequestError) as err:
        _templates(client).update(template.id, extra_body={"name": "changed", **body})
    assert err.value.param == param
    assert _templates(client).retrieve(template.id) == template
    assert _held(sandbox, template.id) == held


def test_the_limits_themselves_are_accepted(client: openai.OpenAI) -> None:
    template = _templates(client).create(
        name="n" * 256,
        env={f"K{i}": "v" for i in range(1024)},
        setup_commands=[{"command": "true"}] * 16,
        files=[_file(f"/workspace/{i}") for i in range(50)],
        network={"access": "restricted", "blocked_domains": ["ads.example"]},
    )
    assert (len(template.files), template.network.access) == (50, "restricted")
    assert _templates(client).create(network={"access": "enabled", "blocked_domains": []}).network.access == "enabled"


def test_no_response_ever_carries_a_confidential_value(strict: Recorded) -> None:
    templates = _templates(strict.client)
    template = templates.create(**FULL)
    templates.retrieve(template.id)
    templates.with_raw_response.retrieve(template.id)
    list(templates.list(limit=1))
    templates.update(template.id, env={"API_KEY": NEW_ENV_SECRET}, setup_commands=[{"command": NEW_COMMAND}],
                     files=[INLINE_FILE], skills=[INLINE_SKILL], plugins=[PLUGIN])
    for bad in ({"env": {"BAD-NAME": NEW_ENV_SECRET}}, {"setup_commands": [{"command": NEW_COMMAND, "cwd": "x"}]},
                {"skills": [{**INLINE_SKILL, "name": ""}]}, {"files": [{**INLINE_FILE, "path": "/tmp/x"}]}):
        with pytest.raises(openai.BadRequestError):
            templates.update(template.id, extra_body=bad)
    raw = templates.with_raw_response.list()
    templates.delete(template.id)
    assert len(strict.bodies) == 11
    assert template.id in raw.text and not [secret for secret in SECRETS if secret in raw.text]
    leaked = [secret for secret in SECRETS for body in strict.bodies if secret.encode() in body]
    assert leaked == []


def test_the_database_file_never_holds_a_confidential_value(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    with serve_in_background(str(db)) as sandbox, openai.OpenAI(base_url=sandbox.base_url, api_key="k") as client:
        template = _templates(client).create(**FULL)
        _templates(client).update(template.id, env={"API_KEY": NEW_ENV_SECRET},
                                  setup_commands=[{"command": NEW_COMMAND}])
        template = _templates(client).retrieve(template.id)
        written = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert written and not [secret for secret in SECRETS if secret.encode() in written]
    with serve_in_background(str(db)) as again, openai.OpenAI(base_url=again.base_url, api_key="k") as client:
        assert _templates(client).retrieve(template.id) == template


def test_every_template_call_needs_the_agents_beta_header(raw: Raw) -> None:
    for method, path in (("GET", PATH), ("POST", PATH), ("GET", f"{PATH}/envtmpl_x"), ("DELETE", f"{PATH}/envtmpl_x")):
        error = raw(method, path, headers={"Authorization": "Bearer sk-test"}, body={} if method == "POST" else None)
        assert (error.status, error.body["error"]["code"]) == (400, "invalid_beta")


@pytest.mark.parametrize("options", [{"no_agents": True}, {"profile": "ogx"}, {"profile": "llama-stack"}])
def test_a_target_without_the_agents_beta_answers_404(options: dict[str, Any]) -> None:
    # Retries: the llama family closes the connection after every error, so a request may meet a reset.
    with serve_in_background(**options) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=2
    ) as client:
        templates = _templates(client)
        with pytest.raises(openai.NotFoundError) as err:
            templates.list()
        assert err.value.body["message"] == "Invalid URL (GET /v1/agents/environments/templates)"  # type: ignore[index]
        for call in (lambda: templates.create(name="t"), lambda: templates.retrieve("envtmpl_x"),
                     lambda: templates.update("envtmpl_x", name="t"), lambda: templates.delete("envtmpl_x")):
            with pytest.raises(openai.NotFoundError):
                call()
        assert client.vector_stores.create(name="still here").id
