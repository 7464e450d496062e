"""The pure diff over in-memory states: what is a change, what is not, and which action."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from aac.errors import AacError
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.live import index_live
from aac.model.plan import Action, Plan
from aac.plan.diff import diff
from aac.resources import DesiredState, LocalFile
from plan_helpers import applied_snapshot, file_id

STACK = "demo"
SHA = {name: f"{i:x}" * 64 for i, name in enumerate(["a.csv", "faq.md", "guide.md", "notes.md", "copy.md"], 1)}
PATHS = {"a.csv": "data/a.csv", "faq.md": "kb/faq.md", "guide.md": "kb/guide.md", "notes.md": "kb2/notes.md",
         "copy.md": "kb/copy.md"}
HASHES = {PATHS[name]: SHA[name] for name in PATHS}
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
           "required": ["city"]}


def local(path: str, size: int = 100) -> LocalFile:
    return LocalFile(path=path, abspath=Path("/nonexistent") / path, size=size)


def tutor(**changes: Any) -> AssistantSpec:
    spec = AssistantSpec(
        name="tutor", display_name="Tutor", model="gpt-4o", description="Helps.", instructions="Be kind.",
        tools=({"type": "code_interpreter"}, {"type": "file_search", "file_search": {"max_num_results": 5}},
               {"type": "function", "function": {"name": "weather", "parameters": WEATHER}}),
        code_interpreter_files=("data/a.csv",), vector_store="kb", temperature=0.5, top_p=0.9,
        response_format="auto", reasoning_effort="low", metadata={"team": "edu"},
    )
    return replace(spec, **changes)


def kb(**changes: Any) -> VectorStoreSpec:
    return replace(VectorStoreSpec(name="kb", display_name="KB", files=("kb/faq.md", "kb/guide.md")), **changes)


def kb2(**changes: Any) -> VectorStoreSpec:
    return replace(VectorStoreSpec(name="kb2", display_name="KB 2", files=("kb2/notes.md",)), **changes)


def state(*specs: AssistantSpec | VectorStoreSpec, files: tuple[str, ...] | None = None) -> DesiredState:
    assistants = {s.name: s for s in specs if isinstance(s, AssistantSpec)}
    stores = {s.name: s for s in specs if isinstance(s, VectorStoreSpec)}
    wanted = {p for s in stores.values() for p in s.files}
    wanted |= {p for a in assistants.values() for p in a.code_interpreter_files}
    paths = files if files is not None else tuple(wanted)
    return DesiredState(stack=STACK, specs={"assistant": assistants, "vector_store": stores},
                        files={p: local(p) for p in paths}, manifest_digest="sha256:0")


def plan_for(desired: DesiredState, live_of: DesiredState | dict[str, Any], hashes: dict[str, str] = HASHES,
             destroy: bool = False) -> Plan:
    snapshot = live_of if isinstance(live_of, dict) else applied_snapshot(live_of, hashes)
    return diff(desired, hashes, index_live(snapshot, STACK), target="t", now="2026-11-22T10:00:00Z",
                destroy=destroy)


def actions(plan: Plan) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {c.address: (c.action.value, c.changed_fields) for c in plan.actionable}


# --- no perpetual diffs: a plan right after an apply is empty ---------------------------

APPLIED_CASES = {
    "full assistant and store": (tutor(), kb()),
    "nothing optional": (tutor(description=None, instructions=None, tools=(), code_interpreter_files=(),
                               vector_store=None, temperature=None, top_p=None, response_format=None,
                               reasoning_effort=None, metadata={}),),
    "integral floats": (tutor(temperature=1.0, top_p=1), kb()),
    "file_search with no options": (tutor(tools=({"type": "file_search"},)), kb()),
    "file_search ranking, threshold only": (
        tutor(tools=({"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.5}}},)), kb()),
    "strict function, json_schema format": (
        tutor(tools=({"type": "function", "function": {"name": "f", "strict": True, "parameters": WEATHER}},),
              response_format={"type": "json_schema", "json_schema": {"name": "out", "schema": WEATHER}}), kb()),
    "store with chunking, expiry, description, protect": (
        kb(chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}},
           expires_after={"anchor": "last_active_at", "days": 7}, description="Docs.", protect=True,
           metadata={"owner": "me"}),),
    "auto chunking spelled out": (kb(chunking_strategy={"type": "auto"}),),
    "same bytes at two paths": (kb(files=("kb/copy.md", "kb/faq.md", "kb/guide.md")),),
    "two assistants share a store": (tutor(), tutor(name="other", vector_store="kb"), kb()),
    "empty store": (kb(files=()),),
}


@pytest.mark.parametrize("specs", APPLIED_CASES.values(), ids=APPLIED_CASES.keys())
def test_a_plan_right_after_an_apply_is_empty(specs: tuple[Any, ...]) -> None:
    hashes = {**HASHES, "kb/copy.md": SHA["faq.md"]}
    desired = state(*specs)
    plan = plan_for(desired, desired, hashes)
    assert actions(plan) == {}
    assert plan.summary["no-op"] == len(plan.changes) > 0


# --- one field changed alone is an update of exactly that field -------------------------

FIELD_CASES = {
    "display_name": {"display_name": "Tutor 2"},
    "description": {"description": "Helps more."},
    "model": {"model": "gpt-4.1"},
    "instructions": {"instructions": "Be kinder."},
    "tools": {"tools": ({"type": "code_interpreter"},)},
    "temperature": {"temperature": 0.7},
    "top_p": {"top_p": None},  # unset means the API default 1, which differs from 0.9
    "response_format": {"response_format": {"type": "json_object"}},
    "metadata": {"metadata": {"team": "math"}},
    "protect": {"protect": True},
    "reasoning_effort": {"reasoning_effort": "high"},
}


@pytest.mark.parametrize("field", FIELD_CASES)
def test_one_changed_field_is_an_update_of_that_field(field: str) -> None:
    desired = state(tutor(**FIELD_CASES[field]), kb())
    plan = plan_for(desired, state(tutor(), kb()))
    assert actions(plan) == {"assistant.tutor": ("update", (field,))}


def test_a_function_schema_reformatted_is_no_change() -> None:
    reordered = {"required": ["city"], "properties": {"unit": {"enum": ["c", "f"]}, "city": {"type": "string"}},
                 "type": "object"}
    tools = ({"type": "function", "function": {"parameters": reordered, "name": "weather", "strict": False}},
             {"type": "file_search", "file_search": {"max_num_results": 5}}, {"type": "code_interpreter"})
    assert actions(plan_for(state(tutor(tools=tools), kb()), state(tutor(), kb()))) == {}


def test_a_file_search_default_left_unset_is_no_change_but_setting_one_is() -> None:
    live = state(tutor(tools=({"type": "file_search"},)), kb())
    assert actions(plan_for(state(tutor(tools=({"type": "file_search"},)), kb()), live)) == {}
    changed = tutor(tools=({"type": "file_search", "file_search": {"max_num_results": 3}},))
    assert actions(plan_for(state(changed, kb()), live)) == {"assistant.tutor": ("update", ("tools",))}


def test_write_only_field_unchanged_is_not_reported_with_a_readable_change() -> None:
    plan = plan_for(state(tutor(model="gpt-4.1"), kb()), state(tutor(), kb()))
    assert actions(plan) == {"assistant.tutor": ("update", ("model",))}
    both = plan_for(state(tutor(model="gpt-4.1", reasoning_effort="high"), kb()), state(tutor(), kb()))
    assert actions(both) == {"assistant.tutor": ("update", ("model", "reasoning_effort"))}


def test_code_interpreter_files_and_vector_store_compare_by_content_and_key() -> None:
    desired = state(tutor(code_interpreter_files=("kb/faq.md",), vector_store="kb2"), kb(), kb2(),
                    files=("data/a.csv", "kb/faq.md", "kb/guide.md", "kb2/notes.md"))
    live = state(tutor(), kb(), kb2(), files=("data/a.csv", "kb/faq.md", "kb/guide.md", "kb2/notes.md"))
    plan = plan_for(desired, live)
    assert actions(plan)["assistant.tutor"] == ("update", ("code_interpreter_files", "vector_store"))
    change = next(c for c in plan.changes if c.address == "assistant.tutor")
    assert change.before["vector_store"] == "kb" and change.after["vector_store"] == "kb2"
    assert change.after["code_interpreter_files"] == [SHA["faq.md"]]


# --- vector stores ----------------------------------------------------------------------


def test_chunking_or_description_of_a_store_replaces_it_and_says_why() -> None:
    static = {"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}}
    plan = plan_for(state(tutor(), kb(chunking_strategy=static)), state(tutor(), kb()))
    store = next(c for c in plan.changes if c.address == "vector_store.kb")
    assert store.action is Action.REPLACE and store.changed_fields == ("chunking_strategy",)
    assert "attached" in (store.reason or "")
    # the assistant must point at the rebuilt store; every file is attached to the new one
    assert actions(plan)["assistant.tutor"] == ("update", ("vector_store",))
    assert {a for a, (act, _) in actions(plan).items() if act == "create"} == {
        "vector_store_file.kb/kb/faq.md", "vector_store_file.kb/kb/guide.md"}
    described = plan_for(state(kb(description="New.")), state(kb()))
    assert actions(described) == {"vector_store.kb": ("replace", ("description",)),
                                  "vector_store_file.kb/kb/faq.md": ("create", ()),
                                  "vector_store_file.kb/kb/guide.md": ("create", ())}



def test_a_store_without_files_cannot_show_its_chunking_so_a_change_of_it_is_found_through_the_tag() -> None:
    """Chunking is reported per attached file: a store with none has none to show (the kind's `untold`)."""
    static = {"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}}
    empty = kb(files=(), chunking_strategy=static)
    assert actions(plan_for(state(empty), state(empty))) == {}
    wider = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 100}}
    plan = plan_for(state(kb(files=(), chunking_strategy=wider)), state(empty))
    # The tag tells that some unreadable field changed, not which: each one the manifest has is named.
    assert actions(plan) == {"vector_store.kb": ("replace", ("description", "chunking_strategy"))}

