"""`kind: vault` documents (already shape-checked) into a VaultSpec and the CredentialSpecs it declares."""

from __future__ import annotations

from aac.kinds.credential.manifest import api_name, load_credential
from aac.kinds.credential.spec import CredentialSpec
from aac.kinds.vault.spec import VaultSpec
from aac.manifest.context import LoadContext
from aac.manifest.yaml_load import Document
from aac.resources import Source


def normalize_vault(ctx: LoadContext, doc: Document) -> tuple[VaultSpec, list[CredentialSpec]]:
    data = doc.data
    name = data["name"]
    credentials: list[CredentialSpec] = []
    first: dict[str, int] = {}
    for index, item in enumerate(data.get("credentials") or ()):
        line = doc.line_of("credentials", index, "name")
        if item["name"] in first:
            ctx.error(doc.path, line, f"vault {name!r} declares credential {item['name']!r} twice "
                      f"(first on line {first[item['name']]})", "give each credential of a vault its own name")
            continue
        first[item["name"]] = line
        credentials.append(load_credential(ctx, doc, index, item))
    vault = VaultSpec(
        name=name,
        display_name=api_name(ctx, doc, ("display_name",), data.get("display_name", name)),
        metadata=dict(data.get("metadata") or {}),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
        credentials=tuple(sorted(c.key for c in credentials)),
    )
    return vault, credentials
