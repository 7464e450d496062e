"""The comment `aac import` writes for the attributes of files attached by id holds what the server returned as
data: an attachment's id or an attribute with any line break YAML or a terminal knows cannot end the comment and
become manifest content, and an attribute named for a credential (or holding a token) keeps its value out of git.

The hostile values are planted in the sandbox's store, as a hostile server would answer them.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest
from tests.cli_harness import Cli
from tests.test_hostile_names import BREAKS

from aac.desired import load_desired
from aac.stack import load_stack

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "ghp_" + "Attr0123456789abcdefABCDEFghijklmn"
INJECTED = "expires_after: {anchor: last_active_at, days: 1}"


def _attached(client: openai.OpenAI, attributes: dict[str, Any]) -> tuple[str, str]:
    upload = client.files.create(file=("notes.md", b"# Notes\n"), purpose="assistants")
    store = client.vector_stores.create(name="Hand-made KB")
    client.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=upload.id, attributes=attributes)
    return store.id, upload.id


@pytest.mark.parametrize("brk", list(BREAKS.values()), ids=list(BREAKS))
def test_attribute_values_with_line_breaks_stay_in_the_comment_and_the_manifest_loads_back(
        aac: Cli, client: openai.OpenAI, sandbox: Any, brk: str) -> None:
    store_id, file_id = _attached(client, {"team": "support"})
    attached = sandbox.store.get("vs_file", file_id, store_id)
    assert attached is not None  # the API takes no break in a value; a hostile server returns one
    sandbox.store.put("vs_file", {**attached, "attributes": {
        "team": f"support{brk}{INJECTED}", f"k{brk}{INJECTED}": "v", "api_key": TOKEN, "note": f"Bearer {TOKEN}"}},
        store_id)

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    text = "".join(p.read_text("utf-8") for p in (aac.root / "assistants/imported").glob("*.yaml"))
    assert TOKEN[4:24] not in text and '"api_key": "[REDACTED]"' in text
    comments = [line for line in text.splitlines() if "support" in line]
    assert comments and all(line.startswith("#   file-") for line in comments), text
    desired, problems = load_desired(load_stack(aac.root))
    assert [p for p in problems if p.severity == "error"] == []
    (spec,) = desired.vector_stores.values()
    assert (spec.expires_after, list(spec.file_ids)) == (None, [file_id]), text  # no comment line became content


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\x85", "\u2028", "\x1c"], ids=["LF", "CRLF", "NEL", "LS", "FS"])
def test_an_attachment_whose_id_is_no_plain_id_is_refused_and_nothing_is_written(
        aac: Cli, client: openai.OpenAI, sandbox: Any, brk: str) -> None:
    store_id, file_id = _attached(client, {"team": "support"})
    attached = sandbox.store.get("vs_file", file_id, store_id)
    assert attached is not None
    sandbox.store.delete("vs_file", file_id, store_id)
    sandbox.store.insert("vs_file", {**attached, "id": f"{file_id}{brk}{INJECTED}"}, store_id)

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 1 and not (aac.root / "assistants/imported").exists()
    error, hint = result.err.splitlines()[-2:]
    assert error.startswith("error: ") and "not a plain id" in error and hint.startswith("hint: "), result.err
