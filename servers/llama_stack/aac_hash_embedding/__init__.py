"""A deterministic embedding model for Llama Stack-family servers, loaded as an external inline provider.

Neither ogx nor llama-stack ships an embedding model that works offline, and nothing can be fetched from a
model hub in CI, yet their vector stores embed every chunk they index. This one hashes each token into a
fixed number of dimensions and L2-normalises the sum: no weights, no network, the same vector every run.
The run config names it with `module: aac_hash_embedding`; the server imports `aac_hash_embedding.provider`.
"""

from __future__ import annotations

from typing import Any


async def get_provider_impl(config: Any, _deps: dict[Any, Any]) -> Any:
    from aac_hash_embedding.embedder import HashEmbedding  # the server's own packages load only in the server

    impl = HashEmbedding(config)
    await impl.initialize()
    return impl
