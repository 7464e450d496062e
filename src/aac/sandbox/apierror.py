"""OpenAI-shaped errors: `{"error": {"message", "type", "param", "code"}}` with the right status."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error the sandbox answers with, as the real API would."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")  # an echoed lone surrogate
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def invalid(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def no_assistant(assistant_id: str) -> ApiError:
    return not_found(f"No assistant found with id '{assistant_id}'.")


def no_file(file_id: str) -> ApiError:
    return not_found(f"No such File object: {file_id}")


def no_vector_store(vector_store_id: str) -> ApiError:
    return not_found(f"No vector store found with id '{vector_store_id}'.")


def no_vector_store_file(vector_store_id: str, file_id: str) -> ApiError:
    return not_found(f"No file found with id '{file_id}' in vector store '{vector_store_id}'.")


def no_batch(batch_id: str) -> ApiError:
    return not_found(f"No file batch found with id '{batch_id}'.")


def no_agent(agent_id: str) -> ApiError:
    return not_found(f"No agent found with id '{agent_id}'.")


def no_vault(vault_id: str) -> ApiError:
    return not_found(f"No vault found with id '{vault_id}'.")


def no_credential(vault_id: str, credential_id: str) -> ApiError:
    return not_found(f"No credential found with id '{credential_id}' in vault '{vault_id}'.")
