"""`aac schema`: print the manifest JSON Schema, exactly as shipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aac.manifest.schema import schema_text

if TYPE_CHECKING:
    from aac.commands import App


def run(app: App) -> int:
    app.out.document(schema_text())
    return 0
