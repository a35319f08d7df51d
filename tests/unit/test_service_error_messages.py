"""What a Custom Voice error answer becomes: the message a user reads, and the code and request id
that identify it for support, from whatever part of the answer carries them."""

import json
from typing import Any

import requests

from provider.speech.errors import CustomVoiceApiError


def answer(
    status: int, body: Any = None, headers: dict[str, str] | None = None, reason: str | None = None
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = reason  # type: ignore[assignment]
    response.headers.update(headers or {})
    response._content = b"" if body is None else json.dumps(body).encode()
    return response


def test_the_inner_error_adds_its_detail_to_the_message():
    body = {"error": {"code": "BadRequest", "message": "Invalid audio", "innererror": {"message": "too short"}}}
    error = CustomVoiceApiError.from_response(answer(400, body), "Creating personal voice 'v'")
    assert (
        error.describe() == "Creating personal voice 'v' failed: Invalid audio: too short (HTTP 400, code BadRequest)"
    )


def test_an_inner_error_without_a_message_adds_nothing():
    body = {"error": {"code": "BadRequest", "message": "Invalid audio", "innererror": {"code": "X"}}}
    error = CustomVoiceApiError.from_response(answer(400, body), "Creating personal voice 'v'")
    assert str(error) == "Creating personal voice 'v' failed: Invalid audio (HTTP 400, code BadRequest)"


def test_an_answer_without_a_json_error_falls_back_to_the_headers_and_reason():
    response = answer(
        502, headers={"x-ms-error-code": "GatewayTimeout", "x-ms-request-id": "r-9"}, reason="Bad Gateway"
    )
    error = CustomVoiceApiError.from_response(response, "Reading personal voice 'v'")
    assert error.describe() == (
        "Reading personal voice 'v' failed: Bad Gateway (HTTP 502, code GatewayTimeout, request id r-9)"
    )


def test_an_answer_with_nothing_to_say_still_says_so():
    error = CustomVoiceApiError.from_response(answer(500), "Reading personal voice 'v'")
    assert error.describe() == "Reading personal voice 'v' failed: no error message (HTTP 500)"
    assert error.code is None and error.request_id is None
