"""What a reader of the text plan relies on, beyond the goldens."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from aac.errors import AacError
from aac.model.plan import Action, Change, Plan
from aac.output import Output
from aac.render import render_plan
from aac.render.values import structural_diff

from .plans import WEATHER_NEW, WEATHER_OLD, every_action, no_changes


def _update(before: dict[str, object], after: dict[str, object], *fields: str) -> Plan:
    change = Change("assistant.a", "assistant", "a", Action.UPDATE, id="asst_1", before=before, after=after,
                    changed_fields=fields)
    return replace(no_changes(), changes=(change,))


def test_function_schema_compares_as_data_so_key_order_is_no_change() -> None:
    reordered = {"type": "function", "function": dict(reversed(list(WEATHER_OLD["function"].items())))}
    assert structural_diff("tools", [WEATHER_OLD], [reordered]) == []
    paths = [leaf.path for leaf in structural_diff("tools", [WEATHER_OLD], [WEATHER_NEW])]
    assert paths == ["tools[function getCurrentWeather].parameters.properties.unit.enum"]


def test_only_the_changed_schema_path_is_shown() -> None:
    text = render_plan(_update({"tools": [WEATHER_OLD]}, {"tools": [WEATHER_NEW]}, "tools"), "text", Output())
    assert 'tools[function getCurrentWeather].parameters.properties.unit.enum = ["c", "f"] -> ["c", "f", "k"]' in text
    assert "San Francisco" not in text


def test_instructions_show_as_a_line_diff_with_unchanged_lines_counted() -> None:
    old = "\n".join(f"line {i}" for i in range(40))
    new = old.replace("line 20", "line twenty")
    text = render_plan(_update({"instructions": old}, {"instructions": new}, "instructions"), "text", Output())
    assert "          - line 20\n          + line twenty\n" in text
    assert "# (17 unchanged lines hidden)" in text and "# (16 unchanged lines hidden)" in text
    assert "line 5\n" not in text


def test_a_whitespace_only_instructions_change_says_so() -> None:
    plan = _update({"instructions": "a\nb\n"}, {"instructions": "a\r\nb"}, "instructions")
    assert "whitespace or line-ending changes only" in render_plan(plan, "text", Output())


def test_scalars_read_old_to_new_and_unchanged_fields_are_counted() -> None:
    before = {"model": "gpt-4o", "temperature": 0.2, "display_name": "A", "top_p": 1.0}
    plan = _update(before, {**before, "model": "gpt-4.1"}, "model")
    text = render_plan(plan, "text", Output())
    assert '      ~ model = "gpt-4o" -> "gpt-4.1"' in text
    assert "# (3 unchanged attributes hidden)" in text
    assert "temperature" not in text


def test_summary_storage_and_freed_uploads_are_stated() -> None:
    text = render_plan(every_action(), "text", Output())
    assert "Plan: 3 to add, 1 to change, 1 to replace, 3 to destroy." in text
    assert "Vector storage: 1.5 GiB ($0.05/day) -> 2.2 GiB ($0.12/day)." in text
    assert "Uploads deleted: 1 upload, 7.0 MiB freed." in text
    assert "Warning: assistant.weather-bot" in text


def test_files_are_shown_by_path_and_size() -> None:
    text = render_plan(every_action(), "text", Output())
    assert "          - data/sales.csv (2.0 KiB)\n" in text
    assert "          + knowledge/refunds.md (3.3 MiB)\n" in text


def test_no_changes_is_said_explicitly() -> None:
    text = render_plan(no_changes(), "text", Output())
    assert text.startswith("No changes. Live state matches the manifests.\n")
    assert "Plan:" not in text


def test_output_does_not_depend_on_the_order_changes_arrive_in() -> None:
    plan = every_action()
    shuffled = list(plan.changes)
    random.Random(7).shuffle(shuffled)
    assert render_plan(replace(plan, changes=tuple(shuffled)), "text", Output()) == render_plan(plan, "text", Output())


def test_colour_only_when_output_allows_it() -> None:
    assert "\033[" not in render_plan(every_action(), "text", Output(color=False))
    assert "\033[" not in render_plan(every_action(), "text", Output.for_terminal(environ={"NO_COLOR": "1"}))
    assert "\033[32m+\033[0m" in render_plan(every_action(), "text", Output(color=True))


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(AacError, match="unknown plan format 'yaml'"):
        render_plan(no_changes(), "yaml", Output())


def test_a_field_listed_as_changed_with_an_equal_value_does_not_read_as_x_to_x() -> None:
    text = render_plan(_update({"vector_store": "kb"}, {"vector_store": "kb"}, "vector_store"), "text", Output())
    assert '~ vector_store = "kb" (same value, written again by apply)' in text
    assert "->" not in text
