"""Hand-built plans covering every action and kind, for the golden files."""

from __future__ import annotations

from aac.model.plan import Action, Change, Cost, Plan

SHA_FAQ = "a" * 64
SHA_REFUNDS_OLD = "b" * 64
SHA_REFUNDS_NEW = "c" * 64
SHA_SALES = "d" * 64
SHA_ORPHAN = "e" * 64
SHA_UNCHANGED = "f" * 64
GIB = 1024**3

WEATHER_OLD = {
    "type": "function",
    "function": {
        "name": "getCurrentWeather",
        "description": "Get the weather in location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state e.g. San Francisco, CA"},
                "unit": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["location"],
        },
        "strict": False,
    },
}
# The same schema with its keys in another order, plus one real change: a new unit.
WEATHER_NEW = {
    "function": {
        "strict": False,
        "parameters": {
            "required": ["location"],
            "properties": {
                "unit": {"enum": ["c", "f", "k"], "type": "string"},
                "location": {"description": "The city and state e.g. San Francisco, CA", "type": "string"},
            },
            "type": "object",
        },
        "description": "Get the weather in location",
        "name": "getCurrentWeather",
    },
    "type": "function",
}

INSTRUCTIONS_OLD = "\n".join(
    [
        "You are a personal math tutor.",
        "Write and run code to answer math questions.",
        "Be terse.",
        "Show your working.",
        "Use SI units.",
        "Never guess.",
        "Cite the theorem you use.",
        "Prefer exact answers.",
        "Round to 4 places otherwise.",
        "End with the answer in bold.",
    ]
)
INSTRUCTIONS_NEW = INSTRUCTIONS_OLD.replace("Be terse.", "Be concise and friendly.").replace(
    "End with the answer in bold.", "End with the answer in bold.\nOffer a follow-up exercise."
)

TUTOR_BEFORE = {
    "display_name": "Math Tutor",
    "description": "Solves equations step by step.",
    "model": "gpt-4o",
    "instructions": INSTRUCTIONS_OLD,
    "tools": [{"type": "code_interpreter"}, WEATHER_OLD],
    "code_interpreter_files": [SHA_SALES, SHA_UNCHANGED],
    "vector_store": None,
    "temperature": 0.2,
    "top_p": 1.0,
    "response_format": "auto",
    "metadata": {"team": "math"},
}
TUTOR_AFTER = {
    **TUTOR_BEFORE,
    "model": "gpt-4.1",
    "instructions": INSTRUCTIONS_NEW,
    "tools": [WEATHER_NEW, {"type": "file_search", "file_search": {"max_num_results": 8}}],
    "code_interpreter_files": [SHA_UNCHANGED],
    "temperature": 0.5,
    "metadata": {"team": "math", "owner": "ada"},
}

KB_BEFORE = {
    "display_name": "Support knowledge base",
    "files": [SHA_FAQ, SHA_REFUNDS_OLD],
    "chunking_strategy": {"type": "auto"},
    "expires_after": None,
    "metadata": {},
}
KB_AFTER = {
    **KB_BEFORE,
    "files": [SHA_FAQ, SHA_REFUNDS_NEW],
    "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
}

WEATHER_BOT = {
    "display_name": "Weather Bot",
    "model": "gpt-4o-mini",
    "instructions": "You answer questions about the weather.\nUse the function.",
    "tools": [WEATHER_NEW],
    "code_interpreter_files": [],
    "vector_store": None,
    "temperature": None,
    "top_p": None,
    "response_format": "auto",
    "metadata": {},
}


def _change(address: str, action: Action, **fields: object) -> Change:
    kind, name = address.split(".", 1)
    return Change(address=address, kind=kind, name=name, action=action, **fields)  # type: ignore[arg-type]


def every_action() -> Plan:
    changes = (
        _change("assistant.math-tutor", Action.UPDATE, id="asst_tutor", before=TUTOR_BEFORE, after=TUTOR_AFTER,
                changed_fields=("code_interpreter_files", "instructions", "metadata", "model", "temperature", "tools"),
                live_fingerprint="sha256:" + "1" * 64),
        _change("assistant.old-helper", Action.DELETE, id="asst_old",
                before={**WEATHER_BOT, "display_name": "Old Helper"}, reason="no manifest declares it",
                live_fingerprint="sha256:" + "2" * 64),
        _change("assistant.weather-bot", Action.CREATE, after=WEATHER_BOT),
        _change("file.data/sales.csv", Action.NOOP, id="file-sales",
                after={"path": "data/sales.csv", "sha256": SHA_SALES, "bytes": 2048, "filename": "sales.csv"}),
        _change("file.knowledge/faq.md", Action.NOOP, id="file-faq",
                after={"path": "knowledge/faq.md", "sha256": SHA_FAQ, "bytes": 5120, "filename": "faq.md"}),
        _change("file.knowledge/refunds.md", Action.CREATE,
                after={"path": "knowledge/refunds.md", "sha256": SHA_REFUNDS_NEW, "bytes": 3_500_000,
                       "filename": f"aac-{SHA_REFUNDS_NEW}-refunds.md"}),
        _change(f"file.{SHA_ORPHAN}", Action.DELETE, id="file-orphan",
                before={"id": "file-orphan", "filename": f"aac-{SHA_ORPHAN}-old.md", "bytes": 7_340_032},
                reason="no manifest uses it"),
        _change("vector_store.support-kb", Action.REPLACE, id="vs_kb", before=KB_BEFORE, after=KB_AFTER,
                changed_fields=("chunking_strategy", "files"), reason="chunking_strategy cannot change in place",
                live_fingerprint="sha256:" + "3" * 64),
        _change("vector_store_file.support-kb/knowledge/refunds.md", Action.CREATE,
                after={"vector_store": "support-kb", "path": "knowledge/refunds.md", "sha256": SHA_REFUNDS_NEW}),
        _change("vector_store_file.support-kb/knowledge/refunds.md@old", Action.DELETE, id="file-refunds-old",
                before={"vector_store": "support-kb", "file_id": "file-refunds-old", "path": "knowledge/refunds.md",
                        "sha256": SHA_REFUNDS_OLD, "status": "completed"},
                reason="replaced by new content"),
    )
    return Plan(
        stack="demo",
        target="sandbox",
        manifest_digest="sha256:" + "9" * 64,
        changes=tuple(sorted(changes, key=lambda c: c.address)),
        created_at="2026-11-22T10:00:00Z",
        cost=Cost(int(1.5 * GIB), int(2.25 * GIB), files_bytes_freed=7_340_032),
        requests=12,
        warnings=("assistant.weather-bot: model gpt-4o-mini is deprecated on some servers",),
    )


def no_changes() -> Plan:
    spec = {"display_name": "Support knowledge base", "files": [SHA_FAQ], "metadata": {}}
    noop = _change("vector_store.support-kb", Action.NOOP, id="vs_kb", before=spec, after=spec)
    return Plan(stack="demo", target="sandbox", manifest_digest="sha256:" + "9" * 64, changes=(noop,),
                created_at="2026-11-22T10:00:00Z", cost=Cost(512 * 1024**2, 512 * 1024**2))
