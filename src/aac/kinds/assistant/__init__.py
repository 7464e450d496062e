"""The assistant (Assistants API v2): model, instructions, tools, code-interpreter files, one vector store.

It names its vector store by key and its code-interpreter files by content. On a target without the
Assistants API (OpenAI since 2026-08-26) an assistant is configuration: its files and store are
provisioned, and `aac output --format responses` gives its request fields. On a Microsoft Foundry target
it is a prompt agent (aac.kinds.assistant.foundry): read back as an assistant, so it compares alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aac.errors import AacError, AssistantsUnavailable
from aac.kinds.assistant import canonical as forms
from aac.kinds.assistant import foundry
from aac.kinds.assistant.canonical import code_file_ids_of, store_ids_of
from aac.kinds.assistant.checks import check_assistant, check_names, check_references
from aac.kinds.assistant.importer import render_assistant
from aac.kinds.assistant.manifest import normalize_assistant
from aac.kinds.assistant.spec import AssistantSpec
from aac.kinds.base import (
    JSON,
    Importable,
    Kind,
    OptionalApi,
    Rebuilds,
    References,
    ServerDefaults,
    WriteOnlyFields,
)
from aac.model.plan import Action, Change
from aac.resources import ASSISTANT, VECTOR_STORE, LiveObject, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.steps import ImportRun, StepBuilder


class Assistant(ServerDefaults, WriteOnlyFields, References, Rebuilds, OptionalApi, Importable, Kind):
    name = ASSISTANT
    label = "assistant"
    collection = "assistants"
    id_prefix = "asst_"
    unavailable_error = AssistantsUnavailable
    configuration_note = ("{objects} configuration on this target, which has no Assistants API: their files and "
                          "vector stores are provisioned; `aac output --format responses` gives their Responses "
                          "API request fields")
    unserved_by = frozenset()  # a prompt agent on a foundry target
    refs_field = VECTOR_STORE
    write_only = ("reasoning_effort",)

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        """The assistant, and its own vector store when it lists `files.file_search`."""
        spec, own_store = normalize_assistant(ctx, doc)
        check_assistant(ctx, spec, doc.data, doc.line_of("files", "code_interpreter"))
        if spec.foundry:
            foundry.check_spec(ctx, spec, doc.data, doc.line_of)
        yield ASSISTANT, spec
        if own_store is not None:
            yield VECTOR_STORE, own_store

    def check(self, ctx: LoadContext, specs: Mapping[str, list[Any]]) -> None:
        """An assistant's own store against the vector_store manifests: names, and who may use it."""
        check_names(ctx, specs[VECTOR_STORE])
        stores: dict[str, Any] = {}
        for store in specs[VECTOR_STORE]:
            stores.setdefault(store.name, store)
        check_references(ctx, specs[ASSISTANT], dict(sorted(stores.items())))
        foundry.check_names(ctx, ctx.stack, [spec for spec in specs[ASSISTANT] if spec.foundry])

    field_order = ("display_name", "description", "model", "instructions", "tools", "code_interpreter_files",
                   "vector_store", "temperature", "top_p", "response_format", "reasoning_effort", "metadata",
                   "latest_version")
    file_lists = frozenset({"code_interpreter_files"})

    def paths(self, spec: AssistantSpec) -> tuple[str, ...]:
        return spec.code_interpreter_files

    def upload_ids(self, spec: AssistantSpec) -> tuple[str, ...]:
        return spec.code_interpreter_ids

    def read(self, reader: Reader) -> list[JSON]:
        agents = reader.prompt_agents()
        if agents is not None:  # a foundry target: its prompt agents
            from aac.kinds.assistant import foundry_apply

            return foundry_apply.read(reader, agents)
        return reader.assistants()

    def canonical(self, spec: AssistantSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        form = forms.canonical(spec, hashes, live)
        return {**form, "latest_version": foundry.BY_AAC} if spec.foundry else form

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        form = forms.canonical_live_assistant(obj, state)
        if not foundry.is_view(obj.raw):
            return form
        view = obj.raw[foundry.VIEW]
        # A prompt agent has no display name: the manifest may set none there (foundry.check_spec).
        return {**form, "display_name": obj.key,
                "latest_version": foundry.latest_version_by(view["by_aac"], view["version"])}

    def align(self, desired: JSON, live: JSON) -> JSON:
        return forms.align(desired, live)

    def applied_variants(self, as_applied: JSON, live: JSON) -> Iterator[JSON]:
        return forms.applied_variants(as_applied, live)

    def write_only_candidates(self, want: JSON) -> Iterator[JSON]:
        return forms.write_only_candidates(want)

    def refs(self, spec: AssistantSpec) -> tuple[tuple[str, str], ...]:
        return ((VECTOR_STORE, spec.vector_store),) if spec.vector_store else ()

    def live_refs(self, raw: Mapping[str, Any]) -> tuple[str, ...]:
        return (*store_ids_of(raw), *code_file_ids_of(raw))

    def readable(self, form: JSON, labels: Mapping[str, str]) -> JSON:
        return forms.readable(form, labels)

    def taken(self, stack: str, key: str, spec: AssistantSpec, state: LiveState) -> AacError | None:
        """On Foundry, an agent this stack does not own that has the name a new one would have."""
        name = foundry.agent_name(stack, key) if spec.foundry else None
        if name is None or name not in state.foreign_ids.get(ASSISTANT, frozenset()):
            return None
        return foundry.name_taken(name, key, "this stack does not own")

    def adjust(self, change: Change, obj: LiveObject | None) -> Change:
        """On Foundry an update is a new version: the plan says which."""
        if obj is None or change.action is not Action.UPDATE or not foundry.is_view(obj.raw):
            return change
        version = foundry.version_of(obj.raw)
        said = f"new version {version} -> {int(version) + 1}" if version.isdigit() else "new version"
        return replace(change, reason="; ".join(r for r in (said, change.reason) if r))

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        if b.ctx.writer.api.foundry is not None:
            from aac.kinds.assistant import foundry_apply

            foundry_apply.steps(b, changes)
            return
        from aac.kinds.assistant import apply  # with the SDK: only commands that write load it

        apply.steps(b, changes)

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        if b.ctx.writer.api.foundry is not None:
            from aac.kinds.assistant import foundry_apply

            foundry_apply.deletes(b, changes)
            return
        from aac.kinds.assistant import apply

        apply.deletes(b, changes)

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        if foundry.is_view(obj.raw):  # a retag: a new version of the same definition with these tags
            from aac.kinds.assistant import foundry_apply

            return foundry_apply.new_version(writer, obj.raw, obj.raw[foundry.VIEW]["definition"],
                                             body["metadata"])
        from aac.kinds.assistant import wire

        return wire.update(writer, obj.id, body)

    def outputs(self, raw: Mapping[str, Any]) -> JSON:
        if foundry.is_view(raw):
            view = raw[foundry.VIEW]
            return {"agent_name": view["agent"], "version": view["version"], "vector_store_ids": store_ids_of(raw)}
        return {"vector_store_ids": store_ids_of(raw)}

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        key = run.claim(ASSISTANT, raw, "assistant")
        if foundry.is_view(raw):  # its key, not its agent's name: a prompt agent has no display name
            raw = {**raw, "name": key}
        if run.fresh(raw):
            run.add(key, render_assistant(run.src, raw, key, run.written, run.schemas, run.keys_by_id))


KIND = Assistant()
