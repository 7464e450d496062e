"""`/v1/agents/environments/templates` (Agents API beta): create, list, retrieve, update (POST), delete.

A template is reusable configuration for a hosted environment. Its `env` values and `setup_commands` are
confidential ("Command bodies are never returned", SDK `templates.py`), and so are the contents of inline
files, skills and plugins, of which a read returns only safe metadata (`size_bytes`, `name`, `description`).
As with credential secrets (credentials.py), the sandbox keeps of each confidential value only an HMAC under
a key that lives in this process, so no response, error or database file holds one.

Stored as each field resolves, so an update rewrites only the fields it sends: omitted keeps the value,
`null` resets it to its default (`name: null` clears the name, `network: null` restores the default policy,
`desktop: null` disables the desktop; SDK `template_update_params.py`), and a list or map sent replaces
the old one whole ("Replacement ...", ibid.).
"""

from __future__ import annotations

import base64
import binascii
import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox import template_schemas
from aac.sandbox.apierror import invalid, no_environment_template
from aac.sandbox.common import delete_route, envelope, list_params, ok, page_of, read_body, store_of, touched
from aac.sandbox.credentials import fingerprint
from aac.sandbox.indexing import FILE
from aac.sandbox.store import JSON, Store, new_id

ENVIRONMENT_TEMPLATE = "environment_template"
OBJECT = "agent.environment.template"
# The SDK documents no prefix; `envtmpl_` is the one Alibaba Model Studio's compatible Agents API shows.
ID_PREFIX = "envtmpl_"
# "If omitted, the API version determines whether network access is enabled or disabled" (SDK); the Agents
# API's OpenAPI description (`CreateEnvironmentTemplateParams.network`, as api-evangelist/openai derives it)
# says how: "Defaults to disabled for GA requests and enabled for alpha/beta requests". Every call here is an
# `OpenAI-Beta: agents=v1` request, so the default policy is `enabled` (Model Studio's default too).
DEFAULT_NETWORK: JSON = {"access": "enabled", "allowed_domains": []}
_PACKAGE_LISTS = ("npm", "python", "system")

Normaliser = Callable[[Any, Store], Any]


def _decoded(data: str, where: str) -> bytes:
    """Standard base64 only: no URL-safe alphabet, no line breaks, padding required. The message never
    quotes the data."""
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error:
        raise invalid(where, f"Invalid '{where}': expected standard base64 (A-Z, a-z, 0-9, '+', '/', '=' "
                             "padding, no line breaks).") from None


def _zip(source: JSON, where: str) -> str:
    """The fingerprint of an inline skill's or plugin's archive, once its bytes are known to be a ZIP."""
    raw = _decoded(source["data"], f"{where}.data")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise invalid(f"{where}.data", f"Invalid '{where}.data': the decoded bytes are not a ZIP archive.")
    return fingerprint(source["data"])


def _file(item: JSON, index: int, store: Store) -> JSON:
    if item["type"] == "file_id":
        if store.get(FILE, item["file_id"]) is None:
            where = f"files[{index}].file_id"
            raise invalid(where, f"Invalid '{where}': no file found with id '{item['file_id']}'.")
        return {"type": "file_id", "file_id": item["file_id"], "path": item["path"]}
    size = len(_decoded(item["data"], f"files[{index}].data"))
    return {"type": "inline", "path": item["path"], "size_bytes": size, "_data": fingerprint(item["data"])}


def _files(given: list[JSON] | None, store: Store) -> list[JSON]:
    return [_file(item, index, store) for index, item in enumerate(given or [])]


def _capability(item: JSON, where: str) -> JSON:
    """An inline skill or plugin: its declared name and description, and what is kept of its archive."""
    return {"type": "inline", "name": item["name"], "description": item["description"],
            "_source": _zip(item["source"], f"{where}.source")}


def _skills(given: list[JSON] | None, store: Store) -> list[JSON]:
    skills = []
    for index, item in enumerate(given or []):
        if item["type"] == "skill_reference":
            # "preserving unresolved version selectors" (SDK environment_template.py): `latest` stays `latest`.
            skills.append({"type": "skill_reference", "skill_id": item["skill_id"], "version": item.get("version")})
        else:
            skills.append(_capability(item, f"skills[{index}]"))
    return skills


def _plugins(given: list[JSON] | None, store: Store) -> list[JSON]:
    return [_capability(item, f"plugins[{index}]") for index, item in enumerate(given or [])]


