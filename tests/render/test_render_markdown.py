"""The pull-request comment: findable by CI, readable, and never over GitHub's size limit."""

from __future__ import annotations

from dataclasses import replace

from aac.model.plan import Action, Change, Plan
from aac.output import Output
from aac.render import render_plan
from aac.render.markdown import LIMIT

from .plans import every_action, no_changes

LONG_INSTRUCTIONS = "\n".join(f"Rule {i}: answer in the customer's language, {i % 7} times politely."
                              for i in range(300))


def _many(count: int, instructions: str = LONG_INSTRUCTIONS) -> Plan:
    """`count` assistants whose instructions change on one line in seven."""
    changes = tuple(
        Change(f"assistant.bot-{i:04d}", "assistant", f"bot-{i:04d}", Action.UPDATE, id=f"asst_{i}",
               before={"instructions": instructions, "model": "gpt-4o"},
               after={"instructions": instructions.replace("3 times politely", "3 times warmly"), "model": "gpt-4o"},
               changed_fields=("instructions",))
        for i in range(count)
    )
    return replace(no_changes(), changes=changes)


def test_the_hidden_marker_comes_first_so_ci_can_update_the_comment() -> None:
    for plan in (every_action(), no_changes()):
        assert render_plan(plan, "markdown", Output()).startswith("<!-- aac-plan:demo -->\n")


def test_table_lists_every_change_and_details_hold_a_diff() -> None:
    text = render_plan(every_action(), "markdown", Output())
    for change in every_action().actionable:
        assert f"| `{change.address}` | {change.action.value} |" in text
    assert text.count("<details") == len(every_action().actionable)
    assert "```diff\n" in text
    assert "! model                   = \"gpt-4o\" -> \"gpt-4.1\"" in text


def test_a_long_diff_starts_collapsed_and_a_short_one_open() -> None:
    text = render_plan(every_action(), "markdown", Output())
    assert "<details><summary><code>~ assistant.math-tutor</code>" in text
    assert "<details open><summary><code>- assistant.old-helper</code>" in text


def test_a_large_plan_cuts_each_diff_but_keeps_every_object() -> None:
    plan = _many(60)
    text = render_plan(plan, "markdown", Output())
    assert len(text) <= LIMIT
    assert "Each diff is cut to" in text
    assert all(f"`{c.address}`" in text for c in plan.changes)
    assert text.count("<details") == 60


def test_a_huge_plan_stays_under_the_limit_and_says_how_many_it_left_out() -> None:
    plan = _many(2000)
    text = render_plan(plan, "markdown", Output())
    assert len(text) <= LIMIT
    assert "<details" not in text
    assert "Details are left out" in text
    listed = sum(1 for c in plan.changes if f"`{c.address}`" in text)
    assert 0 < listed < 2000
    assert f"… and {2000 - listed:,} more changes not listed here." in text
    assert "0 to add, 2000 to change, 0 to replace, 0 to destroy" in text.splitlines()[1]


def test_backticks_in_instructions_cannot_close_the_fence() -> None:
    plan = _many(1, "Reply with ```json blocks```, 3 times politely\nonly.")
    text = render_plan(plan, "markdown", Output())
    assert "````diff\n" in text


def test_a_pipe_in_a_path_does_not_break_the_table() -> None:
    change = Change("file.data/a|b.csv", "file", "data/a|b.csv", Action.CREATE,
                    after={"path": "data/a|b.csv", "sha256": "a" * 64, "bytes": 10})
    text = render_plan(replace(no_changes(), changes=(change,)), "markdown", Output())
    assert "| `file.data/a\\|b.csv` | create |" in text
