"""The environment template (OpenAI's Agents API, beta): reusable configuration for a hosted environment.

A template has no metadata, so aac keeps its tags in the template's `name` (aac.kinds.environment_template
.identity): `aac:STACK:KEY:SPEC[:vN][:protect]`. A template with any other name was made by hand: aac never
reads it as the stack's, never changes or deletes it, and `aac import` can adopt it (renaming it). Its `env`
values and `setup_commands` are confidential: the manifest names the environment variable holding each one
(`value_env`, `command_env`), apply reads it only to build the request, and no read returns it; a `version`
bump sends them again, as a credential's does for its secret.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aac.kinds.base import JSON, Importable, Kind, OptionalApi, WriteOnlyFields
from aac.kinds.environment_template import apply, canonical, identity, importer, wire
from aac.kinds.environment_template.spec import KIND_NAME, TemplateSpec, load
from aac.model.plan import Change
from aac.resources import DesiredState, LiveObject, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader
    from aac.api.writer import Writer
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document
    from aac.model.steps import ImportRun, StepBuilder

__all__ = ["KIND", "TemplateSpec"]


class EnvironmentTemplate(WriteOnlyFields, OptionalApi, Importable, Kind):
    name = KIND_NAME
    label = "environment template"
    collection = "environment_templates"
    id_prefix = "envtmpl_"
    unavailable_error = wire.TemplatesUnavailable
    write_only = canonical.WRITE_ONLY

    def load(self, ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
        yield KIND_NAME, load(ctx, doc)

    def read(self, reader: Reader) -> list[JSON]:
        return wire.read_all(reader)

    def tags(self, raw: Mapping[str, Any]) -> Mapping[str, Any]:
        return identity.decode(raw.get("name"))

    def tagged(self, obj: LiveObject, tags: Mapping[str, str]) -> JSON:
        return {"name": identity.encode(tags)}

    def canonical(self, spec: TemplateSpec, hashes: Mapping[str, str], live: LiveState) -> JSON:
        return canonical.canonical(spec)

    def canonical_live(self, obj: LiveObject, state: LiveState) -> JSON:
        return canonical.canonical_live(obj, state)

    def extra_tags(self, spec: TemplateSpec) -> dict[str, str]:
        return apply.extra_tags(spec)

    def preflight(self, change: Change, desired: DesiredState, environ: Mapping[str, str]) -> None:
        apply.preflight(change, desired, environ)

    def steps(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        apply.steps(b, changes)

    def deletes(self, b: StepBuilder, changes: Mapping[str, Change]) -> None:
        apply.deletes(b, changes)

    def update(self, writer: Writer, obj: LiveObject, body: JSON) -> Any:
        return wire.update(writer, obj.id, body)

    def ready(self, b: StepBuilder, key: str) -> tuple[str | None, ...]:
        return (b.has(f"settle:{KIND_NAME}"),)

    def import_manifest(self, run: ImportRun, raw: Mapping[str, Any]) -> None:
        key = run.claim(KIND_NAME, raw, "environment-template")
        if run.fresh(raw):
            run.add(key, importer.render(run.src, raw, key))


KIND = EnvironmentTemplate()
