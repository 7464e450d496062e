"""The bytes uploaded are the bytes planned: hashed as they are sent, refused when they differ, and an upload
aac did not make is not trusted by its content-addressed name alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli

from aac.api.connect import connect
from aac.api.writer import Writer
from aac.commands.apply import check_uploads_unchanged
from aac.errors import AacError
from aac.identity import upload_filename
from aac.model.plan import Plan
from aac.output import Output
from aac.stack import load_stack

from .helpers import assert_converged, owned


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("edit", ["edited", "deleted"])
def test_a_saved_plan_whose_file_changed_or_vanished_is_stale_and_uploads_nothing(
        aac: Cli, client: openai.OpenAI, edit: str) -> None:
    assert aac("plan", "--out", "plan.json").code == 0
    faq = aac.root / "knowledge/faq.md"
    if edit == "edited":
        faq.write_text(faq.read_text() + "\nA new answer.\n")
    else:
        faq.unlink()
    result = aac("apply", "plan.json")
    assert result.code == 1 and "stale" in result.err and "unexpected" not in result.err
    assert "file.knowledge/faq.md" in result.err or "knowledge/faq.md" in result.err
    assert not client.files.list().data  # nothing half-done


def test_a_file_edited_after_the_plan_was_shown_is_refused_before_any_write(aac: Cli) -> None:
    assert aac("plan", "--out", "plan.json").code == 0
    plan = Plan.loads((aac.root / "plan.json").read_text())
    check_uploads_unchanged(plan, load_stack(aac.root))  # as planned: passes
    (aac.root / "data/quadratics.csv").write_text("a,b,c\n1,2,3\n")
    with pytest.raises(AacError, match="stale: data/quadratics.csv was edited"):
        check_uploads_unchanged(plan, load_stack(aac.root))


def test_bytes_that_change_while_they_are_sent_are_not_kept_under_the_planned_name(
        aac: Cli, client: openai.OpenAI) -> None:
    faq = aac.root / "knowledge/faq.md"
    planned = _sha(faq)
    faq.write_text("# Not the planned text\n")  # what the upload will stream
    stack = load_stack(aac.root)
    with (connect(stack, stack.target(None), {"AAC_APPLY_TEST_KEY": "sk-test"}, Output()) as api,
          pytest.raises(AacError, match="stale: knowledge/faq.md changed while it was applied")):
        Writer(api, "demo").upload(upload_filename("demo", planned, "knowledge/faq.md"), faq, planned,
                                   "knowledge/faq.md")
    assert not client.files.list().data  # the wrong bytes were deleted again


def test_an_upload_planted_under_the_stacks_name_is_neither_used_nor_deleted(aac: Cli, client: openai.OpenAI) -> None:
    faq = aac.root / "knowledge/faq.md"
    name = upload_filename("demo", _sha(faq), "knowledge/faq.md")
    planted = client.files.create(file=(name, b"# something else entirely\n"), purpose="assistants")
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err
    assert planted.id in result.err and "neither uses nor deletes it" in result.err
    state = owned(client)
    faq_uploads = state.uploads[_sha(faq)]
    used = {i for ids in state.attached.values() for i in ids}
    assert planted.id not in used and any(u.id in used and u.bytes == faq.stat().st_size for u in faq_uploads)
    assert client.files.retrieve(planted.id).id == planted.id  # not ours to delete
    assert aac("plan", "--detailed-exitcode").code == 0
    client.files.delete(planted.id)
    assert_converged(client)
