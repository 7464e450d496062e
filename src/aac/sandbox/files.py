"""`/v1/files`: upload (multipart, streamed to disk), list, retrieve, delete (cascading), content."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from aac import limits
from aac.sandbox.apierror import ApiError, invalid, no_file
from aac.sandbox.cascade import delete_file
from aac.sandbox.common import deleted, enum_query, list_params, ok, page_of, page_response, store_of
from aac.sandbox.indexing import FILE
from aac.sandbox.store import JSON, Store, new_id
from aac.sandbox.uploads import Upload, receive

UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
LISTED_PURPOSES = (*UPLOAD_PURPOSES, "assistants_output", "batch_output", "fine-tune-results")
# Purposes whose content the real API refuses to hand back (API_FACTS 2.3).
NOT_DOWNLOADABLE = frozenset({"assistants", "user_data", "fine-tune", "evals"})
BATCH_EXPIRY_S = 30 * 86400


def _expires_at(upload: Upload, created_at: int, purpose: str) -> int | None:
    anchor = upload.fields.get("expires_after[anchor]")
    seconds = upload.fields.get("expires_after[seconds]")
    if anchor is None and seconds is None:
        return created_at + BATCH_EXPIRY_S if purpose == "batch" else None
    if anchor != "created_at":
        raise invalid("expires_after.anchor", f"Invalid value: '{anchor}'. Supported values are: 'created_at'.")
    low, high = limits.FILE_EXPIRES_AFTER_SECONDS
    if seconds is None or not seconds.isdigit() or not low <= int(seconds) <= high:
        raise invalid(
            "expires_after.seconds",
            f"Invalid 'expires_after.seconds': expected an integer between {low} and {high}, "
            f"but got {seconds!r} instead.",
        )
    return created_at + int(seconds)


def _new_file(upload: Upload, file_id: str) -> JSON:
    if upload.path is None or upload.filename is None:
        raise invalid("file", "Missing required parameter: 'file'.", "missing_required_parameter")
    purpose = upload.fields.get("purpose")
    if purpose is None:
        raise invalid("purpose", "Missing required parameter: 'purpose'.", "missing_required_parameter")
    if purpose not in UPLOAD_PURPOSES:
        allowed = ", ".join(f"'{p}'" for p in UPLOAD_PURPOSES)
        raise invalid("purpose", f"Invalid value: '{purpose}'. Supported values are: {allowed}.")
    created_at = int(time.time())
    file: JSON = {
        "id": file_id,
        "object": "file",
        "bytes": upload.size,
        "created_at": created_at,
        "filename": upload.filename,
        "purpose": purpose,
        "status": "processed",
        "status_details": None,
        "_sha256": upload.sha256,
    }
    expires_at = _expires_at(upload, created_at, purpose)
    if expires_at is not None:
        file["expires_at"] = expires_at
    return file


async def upload(request: Request) -> JSONResponse:
    store = store_of(request)
    file_id = new_id("file-", 22)
    path = store.blob_path(file_id)
    try:
        file = _new_file(await receive(request, path, store.max_upload_bytes), file_id)
        store.insert(FILE, file)
    except BaseException:  # a refused upload, or a client gone mid-stream: keep no partial bytes
        path.unlink(missing_ok=True)
        raise
    return ok(file)


def get_file(store: Store, file_id: str) -> JSON:
    file = store.get(FILE, file_id)
    if file is None:
        raise no_file(file_id)
    return file


async def retrieve(request: Request) -> JSONResponse:
    return ok(get_file(store_of(request), request.path_params["file_id"]))


async def content(request: Request) -> Response:
    store = store_of(request)
    file = get_file(store, request.path_params["file_id"])
    if file["purpose"] in NOT_DOWNLOADABLE and not store.profile.downloads_any_purpose:
        raise ApiError(400, f"Not allowed to download files of purpose: {file['purpose']}")
    return FileResponse(store.blob_path(file["id"]), media_type="application/octet-stream")


async def list_files(request: Request) -> JSONResponse:
    default, maximum = limits.FILES_LIST_LIMIT[1], limits.FILES_LIST_LIMIT[1]
    params = list_params(request, default=default, maximum=maximum, before=False)
    purpose = enum_query(request, "purpose", LISTED_PURPOSES)
    return page_response(page_of(request, FILE, params, where={"purpose": purpose} if purpose else None))


async def delete(request: Request) -> JSONResponse:
    store = store_of(request)
    file_id = request.path_params["file_id"]
    if not delete_file(store, file_id):
        raise no_file(file_id)
    # The delete object is "file", not "file.deleted" (API_FACTS 2.1).
    return deleted(file_id, "file")


routes = [
    Route("/v1/files", upload, methods=["POST"]),
    Route("/v1/files", list_files, methods=["GET"]),
    Route("/v1/files/{file_id}", retrieve, methods=["GET"]),
    Route("/v1/files/{file_id}", delete, methods=["DELETE"]),
    Route("/v1/files/{file_id}/content", content, methods=["GET"]),
]