def test_an_expired_store_is_rebuilt_and_its_files_attached_again() -> None:
    snapshot = applied_snapshot(state(tutor(), kb()), HASHES)
    snapshot["vector_stores"][0]["status"] = "expired"
    plan = plan_for(state(tutor(), kb()), snapshot)
    assert actions(plan) == {"vector_store.kb": ("replace", ()), "assistant.tutor": ("update", ("vector_store",)),
                             "vector_store_file.kb/kb/faq.md": ("create", ()),
                             "vector_store_file.kb/kb/guide.md": ("create", ())}
    assert "expired" in (next(c for c in plan.changes if c.address == "vector_store.kb").reason or "")


def test_store_name_expiry_metadata_update_in_place() -> None:
    expiry = {"anchor": "last_active_at", "days": 3}
    plan = plan_for(state(kb(display_name="KB!", expires_after=expiry, metadata={"a": "b"})), state(kb()))
    assert actions(plan) == {"vector_store.kb": ("update", ("display_name", "expires_after", "metadata"))}


# --- files and attachments --------------------------------------------------------------


def test_bytes_changed_at_the_same_path_upload_anew_and_delete_the_old_upload() -> None:
    hashes = {**HASHES, "kb/faq.md": "f" * 64}
    snapshot = applied_snapshot(state(kb()), HASHES)
    plan = plan_for(state(kb()), snapshot, hashes)
    old = SHA["faq.md"][:12]
    assert actions(plan) == {
        "file.kb/faq.md": ("create", ()),
        f"file.kb/faq.md@{old}": ("delete", ()),
        "vector_store_file.kb/kb/faq.md": ("create", ()),
        f"vector_store_file.kb/kb/faq.md@{old}": ("delete", ()),
    }
    assert plan.cost.files_bytes_freed == 100


