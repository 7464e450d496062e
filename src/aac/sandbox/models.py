"""`/v1/models`: a fixed list, so clients that check a model id find the common ones."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox.apierror import ApiError

MODEL_IDS = (
    "gpt-5",
    "gpt-5-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4o",
    "gpt-4o-mini",
    "o3-mini",
    "gpt-3.5-turbo",
    "text-embedding-3-large",
    "text-embedding-3-small",
)
_CREATED = 1_700_000_000


def _model(model_id: str) -> dict[str, object]:
    return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": "system"}


async def list_models(request: Request) -> JSONResponse:
    return JSONResponse({"object": "list", "data": [_model(m) for m in MODEL_IDS]})


async def retrieve(request: Request) -> JSONResponse:
    model_id = request.path_params["model"]
    if model_id not in MODEL_IDS:
        raise ApiError(
            404,
            f"The model '{model_id}' does not exist or you do not have access to it.",
            code="model_not_found",
        )
    return JSONResponse(_model(model_id))


routes = [
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model:path}", retrieve, methods=["GET"]),
]
