"""What the emulated service answers when it refuses a request: the spec's ErrorResponse, raised by
the backend and rendered by the router."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ErrorResponse(Exception):
    """The service's refusal: HTTP status, the spec's error code, message and optional target."""

    def __init__(
        self, status: int, code: str, message: str, target: str | None = None, headers: Mapping[str, str] = {}
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = dict(headers)  # besides x-ms-error-code, e.g. a 429's Retry-After

    def to_json(self) -> dict[str, Any]:
        """The spec's ErrorResponse body: {"error": {"code", "message", "target"?}}."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target is not None:
            error["target"] = self.target
        return {"error": error}


def bad_argument(message: str, target: str) -> ErrorResponse:
    """A malformed or missing value in the request itself."""
    return ErrorResponse(400, "BadArgument", message, target)


def bad_request(message: str, target: str | None = None) -> ErrorResponse:
    """A well-formed request the current state does not allow."""
    return ErrorResponse(400, "BadRequest", message, target)


def not_found(message: str) -> ErrorResponse:
    return ErrorResponse(404, "NotFound", message)


def conflict(message: str) -> ErrorResponse:
    return ErrorResponse(409, "Conflict", message, "id")
