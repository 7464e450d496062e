"""Token-hash embeddings: each token adds +1 or -1 to one of `dimension` slots chosen by its hash."""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from pydantic import BaseModel

from aac_hash_embedding.server_api import api

MODEL_ID = "aac-hash-embedding"
TOKEN = re.compile(r"\w+", re.UNICODE)


class Config(BaseModel):
    dimension: int = 384


def embed(text: str, dimension: int) -> list[float]:
    """The same text always gives the same unit vector; texts sharing words point the same way."""
    vector = [0.0] * dimension
    for token in TOKEN.findall(text.lower()):
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        slot = int.from_bytes(digest[:4], "little") % dimension
        vector[slot] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vector))
    if norm == 0.0:  # no word at all (an empty or punctuation-only chunk): any fixed unit vector will do
        vector[0], norm = 1.0, 1.0
    return [x / norm for x in vector]


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
        data = [
            api.OpenAIEmbeddingData(embedding=embed(text, self.config.dimension), index=index)
            for index, text in enumerate(texts)
        ]
        usage = api.OpenAIEmbeddingUsage(prompt_tokens=0, total_tokens=0)
        return api.OpenAIEmbeddingsResponse(data=data, model=params.model, usage=usage)

    async def openai_completion(self, params: Any) -> Any:
        raise NotImplementedError(f"{MODEL_ID} only embeds")

    async def openai_chat_completion(self, params: Any) -> Any:
        raise NotImplementedError(f"{MODEL_ID} only embeds")