def _network(given: JSON | None, store: Store) -> JSON:
    """Kept whole, `blocked_domains` too, though the resource type has no place to return it."""
    if given is None:
        return {**DEFAULT_NETWORK, "blocked_domains": []}
    return {"access": given["access"], "allowed_domains": given.get("allowed_domains") or [],
            "blocked_domains": given.get("blocked_domains") or []}


def _packages(given: JSON | None, store: Store) -> JSON:
    given = given or {}
    return {name: given.get(name) or [] for name in _PACKAGE_LISTS}


def _env(given: dict[str, str] | None, store: Store) -> dict[str, str]:
    return {name: fingerprint(value) for name, value in (given or {}).items()}


def _setup_commands(given: list[JSON] | None, store: Store) -> list[JSON]:
    return [{"command": fingerprint(c["command"]), "cwd": c.get("cwd") or template_schemas.WORKSPACE}
            for c in given or []]


# Each request field, the key it is stored under (`_`: confidential, never returned) and how it is stored.
_FIELDS: dict[str, tuple[str, Normaliser]] = {
    "name": ("name", lambda given, store: given),
    "capability_directories": ("capability_directories", lambda given, store: given or []),
    "desktop": ("desktop", lambda given, store: {"enabled": bool(given and given["enabled"])}),
    "network": ("network", _network),
    "packages": ("packages", _packages),
    "files": ("files", _files),
    "skills": ("skills", _skills),
    "plugins": ("plugins", _plugins),
    "env": ("_env", _env),
    "setup_commands": ("_setup_commands", _setup_commands),
}


def _apply(template: JSON, body: JSON, store: Store) -> None:
    """Write the fields `body` sends onto the stored template; an unsent field is left as it is."""
    for field, (key, normalise) in _FIELDS.items():
        if field in body:
            template[key] = normalise(body[field], store)


def _safe(items: list[JSON]) -> list[JSON]:
    return [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]


def resolve(template: JSON) -> JSON:
    """The template as every response shows it (SDK `EnvironmentTemplate`): no confidential value."""
    network = template["network"]
    return {
        "id": template["id"],
        "object": OBJECT,
        "name": template["name"],
        "created_at": template["created_at"],
        "updated_at": template["updated_at"],
        "capability_directories": template["capability_directories"],
        "desktop": template["desktop"],
        "files": _safe(template["files"]),
        "network": {"access": network["access"], "allowed_domains": network["allowed_domains"]},
        "packages": template["packages"],
        "plugins": _safe(template["plugins"]),
        "skills": _safe(template["skills"]),
    }


def _get(store: Store, template_id: str) -> JSON:
    template = store.get(ENVIRONMENT_TEMPLATE, template_id)
    if template is None:
        raise no_environment_template(template_id)
    return template


async def create(request: Request) -> JSONResponse:
    store = store_of(request)
    body = await read_body(request, template_schemas.TEMPLATE)
    now = int(time.time())
    template: JSON = {"id": new_id(ID_PREFIX), "created_at": now, "updated_at": now}
    _apply(template, {field: None for field in _FIELDS}, store)  # every default first
    _apply(template, body, store)
    store.insert(ENVIRONMENT_TEMPLATE, template)
    return ok(resolve(template))


async def retrieve(request: Request) -> JSONResponse:
    return ok(resolve(_get(store_of(request), request.path_params["environment_template_id"])))


async def update(request: Request) -> JSONResponse:
    store = store_of(request)
    template = _get(store, request.path_params["environment_template_id"])
    body = await read_body(request, template_schemas.TEMPLATE)
    _apply(template, body, store)
    template["updated_at"] = touched(template["updated_at"])
    store.put(ENVIRONMENT_TEMPLATE, template)
    return ok(resolve(template))


async def list_templates(request: Request) -> JSONResponse:
    # The SDK's `TemplateListParams`: `after`, `limit` (1-100, default 20), `order` (default desc); no `before`.
    page = page_of(request, ENVIRONMENT_TEMPLATE, list_params(request, before=False))
    return JSONResponse(envelope([resolve(template) for template in page.items], page.has_more))


delete = delete_route(ENVIRONMENT_TEMPLATE, no_environment_template, obj=OBJECT)


_ALL = "/v1/agents/environments/templates"
_ONE = _ALL + "/{environment_template_id}"
routes = [
    Route(_ALL, create, methods=["POST"]),
    Route(_ALL, list_templates, methods=["GET"]),
    Route(_ONE, retrieve, methods=["GET"]),
    Route(_ONE, update, methods=["POST"]),
    Route(_ONE, delete, methods=["DELETE"]),
]
