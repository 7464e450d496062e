"""The server's own API package: ogx renamed `llama_stack_api` to `ogx_api`, with the same names inside."""

from __future__ import annotations

try:
    import ogx_api as api
except ImportError:  # llama-stack 0.7
    import llama_stack_api as api  # type: ignore[no-redef]

__all__ = ["api"]
