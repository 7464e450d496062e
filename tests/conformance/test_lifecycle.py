"""A stack's whole life through the CLI, checked against what the server itself lists through the SDK.

One test, because each step starts from the state the previous one left: validate, plan, apply, an empty plan,
retrieval checks (the server's own search finds each PDF by its text), attributes set, changed in place and
filtered on by a check, changed bytes, a moved file, a removed manifest, a file attached by hand then drift,
import, output, destroy. It runs against the sandbox in the
normal suite and against a real Llama Stack-family server in CI (see conftest.py); every message names the
step, so a failure on a real server says where it went wrong.
"""

from __future__ import annotations

from pathlib import Path

import openai
import yaml
from tests.cli_harness import Cli, Result

from .server_view import sha256_of, stores, uploads

MANIFESTS = {
    "support.yaml": "kind: vector_store\nname: support-kb\nfiles: [../knowledge/**/*.md, ../knowledge/hours.txt]\n",
    "policies.yaml": "kind: vector_store\nname: policies\nfiles: [../knowledge/policies/*.pdf]\nchecks:\n"
    "  - {query: How long is the warranty?, expect: [knowledge/policies/warranty.pdf], within: 1}\n"
    "  - {query: How long does standard shipping take?, expect: [knowledge/policies/shipping-and-returns.pdf], "
    "within: 1}\n",
    "scratch.yaml": "kind: vector_store\nname: scratch\nfiles: [../knowledge/faq.md]\n",
}
SUPPORT = {"knowledge/faq.md", "knowledge/guides/getting-started.md", "knowledge/hours.txt"}
POLICIES = {"knowledge/policies/shipping-and-returns.pdf", "knowledge/policies/warranty.pdf"}


def run(aac: Cli, step: str, *args: str, expect: int = 0) -> Result:
    result = aac(*args)
    command = f"aac {' '.join(args)}"
    assert result.code == expect, f"{step}: `{command}` exited {result.code}, not {expect}\n{result.out}{result.err}"
    return result


def converge(aac: Cli, step: str) -> None:
    """Apply, then prove it took: the next plan is empty."""
    run(aac, step, "apply", "--auto-approve")
    run(aac, f"{step}, then an empty plan", "plan", "--detailed-exitcode")


def assert_stack(sdk: openai.OpenAI, aac: Cli, stack: str, step: str, expected: dict[str, set[str]]) -> None:
    """The server lists exactly these stores, each with exactly these paths, indexed, of exactly these bytes."""
    live = stores(sdk, stack)
    assert {key: live[key].paths() for key in live} == expected, f"{step}: the server's stores and files"
    contents = uploads(sdk, stack)
    for key, store in live.items():
        assert store.counted == len(store.attachments), f"{step}: {key}'s file_counts against its file list"
        for attachment in store.attachments:
            assert attachment.status == "completed", f"{step}: {key} holds {attachment.path} {attachment.status}"
            local = aac.root / str(attachment.path)
            assert contents.get(attachment.file_id) == sha256_of(local), f"{step}: {attachment.path}'s bytes"


