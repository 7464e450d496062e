"""The retrieval check report as markdown, for a pull request comment.

GitHub refuses comments over 65,535 characters (mdkit.LIMIT keeps a margin). Sections come in the order
a reviewer needs them, and a long one is cut there, saying how many rows were left out: the metrics,
then the queries that got worse (worst first), failed checks, missed thresholds, the queries that got
better, and the new and removed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aac.check_report import CheckReport, Comparison, QueryChange
from aac.output import plural
from aac.render.mdkit import LIMIT, cell, code, footnote, join, rows_within
from aac.retrieval import METRIC_LABELS, METRICS, OVERALL, CheckResult


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...]  # the table's head rows
    rows: tuple[str, ...]
    noun: str  # what a row is, for the note on rows left out
    nouns: str | None = None  # its plural, when not noun + "s"


def marker_comment(stack: str) -> str:
    """Lets a workflow update its one comment instead of adding another on every push."""
    return f"<!-- aac-check:{stack} -->"


def render_check_markdown(report: CheckReport, limit: int = LIMIT) -> str:
    head = _head(report)
    footer = footnote(f"aac check, run {report.created_at}; the JSON report (--out FILE.json) has every result.")
    parts: list[str | None] = [head, _metrics_table(report)]
    budget = limit - len(join(parts)) - len(footer) - 2
    for section in _sections(report):
        text, budget = _fit(section, budget)
        parts.append(text)
    return join([*parts, footer])


def _fit(section: Section, budget: int) -> tuple[str | None, int]:
    """The section in what is left of the budget, its note counting the rows left out; and the budget after."""
    if not section.rows:
        return None, budget
    note_room = 120
    fixed = len(section.title) + sum(len(line) + 1 for line in section.header) + 4
    rows = rows_within(section.rows, max(0, budget - fixed - note_room))
    if not rows:
        note = f"{section.title.lstrip('# ')}: {plural(len(section.rows), section.noun, section.nouns)} left out " \
               "to fit this comment."
        return note, budget - len(note) - 2
    left = len(section.rows) - len(rows)
    noun, nouns = f"more {section.noun}", f"more {section.nouns}" if section.nouns else None
    more = f"\n\n… and {plural(left, noun, nouns)} left out to fit this comment." if left else ""
    text = "\n".join([section.title, "", *section.header, *rows]) + more
    return text, budget - len(text) - 2


def _head(report: CheckReport) -> str:
    failed = len(report.failed)
    counts = f"{len(report.results) - failed:,} passed, {failed:,} failed"
    if report.thresholds_failed:
        counts += f", {plural(len(report.thresholds_failed), 'threshold')} missed"
    c = report.comparison
    if c is not None:
        counts += f"; against the baseline: {len(c.worse):,} worse, {len(c.better):,} better"
    title = f"## aac check for {code(report.stack)} on {code(report.target)}: {counts}"
    return f"{marker_comment(report.stack)}\n{title}"


def _metrics_table(report: CheckReport) -> str:
    c = report.comparison
    now = report.metrics
    if c is None:
        rows = [f"| {cell(_scope(s))} | " + " | ".join(_num((v or {}).get(m)) for m in METRICS) + " |"
                for s, v in now.items()]
        return "\n".join(["| Metric (k = `within`) | " + " | ".join(METRIC_LABELS[m] for m in METRICS) + " |",
                          "|---|" + "--:|" * len(METRICS), *rows])
    rows = [f"| {cell(_scope(m.store))} | {METRIC_LABELS[m.metric]} | {_num(m.before)} | {_num(m.after)} | "
            f"{_delta(m.before, m.after, m.worse)} |" for m in c.metrics]
    return "\n".join([f"Against the baseline from {cell(c.created_at)}, over the queries both runs have:", "",
                      "| Scope | Metric | Baseline | Now | Change |", "|---|---|--:|--:|--:|", *rows])


def _sections(report: CheckReport) -> list[Section]:
    c = report.comparison
    sections = []
    if c is not None:
        sections.append(_changes("### Worse", c.worse))
    sections.append(Section(f"### Failed checks ({len(report.failed):,})", ("| Check | Where | Problem |",
                                                                          "|---|---|---|"),
                            tuple(_failed_row(r) for r in report.failed), "failed check"))
    missed = tuple(f"| vector_store.{cell(t.store)} | {METRIC_LABELS[t.metric]} | {_num(t.value)} | "
                   f"{_num(t.minimum)} |" for t in report.thresholds_failed)
    sections.append(Section(f"### Thresholds missed ({len(missed):,})", ("| Store | Metric | Now | At least |",
                                                                       "|---|---|--:|--:|"), missed, "threshold"))
    if c is not None:
        sections.append(_changes("### Better", c.better))
        sections.append(_listed(c))
    return sections


def _changes(title: str, changes: Sequence[QueryChange]) -> Section:
    rows = tuple(f"| {cell(q.query)} | {cell(q.store)} | {_moves(q)} |" for q in changes)
    return Section(f"{title} ({len(changes):,})", ("| Query | Store | Expected file: rank before → now |",
                                                   "|---|---|---|"), rows, "query", "queries")


def _listed(c: Comparison) -> Section:
    rows = tuple([f"| new | {cell(s)} | {cell(q)} |" for s, q in c.new] +
                 [f"| removed | {cell(s)} | {cell(q)} |" for s, q in c.removed])
    return Section(f"### New and removed queries ({len(rows):,})", ("| | Store | Query |", "|---|---|---|"), rows,
                   "query", "queries")


def _moves(q: QueryChange) -> str:
    parts = [f"{code(m.path)}: {_rank(m.before)} → {_rank(m.after)}" for m in q.moves]
    parts += [f"{code(p)}: must not be found, and is now" for p in q.came_back]
    if q.newly_failed and not parts:
        parts.append("passed before, fails now")
    return "<br>".join(parts)


def _failed_row(r: CheckResult) -> str:
    problems = [f"{code(p)} not in the top {r.check.within}" for p in r.missing]
    problems += [f"{code(p)} found, must not be" for p in r.unwanted]
    return f"| {cell(r.name)} | {cell(r.source)} | {'<br>'.join(problems)} |"


def _scope(store: str) -> str:
    return "all stores" if store == OVERALL else store


def _rank(rank: int | None) -> str:
    return "out" if rank is None else str(rank)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _delta(before: float | None, after: float | None, worse: bool) -> str:
    if before is None or after is None:
        return ""
    text = f"{after - before:+.3f}"
    return f"**{text}** :small_red_triangle_down:" if worse else text
