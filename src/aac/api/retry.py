"""When a failed request is sent again, and after how long: the writer's retry rules.

429, 408, 409 and 5xx are retried, and so is a connection lost or timed out; a server's
`retry-after-ms` / `retry-after` is honoured (the SDK's order), up to RETRY_AFTER_MAX_S.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import openai

from aac.errors import AacError

RETRY_AFTER_MAX_S = 60.0
_RETRY_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay_s: float = 0.25
    max_delay_s: float = 16.0


def _status(exc: Exception) -> int | None:
    return exc.status_code if isinstance(exc, openai.APIStatusError) else None


def retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    status = _status(exc)
    return status is not None and (status in _RETRY_STATUSES or status >= 500)


def maybe_done(exc: Exception) -> bool:
    """True when the server may have done the write although we got no answer."""
    status = _status(exc)
    return isinstance(exc, openai.APIConnectionError) or (status is not None and status >= 500)


def retry_after(exc: Exception) -> float | None:
    """The delay the server asked for, in seconds (`retry-after-ms` first, as the SDK does)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
        if seconds > 0:
            return seconds
    return None


def delay(policy: RetryPolicy, exc: Exception, attempt: int, what: str, rng: random.Random) -> float:
    """How long to wait before attempt `attempt + 1`: as the server asked, else exponential backoff."""
    asked = retry_after(exc)
    if asked is not None:
        if asked > RETRY_AFTER_MAX_S:  # the SDK gives up past 120 s too (API_FACTS 5.3)
            raise AacError(
                f"the server asked to wait {asked:.0f} s before {what} again, longer than aac waits "
                f"({RETRY_AFTER_MAX_S:.0f} s)",
                "wait that long, then run `aac apply` again: it picks up where this one stopped",
            ) from exc
        # Jitter upwards only: never sooner than asked, and concurrent steps do not retry in lockstep.
        return asked * (1.0 + rng.uniform(0.0, 0.2))
    backoff = min(policy.base_delay_s * 2 ** (attempt - 1), policy.max_delay_s)
    return backoff * rng.uniform(0.5, 1.0)
