"""The Custom Voice client: endpoints, API forms, paging, retries and errors."""

import socket
from typing import Any

import pytest
import urllib3.util.retry

from emulator import CustomVoiceBackend, EmulatorServer, mock_custom_voice
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.speech.polling import PollSettings
from tests.audio import wav_bytes
from tests.conftest import CONTAINER, ENDPOINT, KEY

Fault = tuple[int, dict[str, str], dict[str, Any]]


def body(project="proj", prefix="p/"):
    return {
        "projectId": project,
        "consentId": "consent",
        "audios": {"containerUrl": CONTAINER, "prefix": prefix, "extensions": [".wav"]},
    }


def client(endpoint=ENDPOINT, **kwargs):
    return CustomVoiceClient(endpoint, SubscriptionKeyAuth(KEY), backoff_factor=0, **kwargs)


@pytest.mark.parametrize(
    "endpoint", ["https://eastus.api.cognitive.microsoft.com", "https://contoso-speech.cognitiveservices.azure.com/"]
)
def test_regional_and_custom_subdomain_endpoints(endpoint):
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(endpoint.rstrip("/"), backend=backend):
        created = client(endpoint).create(PERSONAL_VOICE, "Voice1", body()).resource
    assert created["id"] == "Voice1" and created["status"] == "NotStarted" and created["speakerProfileId"]
    [request] = backend.requests
    assert request.query["api-version"] == "2026-01-01"


def test_missing_voice_reads_as_none_and_deletes_as_absent(backend):
    with client() as api:
        assert api.get(PERSONAL_VOICE, "Nobody") is None
        assert api.delete(PERSONAL_VOICE, "Nobody") is False


def test_listing_follows_next_link_to_the_last_page_and_filters_by_project(backend):
    backend.add_project("proj2")
    backend.add_consent("consent2", "proj2")
    with client() as api:
        for index in range(5):
            api.create(PERSONAL_VOICE, f"Voice{index}", body())
        api.create(PERSONAL_VOICE, "Other", {**body("proj2"), "consentId": "consent2"})
        assert sorted(v["id"] for v in api.list(PERSONAL_VOICE, page_size=2)) == [
            "Other",
            "Voice0",
            "Voice1",
            "Voice2",
            "Voice3",
            "Voice4",
        ]
        assert len([r for r in backend.requests if r.method == "GET"]) == 3
        assert [v["id"] for v in api.list(PERSONAL_VOICE, "proj2", page_size=2)] == ["Other"]


def test_poller_reaches_succeeded(backend):
    with client() as api:
        voice = api.poller(PERSONAL_VOICE, "Voice1", api.create(PERSONAL_VOICE, "Voice1", body()).resource).result()
    assert voice["status"] == "Succeeded"


def test_post_is_retried_on_429_but_not_on_500(backend):
    throttled: Fault = (429, {}, {"error": {"code": "TooManyRequests", "message": "slow"}})
    broken: Fault = (500, {}, {"error": {"code": "InternalServerError", "message": "oops"}})
    fields = {"projectId": "proj", "consentId": "consent"}
    recording = [("jessica.wav", wav_bytes(6))]
    with client() as api:
        backend.inject_faults("POST", r".*/personalvoices/Voice1", [throttled])
        assert api.create_from_files(PERSONAL_VOICE, "Voice1", fields, recording).resource["id"] == "Voice1"
        backend.inject_faults("POST", r".*/personalvoices/Voice2", [broken])
        with pytest.raises(CustomVoiceApiError) as caught:
            api.create_from_files(PERSONAL_VOICE, "Voice2", fields, recording)
    assert caught.value.status == 500 and caught.value.code == "InternalServerError"
    assert [r.method for r in backend.requests] == ["POST", "POST", "POST"]


def test_a_create_answered_200_says_the_id_was_taken(backend):
    existing = {"id": "Voice1", "status": "Succeeded", "projectId": "other"}
    backend.inject_faults("PUT", r".*/personalvoices/Voice1", [(200, {}, existing)])
    with client() as api:
        answer = api.create(PERSONAL_VOICE, "Voice1", body())
        fresh = api.create(PERSONAL_VOICE, "Voice2", body())
    assert (answer.existed, answer.resource["projectId"]) == (True, "other")
    assert (fresh.existed, fresh.resource["status"]) == (False, "NotStarted")