def test_a_file_removed_is_detached_and_its_upload_deleted() -> None:
    plan = plan_for(state(kb(files=("kb/guide.md",))), state(kb()))
    assert actions(plan) == {"file.kb/faq.md": ("delete", ()), "vector_store_file.kb/kb/faq.md": ("delete", ())}
    deleted = next(c for c in plan.changes if c.address == "file.kb/faq.md")
    assert deleted.before == {"id": file_id(SHA["faq.md"]), "filename": f"aac.demo.{SHA['faq.md']}.faq.md",
                              "bytes": 100}
    assert plan.cost.storage_bytes_before == 200 and plan.cost.storage_bytes_after == 100


def test_a_file_moved_with_the_same_bytes_is_not_uploaded_again() -> None:
    hashes = {**HASHES, "kb/moved/faq.md": SHA["faq.md"]}
    plan = plan_for(state(kb(files=("kb/guide.md", "kb/moved/faq.md"))), applied_snapshot(state(kb()), HASHES),
                    hashes)
    assert actions(plan) == {"vector_store_file.kb/kb/moved/faq.md": ("update", ("path",))}
    moved = next(c for c in plan.changes if c.address == "file.kb/moved/faq.md")
    assert moved.action is Action.NOOP and moved.id == file_id(SHA["faq.md"])


