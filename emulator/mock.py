"""The `responses` front: requests made with the `requests` library reach the backend in-process.

Retries: `responses` replays a status-based urllib3 `Retry` mounted on a Session (a 429 or
503 from `inject_faults` is retried against the next queued answer), but it never sleeps,
so backoff and Retry-After waits are not exercised, and connection-level retries cannot
happen at all. Use `EmulatorServer` to exercise real retry timing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import responses
from requests import PreparedRequest

from emulator.backend import CustomVoiceBackend
from emulator.routes import RawResponse, dispatch

DEFAULT_ENDPOINT = "https://eastus.api.cognitive.microsoft.com"
# The only URLs the backend's audio inspector contacts (emulator.prompt_audio_inspector).
_LOOPBACK_URL = re.compile(r"https?://(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:[/?]|$)", re.IGNORECASE)
METHODS = (responses.GET, responses.PUT, responses.POST, responses.PATCH, responses.DELETE, responses.HEAD)


@contextmanager
def mock_custom_voice(
    endpoint: str = DEFAULT_ENDPOINT, backend: CustomVoiceBackend | None = None
) -> Iterator[CustomVoiceBackend]:
    """Route `{endpoint}/customvoice/...`, `{endpoint}/_emulator/...` and text to speech
    (`{endpoint}[/tts]/cognitiveservices/v1`) to `backend` (a fresh
    one if None) and refuse every other URL, except loopback URLs when the backend inspects
    prompt audio: those reach the real local storage. Works as `with mock_custom_voice() as backend:`
    and as a decorator, `@mock_custom_voice()`, which gives each call a fresh backend unless
    one is passed."""
    active = backend if backend is not None else CustomVoiceBackend()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        route_custom_voice(mock, re.escape(endpoint.rstrip("/")), active)
        yield active


def route_custom_voice(mock: responses.RequestsMock, endpoint_pattern: str, backend: CustomVoiceBackend) -> None:
    """Send the Custom Voice API's, TTS's and `/_emulator`'s paths under the endpoints that the
    regex `endpoint_pattern` matches (scheme://host[:port]) to `backend`, on `mock`."""
    route_custom_voice_to(mock, endpoint_pattern, lambda _request: backend, backend.inspects_audio)


def route_custom_voice_to(
    mock: responses.RequestsMock,
    endpoint_pattern: str,
    backend_for: Callable[[PreparedRequest], CustomVoiceBackend],
    inspects_audio: bool,
) -> None:
    """`route_custom_voice`, the backend chosen for each request by `backend_for` (which may raise
    `requests.ConnectionError` where no backend answers); `inspects_audio`: let loopback URLs through."""
    url_pattern = re.compile(
        endpoint_pattern + r"/(?:customvoice|_emulator|cognitiveservices/v1|tts/cognitiveservices/v1)(?:[/?]|$)"
    )
    for method in METHODS:
        mock.add_callback(method, url_pattern, callback=partial(_respond, backend_for), content_type=None)
    if inspects_audio:
        # The prompt audio is read from a real local storage emulator (Azurite).
        mock.add_passthru(_LOOPBACK_URL)


def _respond(backend_for: Callable[[PreparedRequest], CustomVoiceBackend], request: PreparedRequest) -> RawResponse:
    body = request.body
    raw = body.encode() if isinstance(body, str) else body or b""
    return dispatch(backend_for(request), request.method or "GET", request.url or "", dict(request.headers), raw)
