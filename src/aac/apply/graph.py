"""Run steps as a dependency graph on a thread pool, reporting every step's outcome.

A step that fails takes down only the steps that need it: they are skipped with the
reason, and everything else still runs (Terraform's rule, IAC_CONVENTIONS 1.8). A step
that is waiting on the server (indexing) returns `Poll(seconds)` instead of sleeping, so
it gives its worker back: `parallelism` bounds requests in flight, not waits.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum

from aac.errors import AacError
from aac.model.steps import Poll, StepFailed

StepRun = Callable[[], "Poll | None"]


@dataclass
class Step:
    id: str
    run: StepRun
    addresses: tuple[str, ...] = ()  # the plan changes this step (partly) applies
    needs: tuple[str, ...] = ()  # steps that must succeed first
    after: tuple[str, ...] = ()  # steps that must have finished, whatever their outcome


class Status(str, Enum):
    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    status: Status
    reason: str | None = None
    hint: str | None = None
    by_address: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _State:
    steps: dict[str, Step]
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    ready: list[str] = field(default_factory=list)
    timers: list[tuple[float, str]] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # step id -> dependencies not finished
    dependents: dict[str, list[str]] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)  # outcomes not yet passed on to dependents
    on_done: Callable[[Step, Outcome], None] | None = None  # told of every outcome as it is known

    def __post_init__(self) -> None:
        for step in self.steps.values():
            deps = set(step.needs) | set(step.after)
            self.pending[step.id] = len(deps)
            for dep in deps:
                self.dependents.setdefault(dep, []).append(step.id)
        self.ready = [sid for sid, count in self.pending.items() if count == 0]

    def record(self, sid: str, outcome: Outcome) -> None:
        self.outcomes[sid] = outcome
        self.finished.append(sid)
        if self.on_done is not None:
            self.on_done(self.steps[sid], outcome)


def _check(steps: Iterable[Step]) -> dict[str, Step]:
    by_id = {s.id: s for s in steps}
    for step in by_id.values():
        missing = [d for d in (*step.needs, *step.after) if d not in by_id]
        if missing:
            raise AssertionError(f"step {step.id} depends on unknown steps {missing}")
    return by_id


def _release(state: _State) -> None:
    """Pass finished steps on: a dependent whose dependencies are all done is ready (or skipped)."""
    while state.finished:
        for sid in state.dependents.get(state.finished.pop(), ()):
            state.pending[sid] -= 1
            if state.pending[sid]:
                continue
            step = state.steps[sid]
            blocked = [d for d in step.needs if state.outcomes[d].status is not Status.APPLIED]
            if blocked:
                cause = state.outcomes[blocked[0]]
                label = next(iter(cause.by_address), None) or _label(state.steps[blocked[0]])
                state.record(sid, Outcome(Status.SKIPPED, f"it needs {label}, which {cause.status.value}"))
            else:
                state.ready.append(sid)


def _label(step: Step) -> str:
    return step.addresses[0] if step.addresses else step.id


def _finish(state: _State, sid: str, future: Future[Poll | None]) -> None:
    try:
        result = future.result()
    except StepFailed as exc:
        state.record(sid, Outcome(Status.FAILED, exc.message, exc.hint, exc.by_address))
        return
    except AacError as exc:
        state.record(sid, Outcome(Status.FAILED, exc.message, exc.hint))
        return
    except Exception as exc:  # a bug: report it against the step, keep the rest going
        state.record(sid, Outcome(Status.FAILED, f"unexpected {exc.__class__.__name__}: {exc}",
                                  "run again with --debug, and report it"))
        return
    if isinstance(result, Poll):
        heapq.heappush(state.timers, (time.monotonic() + max(0.0, result.seconds), sid))
    else:
        state.record(sid, Outcome(Status.APPLIED))


@dataclass(frozen=True)
class GraphResult:
    outcomes: Mapping[str, Outcome]  # by step id
    interrupted: bool = False


def run_graph(steps: Iterable[Step], parallelism: int, cancel: threading.Event,
              on_done: Callable[[Step, Outcome], None] | None = None) -> GraphResult:
    """Run every step once its dependencies allow; return each step's outcome by id.

    On KeyboardInterrupt: set `cancel` (steps stop before their next request), let the
    requests in flight finish, and mark what never ran as skipped ("interrupted").
    """
    state = _State(_check(steps), on_done=on_done)
    running: dict[Future[Poll | None], str] = {}
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="aac-apply") as pool:
        try:
            while True:
                _release(state)
                now = time.monotonic()
                while state.timers and state.timers[0][0] <= now:
                    state.ready.append(heapq.heappop(state.timers)[1])
                while state.ready and len(running) < parallelism:
                    sid = state.ready.pop(0)
                    running[pool.submit(state.steps[sid].run)] = sid
                if not running and not state.ready and not state.timers:
                    break
                timeout = max(0.0, state.timers[0][0] - now) if state.timers else None
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    _finish(state, running.pop(future), future)
        except KeyboardInterrupt:
            cancel.set()
            for future in list(running):
                future.exception()  # wait: a step stops at its next request
                _finish(state, running.pop(future), future)
            for sid in state.steps:
                state.outcomes.setdefault(sid, Outcome(Status.SKIPPED, "interrupted"))
            return GraphResult(state.outcomes, interrupted=True)
    for sid in state.steps:  # a dependency cycle would leave steps here; report, never hang
        state.outcomes.setdefault(sid, Outcome(Status.SKIPPED, "its dependencies never finished"))
    return GraphResult(state.outcomes)