def test_identical_bytes_at_two_paths_are_uploaded_once() -> None:
    hashes = {**HASHES, "kb/copy.md": SHA["faq.md"]}
    plan = plan_for(state(kb(files=("kb/copy.md", "kb/faq.md"))), {}, hashes)
    creates = [a for a, (act, _) in actions(plan).items() if act == "create" and a.startswith("file.")]
    assert creates == ["file.kb/copy.md"]


def test_a_failed_attachment_is_replaced_with_the_reason() -> None:
    snapshot = applied_snapshot(state(kb()), HASHES)
    failed = snapshot["vector_store_files"]["vs_kb"][0]
    failed.update(status="failed", last_error={"code": "invalid_file", "message": "cannot parse"})
    plan = plan_for(state(kb()), snapshot)
    change = next(c for c in plan.changes if c.action is Action.REPLACE)
    assert change.kind == "vector_store_file" and change.reason == "indexing failed: cannot parse"



def test_the_storage_estimate_starts_from_the_store_and_prices_new_text_by_its_chunks() -> None:
    hashes = {**HASHES, "kb/faq.md": "f" * 64}
    snapshot = applied_snapshot(state(kb()), HASHES)
    snapshot["vector_stores"][0]["usage_bytes"] = 5000  # the store's own figure wins over its files' sum
    plan = plan_for(state(kb()), snapshot, hashes)
    # faq.md's new bytes (100 B: one chunk, plus a 1 KiB embedding) replace the old attachment's 100 B
    assert (plan.cost.storage_bytes_before, plan.cost.storage_bytes_after) == (5000, 5000 - 100 + 100 + 1024)


def test_an_attachment_still_indexing_or_failed_is_priced_as_it_will_be() -> None:
    snapshot = applied_snapshot(state(kb()), HASHES)
    indexing, failed = snapshot["vector_store_files"]["vs_kb"]
    indexing.update(status="in_progress", usage_bytes=0)
    failed.update(status="failed", usage_bytes=0, last_error={"code": "server_error", "message": "x"})
    snapshot["vector_stores"][0]["usage_bytes"] = 0
    plan = plan_for(state(kb()), snapshot)
    assert plan.cost.storage_bytes_after == 2 * (100 + 1024)

# --- deletes, protection, ownership, destroy --------------------------------------------


def test_an_assistant_removed_is_deleted_but_a_protected_one_is_kept_with_its_files() -> None:
    live = state(tutor(), tutor(name="keeper", protect=True, code_interpreter_files=("kb/guide.md",)), kb())
    plan = plan_for(state(kb()), live)
    # a code-interpreter upload records only its basename: the delete is named by it
    assert actions(plan) == {"assistant.tutor": ("delete", ()), "file.data/a.csv": ("delete", ())}
    keeper = next(c for c in plan.changes if c.address == "assistant.keeper")
    assert keeper.action is Action.NOOP and keeper.reason == "protected"
    assert any("assistant.keeper is protected" in w for w in plan.warnings)


def test_destroy_deletes_everything_the_stack_owns_except_protected() -> None:
    live = state(tutor(), kb(), kb2(protect=True))
    plan = plan_for(state(tutor(), kb(), kb2()), live, destroy=True)
    assert plan.mode == "destroy"
    assert actions(plan) == {
        "assistant.tutor": ("delete", ()), "vector_store.kb": ("delete", ()),
        "file.data/a.csv": ("delete", ()), "file.kb/faq.md": ("delete", ()), "file.kb/guide.md": ("delete", ()),
    }
    assert {c.reason for c in plan.actionable} == {"destroy deletes everything the stack owns"}


def test_objects_of_another_stack_or_nobody_are_never_touched() -> None:
    other = applied_snapshot(replace(state(tutor(), kb()), stack="other"), HASHES)
    other["assistants"].append({"id": "asst_hand", "name": "tutor", "model": "gpt-4o", "metadata": {}})
    plan = plan_for(state(tutor(), kb()), other)
    assert {c.action for c in plan.changes} == {Action.CREATE}
    assert all(c.id is None for c in plan.changes)
    assert index_live(other, STACK).foreign == {"assistants": 2, "vector_stores": 1, "files": 3}


