"""The Custom Voice clients of a process share their Session and one pool of connections
(`provider.speech.client`, `provider.speech.transport`): the provider host makes a client per
call, and a Session and pool per client held memory for as long as the call waited. Shared, a
connection is used again by the next client, a client's close leaves the others' connections
open, calls at once still each get a connection of their own, and each request keeps its own
client's deadline and auth."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import urllib3.util.retry

from emulator import CustomVoiceBackend, EmulatorServer
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.speech.polling import PollSettings
from provider.speech.request_budget import RequestBudget
from tests.conftest import KEY

TIMEOUT = 10.0


class KeepAliveServer(ThreadingHTTPServer):
    """Answers every GET 404 over HTTP/1.1 keep-alive, counting the connections it accepts; with
    `together` N, it answers none until N requests are waiting at once."""

    daemon_threads = True

    def __init__(self, together: int = 1) -> None:
        self.connections = 0
        self.arrived = threading.Barrier(together, timeout=TIMEOUT)
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: KeepAliveServer

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_GET(self) -> None:
        self.server.arrived.wait()
        body = b'{"error": {"code": "NotFound", "message": "none"}}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def keep_alive_server(request: pytest.FixtureRequest) -> Iterator[KeepAliveServer]:
    server = KeepAliveServer(getattr(request, "param", 1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(TIMEOUT)


def client(endpoint: str, **options: Any) -> CustomVoiceClient:
    return CustomVoiceClient(
        endpoint, SubscriptionKeyAuth(KEY), **{"retries": 0, "timeout": (TIMEOUT, TIMEOUT), **options}
    )


def test_clients_of_the_same_retries_and_budget_share_one_session():
    budget = RequestBudget(0)
    first, second = client("http://127.0.0.1:1", budget=budget), client("http://127.0.0.1:2", budget=budget)
    assert first._session is second._session
    assert client("http://127.0.0.1:1", budget=RequestBudget(0))._session is not first._session
    assert client("http://127.0.0.1:1", budget=budget, retries=3)._session is not first._session


@pytest.mark.timeout(30)
def test_each_request_keeps_its_own_clients_deadline_and_key_on_the_shared_session(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", slept.append)
    backend = CustomVoiceBackend(keys=[KEY])
    throttled = (429, {"Retry-After": "30"}, {"error": {"code": "TooManyRequests", "message": "wait"}})
    backend.inject_faults("GET", r".*/personalvoices/.*", [throttled, throttled])
    with EmulatorServer(backend) as server:
        short = client(server.url, retries=1, poll=PollSettings(timeout_seconds=5))
        long = client(server.url, retries=1, poll=PollSettings(timeout_seconds=600))
        wrong_key = CustomVoiceClient(server.url, SubscriptionKeyAuth("not-the-key-0123"), retries=1)
        assert short._session is long._session is wrong_key._session
        with pytest.raises(CustomVoiceApiError, match=r"asked to wait 30 s more, past the 5 s"):
            short.get(PERSONAL_VOICE, "Nobody")
        assert long.get(PERSONAL_VOICE, "Nobody") is None
        with pytest.raises(CustomVoiceApiError) as refused:
            wrong_key.get(PERSONAL_VOICE, "Nobody")
        assert long.get(PERSONAL_VOICE, "Nobody") is None  # its key, not the one sent last
    assert slept == [30.0]
    assert refused.value.status == 401
    assert len(backend.requests) == 5


@pytest.mark.timeout(30)
def test_the_next_client_uses_the_connection_a_closed_one_left(keep_alive_server):
    for _ in range(3):
        with client(keep_alive_server.url) as api:
            assert api.get(PERSONAL_VOICE, "Nobody") is None
    assert keep_alive_server.connections == 1


@pytest.mark.timeout(30)
def test_a_service_that_closes_each_connection_still_answers_every_client():
    # The emulator speaks HTTP/1.0: it closes the connection after each answer.
    with EmulatorServer(CustomVoiceBackend(keys=[KEY])) as server:
        for index in range(3):
            with client(server.url) as api:
                assert api.get(PERSONAL_VOICE, f"Nobody{index}") is None
        assert len(server.backend.requests) == 3


@pytest.mark.timeout(30)
@pytest.mark.parametrize("keep_alive_server", [20], indirect=True)
def test_calls_at_once_each_get_a_connection(keep_alive_server):
    # The server answers none of them until all 20 are waiting: a pool that made calls wait
    # for each other's connection would never get there.
    def call(_index: int) -> dict[str, Any] | None:
        with client(keep_alive_server.url) as api:
            return api.get(PERSONAL_VOICE, "Nobody")

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(call, range(20), timeout=TIMEOUT * 2)) == [None] * 20
    assert keep_alive_server.connections == 20