def test_lifecycle(aac: Cli, sdk: openai.OpenAI, stack_name: str) -> None:
    manifests = aac.root / "assistants"
    for name, text in MANIFESTS.items():
        (manifests / name).write_text(text, encoding="utf-8")
    run(aac, "validate", "validate")
    assert "+ vector_store.policies" in run(aac, "first plan", "plan", "--detailed-exitcode", expect=2).out

    converge(aac, "apply")
    assert_stack(sdk, aac, stack_name, "apply", {"support-kb": SUPPORT, "policies": POLICIES,
                                                  "scratch": {"knowledge/faq.md"}})
    run(aac, "drift after apply", "drift")
    run(aac, "retrieval checks: the PDFs' text was indexed, and the server's search finds it", "check")
    attributes_and_filters(aac, sdk, stack_name)

    hours = aac.root / "knowledge" / "hours.txt"
    old_hours = sha256_of(hours)
    hours.write_text("Support hours: 8 to 18, Monday to Saturday.\n", encoding="utf-8")
    converge(aac, "changed bytes")
    assert old_hours not in uploads(sdk, stack_name).values(), "changed bytes: the old upload is still there"
    assert_stack(sdk, aac, stack_name, "changed bytes", {"support-kb": SUPPORT, "policies": POLICIES,
                                                          "scratch": {"knowledge/faq.md"}})

    moved_from, moved_to = aac.root / "knowledge/guides/getting-started.md", aac.root / "knowledge/start-here.md"
    upload_ids = set(uploads(sdk, stack_name))
    moved_from.rename(moved_to)
    converge(aac, "moved file")
    assert set(uploads(sdk, stack_name)) == upload_ids, "moved file: same bytes, yet the uploads changed"
    support = SUPPORT - {"knowledge/guides/getting-started.md"} | {"knowledge/start-here.md"}
    assert_stack(sdk, aac, stack_name, "moved file", {"support-kb": support, "policies": POLICIES,
                                                       "scratch": {"knowledge/faq.md"}})

    (manifests / "scratch.yaml").unlink()
    converge(aac, "removed manifest")
    assert_stack(sdk, aac, stack_name, "removed manifest", {"support-kb": support, "policies": POLICIES})

    hand_attached_file(aac, sdk, stack_name, support)
    imported = import_hand_made_store(aac, sdk, stack_name)
    check_output(aac, sdk, stack_name)

    run(aac, "destroy", "destroy", "--auto-approve")
    assert stores(sdk, stack_name) == {}, "destroy: stores of the stack are left"
    assert uploads(sdk, stack_name) == {}, "destroy: uploads of the stack are left"
    for file_id in imported:  # aac never deletes an upload it did not make; the test cleans up after itself
        sdk.files.delete(file_id)


ATTRIBUTED = ("kind: vector_store\nname: policies\nfiles:\n"
              "  - {path: ../knowledge/policies/warranty.pdf, attributes: {topic: warranty, year: YEAR}}\n"
              "  - {path: ../knowledge/policies/shipping-and-returns.pdf, attributes: {topic: shipping, year: 2024}}\n"
              "checks:\n"
              "  - {query: How long is the warranty?, expect: [knowledge/policies/warranty.pdf], within: 1}\n"
              # The warranty's own question, searched among the shipping documents only: the warranty must
              # not come back, the shipping policy must.
              "  - {query: How long is the warranty?, expect: [knowledge/policies/shipping-and-returns.pdf],\n"
              "     absent: [knowledge/policies/warranty.pdf], within: 2,\n"
              "     filters: {type: and, filters: [{type: eq, key: topic, value: shipping},"
              " {type: gte, key: year, value: 2024}]}}\n")


def attributes_and_filters(aac: Cli, sdk: openai.OpenAI, stack: str) -> None:
    """Attributes set in a manifest are on the attachments, a filter applies, a change is updated in place.

    A store of its own, whose files carry their attributes from the first attach: llama-stack and ogx filter
    search on the attributes a file had when it was attached, never on a later update (README: Servers).
    """
    manifest = aac.root / "assistants" / "filtered.yaml"
    manifest.write_text(ATTRIBUTED.replace("policies", "filtered", 1).replace("YEAR", "2024"), encoding="utf-8")
    converge(aac, "attributes")
    ids = set(uploads(sdk, stack))
    assert attributes(sdk, stack)["knowledge/policies/warranty.pdf"] == {"topic": "warranty", "year": 2024}, \
        "attributes: the server's attachment"
    report = run(aac, "a filtered check", "check", "--format", "json").json()
    filtered = [c for c in report["checks"] if c["vector_store"] == "filtered" and c["search"]]
    assert [c["ranked"] for c in filtered] == [["knowledge/policies/shipping-and-returns.pdf"]], \
        f"a filtered check: {filtered}"

    manifest.write_text(ATTRIBUTED.replace("policies", "filtered", 1).replace("YEAR", "2025"), encoding="utf-8")
    plan = run(aac, "an attribute changed", "plan", "--detailed-exitcode", expect=2).out
    assert "  ~ vector_store_file \"filtered/knowledge/policies/warranty.pdf\" {" in plan and \
        "~ attributes.year = 2024 -> 2025" in plan, f"an attribute changed: an update in place\n{plan}"
    store = sdk.vector_stores.retrieve(stores(sdk, stack)["filtered"].id)
    llama_family = "provider_id" in (store.metadata or {})  # the server's own keys: llama-stack or ogx
    assert ("search keeps filtering on the attributes the file had when it was attached" in plan) == llama_family, \
        f"an attribute changed: the plan says what search will see\n{plan}"
    converge(aac, "an attribute changed")
    assert attributes(sdk, stack)["knowledge/policies/warranty.pdf"]["year"] == 2025, "an attribute changed"
    assert set(uploads(sdk, stack)) == ids, "an attribute changed: nothing uploaded again"
    manifest.unlink()
    converge(aac, "the filtered store removed")


