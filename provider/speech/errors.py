"""The error the Custom Voice API answers, with what identifies it for support."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provider.errors import ServiceError
from provider.speech.json_body import json_or_empty

if TYPE_CHECKING:
    import requests

_REQUEST_ID_HEADERS = ("apim-request-id", "x-ms-request-id", "x-requestid", "request-id")


class CustomVoiceApiError(ServiceError):
    """An error answered by the Custom Voice API, or a failure to reach it."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        target: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.request_id = request_id
        self.target = target
        super().__init__(message)

    def describe(self) -> str:
        parts = [self.message]
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.code:
            details.append(f"code {self.code}")
        if self.target:
            details.append(f"target {self.target}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)

    @classmethod
    def from_response(cls, response: requests.Response, action: str) -> CustomVoiceApiError:
        error = _error_object(response)
        code = error.get("code") or response.headers.get("x-ms-error-code")
        message = error.get("message") or response.reason or "no error message"
        inner = error.get("innererror")
        if isinstance(inner, dict) and inner.get("message"):
            message = f"{message}: {inner['message']}"
        if response.status_code == 429:
            message = f"{message} (throttled, and still after every retry: run `pulumi up` again later)"
        return cls(
            f"{action} failed: {message}",
            status=response.status_code,
            code=str(code) if code else None,
            request_id=request_id_of(response),
            target=error.get("target"),
        )


def request_id_of(response: requests.Response) -> str | None:
    for header in _REQUEST_ID_HEADERS:
        if header in response.headers:
            return response.headers[header]
    return None


def _error_object(response: requests.Response) -> dict[str, Any]:
    error = json_or_empty(response).get("error")
    return error if isinstance(error, dict) else {}
