"""Hand-built drift reports covering every category, for the golden files."""

from __future__ import annotations

from dataclasses import replace

from aac.model.drift import Category, DriftItem, DriftReport

from .plans import INSTRUCTIONS_NEW, INSTRUCTIONS_OLD, WEATHER_NEW, WEATHER_OLD

TUTOR = {"display_name": "Math Tutor", "model": "gpt-4o", "instructions": INSTRUCTIONS_OLD, "temperature": 0.2}


def every_category() -> DriftReport:
    items = (
        DriftItem("assistant.math-tutor", "assistant", "math-tutor", Category.DRIFTED, id="asst_tutor",
                  changed_fields=("instructions", "model"), expected=TUTOR,
                  actual={**TUTOR, "model": "gpt-4.1", "instructions": INSTRUCTIONS_NEW}),
        DriftItem("assistant.weather-bot", "assistant", "weather-bot", Category.PENDING, id="asst_weather",
                  changed_fields=("tools",), expected={"model": "gpt-4o", "tools": [WEATHER_NEW]},
                  actual={"model": "gpt-4o", "tools": [WEATHER_OLD]}),
        DriftItem("assistant.scratch", "assistant", "scratch", Category.UNMANAGED, id="asst_scratch",
                  actual={"display_name": "Scratch", "model": "gpt-4o-mini"}),
        DriftItem("vector_store.support-kb", "vector_store", "support-kb", Category.MISSING,
                  expected={"display_name": "Support knowledge base", "files": ["a" * 64]},
                  detail="deleted outside aac: math-tutor still pointed at vs_gone"),
        DriftItem("file.data/sales.csv", "file", "data/sales.csv", Category.IN_SYNC, id="file-sales",
                  expected={"path": "data/sales.csv", "bytes": 2048}, actual={"path": "data/sales.csv", "bytes": 2048}),
    )
    return DriftReport(stack="demo", target="sandbox", created_at="2026-11-22T03:00:00Z", items=items, requests=7)


def in_sync() -> DriftReport:
    return replace(every_category(), items=every_category().items[-1:])


def incomplete() -> DriftReport:
    return replace(in_sync(), complete=False,
                   errors=("listing vector store files of vs_kb failed: 500 Internal Server Error",))