def attributes(sdk: openai.OpenAI, stack: str) -> dict[str, dict[str, object]]:
    """The filtered store's attachments by path: the attributes the manifest set (aac's own left out)."""
    store = stores(sdk, stack)["filtered"]
    return {str((f.attributes or {}).get("aac-path")): {k: v for k, v in (f.attributes or {}).items()
                                                        if not k.startswith("aac-")}
            for f in sdk.vector_stores.files.list(vector_store_id=store.id, limit=100)}


def hand_attached_file(aac: Cli, sdk: openai.OpenAI, stack: str, support: set[str]) -> None:
    """A file attached by hand is drift (exit 2) naming its store; the next apply detaches it."""
    store = stores(sdk, stack)["support-kb"]
    upload = sdk.files.create(file=("by-hand.md", b"# Added by hand\nNot in any manifest.\n"), purpose="assistants")
    sdk.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=upload.id)
    report = run(aac, "drift after a hand edit", "drift", expect=2)
    assert "support-kb" in report.out, f"drift after a hand edit: the report does not name the store\n{report.out}"
    converge(aac, "apply after a hand edit")
    run(aac, "drift after a hand edit is undone", "drift")
    assert stores(sdk, stack)["support-kb"].paths() == support, "a hand edit undone: support-kb's files"
    sdk.files.delete(upload.id)


def import_hand_made_store(aac: Cli, sdk: openai.OpenAI, stack: str) -> list[str]:
    """A store made by hand is imported: a manifest written, tags adopted, then nothing to change or report."""
    upload = sdk.files.create(file=("legacy.txt", b"Legacy notes, kept by hand.\n"), purpose="assistants")
    store = sdk.vector_stores.create(name="Legacy KB", file_ids=[upload.id])
    sdk.vector_stores.files.poll(file_id=upload.id, vector_store_id=store.id)
    run(aac, "import", "import", store.id, "--auto-approve")
    written = yaml.safe_load((aac.root / "assistants" / "imported" / "legacy-kb.yaml").read_text(encoding="utf-8"))
    assert written == {"kind": "vector_store", "name": "legacy-kb", "display_name": "Legacy KB",
                       "file_ids": [upload.id]}, "import: the manifest holds what the user made, nothing else"
    run(aac, "plan after import", "plan", "--detailed-exitcode")
    run(aac, "drift after import", "drift")
    adopted = stores(sdk, stack)["legacy-kb"]
    assert adopted.id == store.id and {a.file_id for a in adopted.attachments} == {upload.id}, "import: adopted"
    return [upload.id]


def check_output(aac: Cli, sdk: openai.OpenAI, stack: str) -> None:
    """`aac output` names what the server lists: every store of the stack by key, every file by path."""
    outputs = run(aac, "output", "output").json()
    live = stores(sdk, stack)
    assert {key: value["id"] for key, value in outputs["vector_stores"].items()} == {
        key: store.id for key, store in live.items()
    }, "output: stores against the server's listing"
    listed = {a.path: a.file_id for store in live.values() for a in store.attachments if a.path is not None}
    assert outputs["files"] == listed, "output: files against the server's listing"
    for path in listed:
        assert Path(aac.root / path).is_file(), f"output: {path} is not a file of the stack"