@pytest.mark.parametrize(("retry_after", "retried"), [("2", True), ("90", False)])
def test_no_retry_waits_past_the_operations_deadline(monkeypatch, retry_after, retried):
    slept: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", slept.append)
    backend = CustomVoiceBackend(keys=[KEY])
    throttled = (429, {"Retry-After": retry_after}, {"error": {"code": "TooManyRequests", "message": "wait"}})
    backend.inject_faults("GET", r".*/personalvoices/.*", [throttled])
    with EmulatorServer(backend) as server, client(server.url, poll=PollSettings(timeout_seconds=5)) as api:
        if retried:
            assert api.get(PERSONAL_VOICE, "Nobody") is None
        else:
            with pytest.raises(CustomVoiceApiError, match=r"throttled: the service asked to wait 90 s more") as late:
                api.get(PERSONAL_VOICE, "Nobody")
            assert late.value.status == 429 and "run `pulumi up` again later" in str(late.value)
    assert slept == ([2.0] if retried else [])
    assert len(backend.requests) == (2 if retried else 1)


def test_a_run_of_429s_beyond_the_retries_says_it_was_throttled(backend):
    throttled = (429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "slow down"}})
    backend.inject_faults("GET", r".*/personalvoices/.*", [throttled] * 3)
    with client(retries=2) as api, pytest.raises(CustomVoiceApiError) as caught:
        api.get(PERSONAL_VOICE, "Nobody")
    assert caught.value.status == 429
    assert "throttled, and still after every retry: run `pulumi up` again later" in str(caught.value)


def test_retry_after_is_honoured_against_the_real_server(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", slept.append)
    backend = CustomVoiceBackend(keys=[KEY])
    backend.inject_faults(
        "GET",
        r".*/personalvoices/.*",
        [(429, {"Retry-After": "7"}, {"error": {"code": "TooManyRequests", "message": "wait"}})],
    )
    with EmulatorServer(backend) as server, client(server.url) as api:
        assert api.get(PERSONAL_VOICE, "Nobody") is None
    assert slept == [7.0]


def test_connection_errors_are_retried_then_reported_without_secrets():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = client(f"http://127.0.0.1:{port}", retries=2, timeout=(0.5, 0.5))
    with api, pytest.raises(CustomVoiceApiError, match="ConnectionError") as caught:
        api.get(PERSONAL_VOICE, "Voice1")
    assert KEY not in str(caught.value)


@pytest.fixture
def silent_server():
    """A server that takes connections and never answers: only a read timeout ends a call."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "call",
    [
        lambda api: api.get(PERSONAL_VOICE, "Voice1"),
        lambda api: list(api.list(PERSONAL_VOICE)),
        lambda api: api.create(PERSONAL_VOICE, "Voice1", body()),
        lambda api: api.create_from_files(PERSONAL_VOICE, "Voice1", {"projectId": "proj"}, [("a.wav", wav_bytes(6))]),
        lambda api: api.delete(PERSONAL_VOICE, "Voice1"),
        lambda api: api.list_base_models(),
    ],
    ids=["get", "list", "create", "create from files", "delete", "base models"],
)
def test_every_call_gives_up_on_a_service_that_never_answers(silent_server, call):
    with client(silent_server, retries=0, timeout=(1.0, 0.5)) as api, pytest.raises(CustomVoiceApiError) as caught:
        call(api)
    assert "Timeout" in str(caught.value)


def test_error_carries_status_code_message_and_request_id(backend):
    backend.inject_faults(
        "GET",
        r".*/personalvoices/.*",
        [(400, {"apim-request-id": "req-123"}, {"error": {"code": "BadArgument", "message": "nope"}})],
    )
    with client() as api, pytest.raises(CustomVoiceApiError) as caught:
        api.get(PERSONAL_VOICE, "Voice1")
    error = caught.value
    assert (error.status, error.code, error.request_id) == (400, "BadArgument", "req-123")
    assert "nope" in str(error) and "Voice1" in str(error)


@pytest.mark.parametrize(
    "next_link",
    [
        "https://elsewhere.example/customvoice/x",
        f"{ENDPOINT}.elsewhere.example/customvoice/x",
        f"{ENDPOINT}@elsewhere.example/customvoice/x",
        ENDPOINT.replace("https://", "https://elsewhere.example\\@") + "/customvoice/x",
        ENDPOINT.replace("https://", "http://") + "/customvoice/x",
    ],
)
def test_a_next_link_to_another_host_is_not_followed(backend, next_link):
    backend.inject_faults("GET", r".*/personalvoices", [(200, {}, {"value": [], "nextLink": next_link})])
    with client() as api, pytest.raises(CustomVoiceApiError, match="another host"):
        list(api.list(PERSONAL_VOICE))


def test_redirects_are_not_followed_so_the_key_stays_home(backend):
    backend.inject_faults("GET", r".*/personalvoices/Voice1", [(307, {"Location": "https://elsewhere.example/"}, None)])
    with client() as api, pytest.raises(CustomVoiceApiError) as caught:
        api.get(PERSONAL_VOICE, "Voice1")
    assert caught.value.status == 307