def test_two_live_objects_with_one_key_is_an_error_naming_both() -> None:
    snapshot = applied_snapshot(state(tutor(), kb()), HASHES)
    snapshot["assistants"].append({**snapshot["assistants"][0], "id": "asst_twin"})
    with pytest.raises(AacError) as raised:
        index_live(snapshot, STACK)
    assert "asst_tutor" in raised.value.message and "asst_twin" in raised.value.message
    assert "aac-key" in (raised.value.hint or "")


def test_every_change_on_a_live_object_carries_its_fingerprint_and_the_plan_is_sorted() -> None:
    plan = plan_for(state(tutor(model="x"), kb(files=("kb/guide.md",))), state(tutor(), kb()))
    assert all(c.live_fingerprint for c in plan.changes if c.id)
    assert [c.address for c in plan.changes] == sorted(c.address for c in plan.changes)
    assert Plan.loads(plan.dumps()) == plan


# --- uploads named by id (file_ids, code_interpreter_ids) -------------------------------


def test_an_upload_named_by_id_is_attached_as_it_is_and_never_deleted() -> None:
    snapshot = applied_snapshot(state(tutor(), kb()), HASHES)
    snapshot["files"].append({"id": "file-imported", "filename": "policy.pdf", "bytes": 5, "purpose": "assistants"})
    plan = plan_for(state(tutor(), kb(file_ids=("file-imported",))), snapshot)
    assert actions(plan) == {"vector_store_file.kb/file-imported": ("create", ())}
    snapshot["vector_store_files"]["vs_kb"].append({"id": "file-imported", "status": "completed", "attributes": {}})
    assert actions(plan_for(state(tutor(), kb(file_ids=("file-imported",))), snapshot)) == {}


def test_this_stacks_own_upload_named_by_id_compares_by_content_and_is_kept() -> None:
    own = file_id(SHA["faq.md"])
    # the manifest now names faq.md's upload by id instead of by path, in the store and in the assistant
    desired = state(tutor(code_interpreter_files=(), code_interpreter_ids=(own,)),
                    kb(files=("kb/guide.md",), file_ids=(own,)), files=("kb/guide.md",))
    live = applied_snapshot(state(tutor(code_interpreter_files=("kb/faq.md",)), kb()), HASHES)
    assert actions(plan_for(desired, live)) == {}


def test_a_store_listed_short_of_its_own_count_is_neither_attached_to_nor_detached_from() -> None:
    snapshot = applied_snapshot(state(kb(files=("kb/faq.md",)), kb2()), HASHES)
    snapshot["unread"] = {"vs_kb": 3}  # its file_counts said 4; the listing returned 1

    plan = plan_for(state(kb(), kb2(files=())), snapshot)

    assert actions(plan) == {"vector_store_file.kb2/kb2/notes.md": ("delete", ()),
                             "file.kb/guide.md": ("create", ()), "file.kb2/notes.md": ("delete", ())}
    assert plan.warnings == ("vector_store.kb (vs_kb): the server listed 1 of its 4 files, an incomplete read, so "
                             "this plan neither attaches nor detaches its files; plan again, and see docs/servers.md "
                             "for this server if it persists",)


# --- a target without the Assistants API: assistants are configuration ------------------


def test_without_assistants_the_code_interpreter_uploads_stay_and_one_note_names_the_assistants() -> None:
    desired = state(tutor(), kb())
    snapshot = {**applied_snapshot(desired, HASHES), "assistants": None}
    plan = plan_for(desired, snapshot)
    assert actions(plan) == {}  # data/a.csv is used by no store, and kept: the container's file
    assert plan.changes[[c.address for c in plan.changes].index("file.data/a.csv")].action is Action.NOOP
    assert plan.notes == ("1 assistant (tutor) is configuration on this target, which has no Assistants API: "
                          "their files and vector stores are provisioned; `aac output --format responses` gives "
                          "their Responses API request fields",)
    many = state(*(tutor(name=f"t{i}") for i in range(7)), kb())
    assert "7 assistants (t0, t1, t2, t3, t4 and 2 more) are configuration" in plan_for(many, snapshot).notes[0]
    assert plan_for(desired, snapshot, destroy=True).notes == ()
    assert plan_for(desired, desired).notes == ()
