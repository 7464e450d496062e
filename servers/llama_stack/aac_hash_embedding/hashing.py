"""Token-hash embeddings: each word adds +1 or -1 to one of `dimension` slots chosen by its hash.

Pure Python, no server import, so the project's own tests check it without a server installed.
"""

from __future__ import annotations

import hashlib
import math
import re

TOKEN = re.compile(r"\w+", re.UNICODE)


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
