"""Seeded fault injection: 429 with Retry-After, 500, 503 and dropped connections.

A request is never faulted twice in a row for the same method and path, so a client
that retries always gets through: the sandbox tests convergence, not bad luck.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from aac.sandbox.apierror import ApiError

FAULTS = ("429", "500", "503", "drop")
RETRY_AFTER_S = 0.1


class FaultInjector:
    """Decides, per request, whether and how it fails."""

    def __init__(self, rate: float, seed: int | None) -> None:
        self.rate = rate
        self._random = random.Random(seed)
        self._last_faulted: set[tuple[str, str]] = set()

    def pick(self, method: str, path: str) -> str | None:
        """The fault to inject for this request, or None."""
        if self.rate <= 0:
            return None
        key = (method, path)
        if key in self._last_faulted:
            self._last_faulted.discard(key)
            return None
        if self._random.random() >= self.rate:
            return None
        self._last_faulted.add(key)
        return self._random.choice(FAULTS)


def fault_error(fault: str) -> ApiError:
    # The retry hint goes on 5xx too: the SDK honours it for any retried status, so clients
    # back off for 100 ms instead of their default 0.5-8 s.
    retry = {"retry-after": str(RETRY_AFTER_S), "retry-after-ms": str(int(RETRY_AFTER_S * 1000))}
    if fault == "429":
        return ApiError(
            429,
            "Rate limit reached for requests (sandbox fault injection). Please try again shortly.",
            type="requests",
            code="rate_limit_exceeded",
            headers=retry,
        )
    if fault == "503":
        return ApiError(
            503, "The server is overloaded or not ready yet (sandbox fault injection).", type="server_error",
            headers=retry,
        )
    return ApiError(
        500, "The server had an error while processing your request (sandbox fault injection).",
        type="server_error", headers=retry,
    )


async def drop_connection(send: Any) -> bool:
    """Close the client's connection without a response; False when the server gives no way to."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.close()
    # Let uvicorn see the disconnect, so it does not try to answer on the closed socket.
    for _ in range(3):
        await asyncio.sleep(0)
    return True
