"""The `file_ids` / `files.code_interpreter_ids` manifest fields, checked offline by `aac validate`."""

from __future__ import annotations

from tests.cli_harness import Cli


def test_a_file_id_must_look_like_one(aac: Cli) -> None:
    (aac.root / "assistants/kb.yaml").write_text("kind: vector_store\nname: kb\nfile_ids: [faq.md]\n")
    (aac.root / "assistants/bot.yaml").write_text(
        "kind: assistant\nname: bot\nmodel: gpt-4o\ntools: [code_interpreter]\n"
        "files: {code_interpreter_ids: [file-ok_1, 'file-no spaces']}\n")

    result = aac("validate")

    assert result.code == 1
    assert "assistants/kb.yaml:3" in result.err and "faq.md" in result.err
    assert "assistants/bot.yaml" in result.err and "file-no spaces" in result.err


def test_ids_and_paths_together_count_toward_the_20_code_interpreter_files(aac: Cli) -> None:
    (aac.root / "data").mkdir()
    for i in range(15):
        (aac.root / f"data/t{i:02}.csv").write_text("a\n1\n")
    ids = ", ".join(f"file-{i}" for i in range(6))
    (aac.root / "assistants/bot.yaml").write_text(
        "kind: assistant\nname: bot\nmodel: gpt-4o\ntools: [code_interpreter]\n"
        f"files: {{code_interpreter: ['../data/*.csv'], code_interpreter_ids: [{ids}]}}\n")

    result = aac("validate")

    assert result.code == 1
    assert "bot attaches 21 files to code_interpreter (by path and by id); the API allows at most 20" in result.err


def test_valid_file_ids_load(aac: Cli) -> None:
    (aac.root / "assistants/kb.yaml").write_text("kind: vector_store\nname: kb\nfile_ids: [file-abc, file-A_b-9]\n")

    result = aac("validate")

    assert result.code == 0, result.err
