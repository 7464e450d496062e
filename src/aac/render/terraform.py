"""The plan as Terraform represents one, beside aac's own fields, so a policy written for Terraform plans reads it.

Terraform documents its plan JSON (format_version 1.2, `terraform show -json`); OPA, conftest, Checkov and
the like read `resource_changes[].change.actions`, `before`, `after` and the rest. aac's JSON keeps every key
it had and gains these (docs/plan.md says what each holds):

- `address` is aac's (`vector_store.kb`), as plans print it and as commands take it; `type` is `aac_` and the
  kind (`aac_vector_store`), `name` the key, `mode` always "managed".
- A replace makes the new object before it deletes the old one, so what names it is pointed at the new one in
  between: `["create", "delete"]`. A vector store's file is the exception: a store holds a file once, so it is
  detached before it is attached again: `["delete", "create"]`.
- The id apply creates is `after_unknown`; a known id is in `before` and `after`.
- A plan never holds a secret: where one belongs (a credential's `auth.token`, a header someone put a token in)
  the value is "[REDACTED]" and `before_sensitive` / `after_sensitive` are true at that path.
- No `terraform_version`: aac is not Terraform, and a version a policy compares with Terraform's would mislead;
  `tool_version` is aac's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aac.kinds import BY_NAME
from aac.kinds.base import WriteOnlyFields, replace_reasons
from aac.model.drift import Category, DriftItem
from aac.model.plan import Action, Change, Plan
from aac.plan.diff import REPLACE_REQUESTED
from aac.resources import VECTOR_STORE_FILE
from aac.secrets import REDACTED

JSON = dict[str, Any]
Paths = Callable[[JSON], tuple[tuple[str, ...], ...]]

ACTIONS: Mapping[Action, list[str]] = {
    Action.NOOP: ["no-op"], Action.CREATE: ["create"], Action.UPDATE: ["update"],
    Action.REPLACE: ["create", "delete"], Action.DELETE: ["delete"],
}
DELETE_FIRST = frozenset({VECTOR_STORE_FILE})  # kinds whose replace deletes before it creates
UNKNOWN_AFTER: JSON = {"id": True}  # what apply creates: the object's id


def plan_document(plan: Plan) -> str:
    """aac's plan JSON with Terraform's representation beside it: `--format json` and the saved plan file."""
    return json.dumps(plan.to_json() | terraform_fields(plan), indent=2, sort_keys=True) + "\n"


def terraform_fields(plan: Plan) -> JSON:
    """The keys Terraform's plan JSON has and aac's lacks (`format_version` and `applyable` are shared)."""
    return {
        "resource_changes": [resource_change(change, plan.mode) for change in plan.changes],
        "resource_drift": [resource_drift(item) for item in plan.drift],
        "timestamp": plan.created_at,
        "complete": not plan.only,  # a plan made with --only leaves objects out, as Terraform's -target does
    }


def resource_change(change: Change, mode: str = "normal") -> JSON:
    paths = _secret_paths(change.kind)
    fresh = change.action in (Action.CREATE, Action.REPLACE)
    before = _with_id(change.before, change.id)
    body: JSON = {
        "actions": _actions(change),
        **_sides(before, _after(change, before), paths),
        "after_unknown": dict(UNKNOWN_AFTER) if fresh else {},
    }
    replace_paths = _replace_paths(change)
    if replace_paths:
        body["replace_paths"] = replace_paths
    return _resource(change.address, change.kind, change.name, body, _action_reason(change, replace_paths, mode),
                     getattr(change, "previous_address", None))  # a moved object's address before the move


def resource_drift(item: DriftItem) -> JSON:
    """An object changed by hand (`update`) or deleted by hand (`delete`): live against what aac applied."""
    paths = _secret_paths(item.kind)
    deleted = item.category is Category.MISSING
    before, after = _with_id(item.expected, item.id), None if deleted else _with_id(item.actual, item.id)
    body: JSON = {"actions": ["delete"] if deleted else ["update"], **_sides(before, after, paths), "after_unknown": {}}
    return _resource(item.address, item.kind, item.name, body, None, None)


def _resource(address: str, kind: str, name: str, change: JSON, reason: str | None,
              previous_address: str | None) -> JSON:
    result: JSON = {"address": address, "mode": "managed", "type": f"aac_{kind}", "name": name, "change": change}
    if previous_address:
        result["previous_address"] = previous_address
    if reason:
        result["action_reason"] = reason
    return result


def _after(change: Change, before: JSON | None) -> JSON | None:
    """What apply leaves: the desired form with the id kept, or without it when apply makes a new one."""
    if change.action is Action.DELETE:
        return None
    if change.after is None:  # an object kept as it is (protected, or in use): after is before
        return before
    return dict(change.after) if change.action in (Action.CREATE, Action.REPLACE) else _with_id(change.after, change.id)


def _actions(change: Change) -> list[str]:
    if change.action is Action.REPLACE and change.kind in DELETE_FIRST:
        return ["delete", "create"]
    return list(ACTIONS[change.action])


def _replace_paths(change: Change) -> list[list[str]]:
    """The fields that force the rebuild; none when the live object itself is the reason (an expired store)."""
    kind = BY_NAME.get(change.kind)
    if change.action is not Action.REPLACE or kind is None:
        return []
    return [[field] for field in change.changed_fields if field in replace_reasons(kind)]


def _action_reason(change: Change, replace_paths: list[list[str]], mode: str) -> str | None:
    if change.action is Action.REPLACE:
        if (change.reason or "").startswith(REPLACE_REQUESTED):  # --replace ADDRESS
            return "replace_by_request"
        # Without a field that forces it, the live object is unusable (expired, failed to index): Terraform's taint.
        return "replace_because_cannot_update" if replace_paths else "replace_because_tainted"
    if change.action is Action.DELETE and mode != "destroy":
        return "delete_because_no_resource_config"
    return None


def _secret_paths(kind_name: str) -> Paths:
    kind = BY_NAME.get(kind_name)  # files and attachments are no kind, and hold no secret
    return kind.secret_paths if isinstance(kind, WriteOnlyFields) else _no_paths


def _no_paths(form: JSON) -> tuple[tuple[str, ...], ...]:
    return ()


def _with_id(form: Mapping[str, Any] | None, id_: str | None) -> JSON | None:
    if form is None:
        return None
    return {**form, "id": id_} if id_ else dict(form)


def _sides(before: JSON | None, after: JSON | None, paths: Paths) -> JSON:
    before, before_sensitive = _redacted(before, paths)
    after, after_sensitive = _redacted(after, paths)
    return {"before": before, "after": after, "before_sensitive": before_sensitive, "after_sensitive": after_sensitive}


def _redacted(form: JSON | None, paths: Paths) -> tuple[JSON | None, Any]:
    """The form with "[REDACTED]" where each secret belongs, and its mask: true at every redacted leaf.

    Terraform's mask of a null value is false, and of an object without secrets an empty object."""
    if form is None:
        return None, False
    value = json.loads(json.dumps(form))  # a deep copy: the plan's own forms stay as they are
    for path in paths(form):
        _put(value, path, REDACTED)
    return value, _mask(value) or {}


def _put(value: JSON, path: tuple[str, ...], leaf: str) -> None:
    *parents, last = path
    for step in parents:
        child = value.get(step)
        if not isinstance(child, dict):
            child = value[step] = {}
        value = child
    value[last] = leaf


def _mask(value: Any) -> Any:
    """Terraform's sensitivity mask: true at a redacted leaf, the structure kept around it, the rest left out."""
    if isinstance(value, dict):
        return {key: sub for key, sub in ((k, _mask(v)) for k, v in value.items()) if sub}
    if isinstance(value, list):
        masks = [_mask(v) for v in value]
        return [m or False for m in masks] if any(masks) else None
    return value == REDACTED or None
