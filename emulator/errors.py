"""The one exception type the backend raises and the router renders as the spec's ErrorResponse."""

from __future__ import annotations

from typing import Any


class CustomVoiceError(Exception):
    """A domain error: HTTP status, spec error code, message and optional target."""

    def __init__(self, status: int, code: str, message: str, target: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.target = target

    def to_json(self) -> dict[str, Any]:
        """The spec's ErrorResponse body: {"error": {"code", "message", "target"?}}."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target is not None:
            error["target"] = self.target
        return {"error": error}


def bad_argument(message: str, target: str) -> CustomVoiceError:
    """A malformed or missing value in the request itself."""
    return CustomVoiceError(400, "BadArgument", message, target)


def bad_request(message: str, target: str | None = None) -> CustomVoiceError:
    """A well-formed request the current state does not allow."""
    return CustomVoiceError(400, "BadRequest", message, target)


def not_found(message: str) -> CustomVoiceError:
    return CustomVoiceError(404, "NotFound", message)


def conflict(message: str) -> CustomVoiceError:
    return CustomVoiceError(409, "Conflict", message, "id")
