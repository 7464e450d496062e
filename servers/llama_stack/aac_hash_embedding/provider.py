"""The provider spec the server reads from `<module>.provider.get_provider_spec()`."""

from __future__ import annotations

from aac_hash_embedding.server_api import api


def get_provider_spec() -> object:
    return api.InlineProviderSpec(
        api=api.Api.inference,
        provider_type="inline::aac-hash-embedding",
        pip_packages=[],
        module="aac_hash_embedding",
        config_class="aac_hash_embedding.embedder.Config",
        description="Deterministic token-hash embeddings (aac's conformance tests).",
    )
