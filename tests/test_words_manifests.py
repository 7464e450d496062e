"""A newcomer's mistakes in the example stack's manifests, through `aac validate` and `aac plan` against the
sandbox: a misspelt path gets the closest one that exists."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from tests.cli_harness import Cli
from tests.test_plan_cli import example

from aac.sandbox.server import RunningSandbox

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")

MATH = "assistants/math-tutor.yaml"
SUPPORT = "assistants/support/customer-support.yaml"
WEATHER = "assistants/weather-bot.yaml"
AGENT = "assistants/agents/weather-agent.yaml"


@pytest.fixture
def aac(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Cli:
    """The example stack, with a target `remote` on the test's sandbox."""
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    monkeypatch.delenv("AAC_TARGET", raising=False)
    return Cli(example(tmp_path, sandbox.base_url), capsys)


def _edit(root: Path, manifest: str, old: str, new: str, *, newline: str = "\n") -> None:
    path = root / manifest
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_bytes(text.replace(old, new).replace("\n", newline).encode("utf-8"))


def _run(aac: Cli, sandbox: RunningSandbox, command: str) -> tuple[int, str]:
    """`aac validate`, or `aac plan` against the sandbox, which must then make no request at all."""
    sandbox.reset_counts()
    result = aac(command) if command == "validate" else aac("--target", "remote", command)
    assert command == "validate" or sandbox.requests == 0
    return result.code, result.err


# The manifest, the path as the example writes it, the misspelt path, the path the hint must offer.
PATH_TYPOS = {
    "instructions_file": (SUPPORT, "../prompts/customer-support.md", "../prompts/customer-suport.md",
                          "../prompts/customer-support.md"),
    "a plain path in code_interpreter": (MATH, "../data/*.csv", "../data/quadratic.csv", "../data/quadratics.csv"),
    "a folder in a ** glob": (SUPPORT, "../../knowledge/**/*.md", "../../knowlege/**/*.md",
                              "../../knowledge/**/*.md"),
    "two folders in a glob": (SUPPORT, "../../knowledge/policies/*.pdf", "../../knowlege/polices/*.pdf",
                              "../../knowledge/policies/*.pdf"),
    "a glob's extension": (MATH, "../data/*.csv", "../data/*.cvs", "../data/*.csv"),
    "a ** glob's extension": (SUPPORT, "../../knowledge/**/*.md", "../../knowledge/**/*.mdx",
                              "../../knowledge/**/*.md"),
    "a folder's case": (MATH, "../data/*.csv", "../Data/quadratics.csv", "../data/quadratics.csv"),
    "an assistant's $ref": (WEATHER, "../schemas/functions/get_nickname.json",
                            "../schemas/functions/get_nickame.json", "../schemas/functions/get_nickname.json"),
    "an agent's $ref": (AGENT, "../../schemas/functions/get_current_weather.json",
                        "../../schema/functions/get_current_weather.json",
                        "../../schemas/functions/get_current_weather.json"),
}


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize("case", PATH_TYPOS)
def test_a_misspelt_path_gets_the_closest_that_exists(aac: Cli, sandbox: RunningSandbox, case: str,
                                                      command: str) -> None:
    manifest, written, typo, meant = PATH_TYPOS[case]
    _edit(aac.root, manifest, written, typo)

    code, err = _run(aac, sandbox, command)

    assert code == 1
    assert f"hint: did you mean `{meant}`? ({'paths' if case.endswith(('file', '$ref')) else 'globs'} are " \
           "relative to the manifest's folder" in err
    _edit(aac.root, manifest, typo, meant)
    assert aac("validate").code == 0  # the suggestion is one that works


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_a_manifest_with_other_line_breaks_gets_the_same_suggestion(aac: Cli, newline: str) -> None:
    _edit(aac.root, MATH, "../data/*.csv", "../data/quadratic.csv", newline=newline)

    result = aac("validate")

    assert result.code == 1 and "hint: did you mean `../data/quadratics.csv`?" in result.err


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_misspelt_name_beyond_ascii_gets_the_name_on_disk(aac: Cli, form: str) -> None:
    on_disk = "première étape.md"  # NFC, as most tools write it
    (aac.root / "knowledge" / "guides" / on_disk).write_text("# Première étape\nBonjour.\n", encoding="utf-8")
    typo = unicodedata.normalize(form, "../../knowledge/guides/premiere étape.md")
    _edit(aac.root, SUPPORT, "  - ../../knowledge/policies/*.pdf", f"  - ../../knowledge/policies/*.pdf\n  - {typo}")

    result = aac("validate")

    assert result.code == 1 and f"hint: did you mean `../../knowledge/guides/{on_disk}`?" in result.err


@pytest.mark.parametrize(("manifest", "written", "typo", "hint"), [
    (MATH, "../data/*.csv", "../data/zzz-table.csv", "globs are relative to the manifest's folder (assistants/); "
                                                     "check the pattern"),
    (MATH, "../data/*.csv", "../data/*.xlsx", "globs are relative to the manifest's folder (assistants/); "
                                              "check the pattern"),
    (MATH, "../data/*.csv", "../elsewhere/**/*.csv", "globs are relative to the manifest's folder (assistants/); "
                                                     "check the pattern"),
    (SUPPORT, "../prompts/customer-support.md", "../prompts/faq.md", "check the path: it is relative to the "
                                                                     "manifest's folder"),
])
def test_a_path_with_nothing_close_keeps_its_hint(aac: Cli, manifest: str, written: str, typo: str,
                                                 hint: str) -> None:
    _edit(aac.root, manifest, written, typo)

    result = aac("validate")

    assert result.code == 1 and f"hint: {hint}\n" in result.err and "did you mean" not in result.err


def test_a_suggestion_never_leads_out_of_the_repository(aac: Cli, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "quadratics.csv").write_text("a,b,c\n1,2,1\n", encoding="utf-8")
    os.symlink(outside, aac.root / "tables")  # a folder link out of the repository, one letter from the typo
    _edit(aac.root, MATH, "../data/*.csv", "../table/quadratics.csv")

    result = aac("validate")

    assert result.code == 1 and "did you mean" not in result.err and str(outside) not in result.err
