"""The manifest for an imported vault, with its credentials, written so the next plan compares them equal to
what is live (the credentials' secrets, which cannot be read, named by variable: aac.kinds.credential.importer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.kinds.credential.importer import render_credential
from aac.manifest.writing import Source, display_name, dump, header, put_metadata, unknown_comment

JSON = dict[str, Any]


def render_vault(src: Source, raw: Mapping[str, Any], key: str, credentials: list[tuple[JSON, str]],
                 variables: set[str]) -> str:
    """The vault and its credentials (`credentials`: each live credential with its key VAULT/CREDENTIAL);
    `variables` holds the environment variable names taken so far, and gains this vault's."""
    data: JSON = {"kind": "vault", "name": key}
    display_name(data, raw, key)
    put_metadata(data, raw, src.reserved)
    comments = header(src, "vault", key, raw)
    exports: list[str] = []
    items = []
    for credential, credential_key in credentials:
        comments.append(header(src, "credential", credential_key, credential)[-1])
        item, sources = render_credential(src, credential, credential_key, variables)
        items.append(item)
        exports += [f"#   {variable}  ({path} of credential {item['name']})" for path, variable in sources]
    if items:
        data["credentials"] = items
    if exports:
        comments += ["# Secrets are write-only: the API never returns them, so none was imported. Each `*_env` field",
                     "# names the environment variable aac reads the secret from. Nothing needs it to adopt the vault,",
                     "# but export each one before the next rotation (a `version` bump) or re-creation:", *exports]
    return "\n".join(comments + unknown_comment(data)) + "\n" + dump(data)
