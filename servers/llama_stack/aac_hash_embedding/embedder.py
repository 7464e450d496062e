"""The inference provider: embeddings only, from hashing.py, in the server's own response types."""

from __future__ import annotations

import base64
import struct
from typing import Any

from pydantic import BaseModel

from aac_hash_embedding.hashing import embed
from aac_hash_embedding.server_api import api

MODEL_ID = "aac-hash-embedding"


class Config(BaseModel):
    dimension: int = 384


class HashEmbedding:
    """The inference provider surface the server's model and vector-store routers call; embeddings only."""

    __provider_id__: str
    model_store: Any = None

    def __init__(self, config: Config) -> None:
        self.config = config

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def should_refresh_models(self) -> bool:
        return False

    async def list_models(self) -> list[Any]:
        return [
            api.Model(
                identifier=MODEL_ID,
                provider_resource_id=MODEL_ID,
                provider_id=self.__provider_id__,
                metadata={"embedding_dimension": self.config.dimension},
                model_type=api.ModelType.embedding,
            )
        ]

    async def register_model(self, model: Any) -> Any:
        return model

    async def unregister_model(self, model_id: str) -> None:
        pass

    async def openai_embeddings(self, params: Any) -> Any:
        texts = [params.input] if isinstance(params.input, str) else list(params.input)
        if not all(isinstance(text, str) for text in texts):
            raise ValueError(f"{MODEL_ID} embeds text only, not token arrays")
        vectors = [embed(text, self.config.dimension) for text in texts]
        if params.encoding_format == "base64":  # little-endian float32, as OpenAI sends them
            encoded: list[Any] = [base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode() for v in vectors]
        else:
            encoded = vectors
        data = [api.OpenAIEmbeddingData(embedding=e, index=i) for i, e in enumerate(encoded)]
        usage = api.OpenAIEmbeddingUsage(prompt_tokens=0, total_tokens=0)
        return api.OpenAIEmbeddingsResponse(data=data, model=params.model, usage=usage)

    async def openai_completion(self, params: Any) -> Any:
        raise NotImplementedError(f"{MODEL_ID} only embeds")

    async def openai_chat_completion(self, params: Any) -> Any:
        raise NotImplementedError(f"{MODEL_ID} only embeds")
