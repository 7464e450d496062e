"""OpenAI-shaped errors: `{"error": {"message", "type", "param", "code"}}` with the right status."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from aac.sandbox.profiles import OPENAI, Profile


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
        missing: str | None = None,
    ) -> None:
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")  # an echoed lone surrogate
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}
        self.missing = missing  # a 404's wording on llama-stack-family servers, which answer 400


    def body(self, profile: Profile = OPENAI) -> dict[str, Any]:
        if profile.bare_errors:
            return {"error": {"message": self._message(profile)}}
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def _message(self, profile: Profile) -> str:
        return self.missing if profile.not_found_400 and self.missing and self.status == 404 else self.message

    def response(self, profile: Profile = OPENAI) -> JSONResponse:
        status = 400 if profile.not_found_400 and self.missing and self.status == 404 else self.status
        return JSONResponse(self.body(profile), status_code=status, headers=self.headers)


class AzureError(ApiError):
    """An error as Azure's data planes answer: `{"error": {"code", "message"}}` (azure-ai-projects 2.10.0
    `ApiErrorResponse`, whose `code` is required), with `param` when one parameter is at fault."""

    def body(self, profile: Profile = OPENAI) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code or str(self.status), "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        return {"error": error}

    @classmethod
    def of(cls, error: ApiError) -> AzureError:
        """`error` (from the shared checks, which speak OpenAI's shape) in Azure's shape."""
        return cls(error.status, error.message, param=error.param, code=error.code, headers=error.headers)


def invalid(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def not_found(message: str, missing: str | None = None) -> ApiError:
    return ApiError(404, message, missing=missing)


def no_assistant(assistant_id: str) -> ApiError:
    return not_found(f"No assistant found with id '{assistant_id}'.", f"Assistant '{assistant_id}' not found")


def no_file(file_id: str) -> ApiError:
    return not_found(f"No such File object: {file_id}", f"File '{file_id}' not found")


def no_vector_store(vector_store_id: str) -> ApiError:
    return not_found(f"No vector store found with id '{vector_store_id}'.",
                     f"Vector_store '{vector_store_id}' not found")


def no_vector_store_file(vector_store_id: str, file_id: str) -> ApiError:
    return not_found(f"No file found with id '{file_id}' in vector store '{vector_store_id}'.",
                     f"File '{file_id}' not found in vector store '{vector_store_id}'")


def no_batch(batch_id: str) -> ApiError:
    return not_found(f"No file batch found with id '{batch_id}'.", f"Vector_store_file_batch '{batch_id}' not found")


def no_agent(agent_id: str) -> ApiError:
    return not_found(f"No agent found with id '{agent_id}'.")


def no_vault(vault_id: str) -> ApiError:
    return not_found(f"No vault found with id '{vault_id}'.")


def no_credential(vault_id: str, credential_id: str) -> ApiError:
    return not_found(f"No credential found with id '{credential_id}' in vault '{vault_id}'.")


def no_environment_template(template_id: str) -> ApiError:
    return not_found(f"No environment template found with id '{template_id}'.")
