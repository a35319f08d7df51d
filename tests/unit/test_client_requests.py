"""What the Custom Voice client sends and how it reads what comes back: the multipart create's
parts, the messages naming each action, delete's answers, the base model list, and waits that
would run past the operation's deadline."""

import socket
from email.parser import BytesParser
from email.policy import HTTP
from types import SimpleNamespace
from typing import Any

import pytest
import responses
import urllib3.util.retry
from urllib3.response import HTTPResponse

from emulator import CustomVoiceBackend, EmulatorServer
from provider.speech import transport
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.base_models import listed_base_models
from provider.speech.client import PERSONAL_VOICE, PROJECT, CustomVoiceClient
from provider.speech.deadline import operation_deadline
from provider.speech.errors import CustomVoiceApiError
from provider.speech.polling import PollSettings, PollTimeout
from provider.speech.transport import retry_policy
from tests.conftest import ENDPOINT, KEY

VOICE = f"{ENDPOINT}/customvoice/personalvoices/Voice1"
BAD_REQUEST: tuple[int, dict[str, str], dict[str, Any]] = (
    400,
    {},
    {"error": {"code": "BadArgument", "message": "nope"}},
)


def client(endpoint: str = ENDPOINT, **kwargs: Any) -> CustomVoiceClient:
    return CustomVoiceClient(endpoint, SubscriptionKeyAuth(KEY), backoff_factor=0, **kwargs)


def parts_of(request: Any) -> list[tuple[str, str | None, str]]:
    """(form field name, file name, content type) of each part of a multipart/form-data body."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return [
        (str(part.get_param("name", header="content-disposition")), part.get_filename(), part.get_content_type())
        for part in message.iter_parts()
    ]


def test_the_recordings_go_as_audiodata_parts_typed_by_their_extension():
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, VOICE, json={"id": "Voice1", "status": "NotStarted"}, status=201)
        with client() as api:
            api.create_from_files(
                PERSONAL_VOICE, "Voice1", {"projectId": "proj"}, [("Take1.MP3", b"ID3"), ("take2.wav", b"RIFF")]
            )
        [call] = mock.calls
    assert call.request.method == "POST"
    assert parts_of(call.request) == [
        ("projectId", None, "text/plain"),
        ("audiodata", "Take1.MP3", "audio/mpeg"),
        ("audiodata", "take2.wav", "audio/wav"),
    ]


def test_every_create_form_names_the_voice_in_its_error(backend):
    backend.inject_faults("POST", r".*/personalvoices(/Voice1)?", [BAD_REQUEST, BAD_REQUEST])
    with client() as api:
        with pytest.raises(CustomVoiceApiError) as from_files:
            api.create_from_files(PERSONAL_VOICE, "Voice1", {"projectId": "proj"}, [("a.wav", b"RIFF")])
        with pytest.raises(CustomVoiceApiError) as seed_form:
            api.create_with_seed_form("Voice1", {"projectId": "proj", "consentId": "consent"})
    expected = "Creating personal voice 'Voice1' failed: nope (HTTP 400, code BadArgument)"
    assert (from_files.value.describe(), seed_form.value.describe()) == (expected, expected)
    assert [(r.method, r.path) for r in backend.requests] == [
        ("POST", "/customvoice/personalvoices/Voice1"),
        ("POST", "/customvoice/personalvoices"),
    ]


def test_a_failed_delete_names_what_it_deleted(backend):
    backend.inject_faults("DELETE", r".*/personalvoices/Voice1", [BAD_REQUEST])
    with client() as api, pytest.raises(CustomVoiceApiError) as raised:
        api.delete(PERSONAL_VOICE, "Voice1")
    assert str(raised.value) == "Deleting personal voice 'Voice1' failed: nope (HTTP 400, code BadArgument)"


@pytest.mark.parametrize("status", [200, 202, 204])
def test_a_delete_answered_with_any_success_status_deleted_it(backend, status):
    backend.inject_faults("DELETE", r".*/personalvoices/Voice1", [(status, {}, None)])
    with client() as api:
        assert api.delete(PERSONAL_VOICE, "Voice1") is True


def test_base_model_items_without_a_name_are_passed_over(backend):
    listed = {"value": [{"name": "PhoenixV2Neural"}, {"description": "no name"}, "DragonNeural", {"name": ""}]}
    backend.inject_faults("GET", r".*/customvoice/basemodels", [(200, {}, listed)])
    with client() as api:
        assert api.list_base_models() == ("PhoenixV2Neural",)


def test_each_speech_resource_has_its_own_base_model_list():
    with responses.RequestsMock() as mock:
        for host, name in (("one", "OneNeural"), ("two", "TwoNeural")):
            url = f"https://{host}.cognitiveservices.azure.com/customvoice/basemodels"
            mock.add(responses.GET, url, json={"value": [{"name": name}]})
        with client("https://one.cognitiveservices.azure.com") as one:
            assert listed_base_models(one) == ("OneNeural",)
        with client("https://two.cognitiveservices.azure.com") as two:
            assert listed_base_models(two) == ("TwoNeural",)
        with client("https://ONE.cognitiveservices.azure.com") as one_again:
            assert listed_base_models(one_again) == ("OneNeural",)
        assert len(mock.calls) == 2


def test_a_server_error_whose_retry_after_runs_past_the_deadline_is_not_called_throttled(monkeypatch):
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", lambda seconds: pytest.fail(f"slept {seconds}"))
    backend = CustomVoiceBackend(keys=[KEY])
    unavailable = (503, {"Retry-After": "90"}, {"error": {"code": "ServiceUnavailable", "message": "busy"}})
    backend.inject_faults("GET", r".*/personalvoices/.*", [unavailable])
    with (
        EmulatorServer(backend) as server,
        client(server.url, poll=PollSettings(timeout_seconds=5)) as api,
        pytest.raises(CustomVoiceApiError) as late,
    ):
        api.get(PERSONAL_VOICE, "Nobody")
    assert str(late.value) == (
        "Reading personal voice 'Nobody' failed: the service asked to wait 90 s more, past the 5 s this "
        "operation may take (createTimeoutSeconds). Nothing is lost: run `pulumi up` again later"
    )
    assert late.value.status is None


def test_a_wait_that_ends_exactly_at_the_deadline_is_still_taken(monkeypatch):
    slept: list[float] = []
    sent: list[str] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", slept.append)
    monkeypatch.setattr(transport, "time", SimpleNamespace(monotonic=lambda: 98.0))
    policy = retry_policy(2, 0.0, before_send=sent.append)
    with operation_deadline(100.0):
        policy.sleep(HTTPResponse(status=429, headers={"Retry-After": "2"}))
    assert (slept, sent) == ([2.0], ["GET"])  # no try recorded: counted as a read


def test_an_id_is_one_path_segment_whatever_it_holds():
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/personalvoices/a%2Fb%3F", status=404)
        with client() as api:
            assert api.get(PERSONAL_VOICE, "a/b?") is None
        [call] = mock.calls
    assert call.request.path_url.startswith("/customvoice/personalvoices/a%2Fb%3F?api-version=")


def test_requests_say_who_sends_them():
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/personalvoices/Voice1", status=404)
        with client() as api:
            api.get(PERSONAL_VOICE, "Voice1")
        [call] = mock.calls
    assert call.request.headers["User-Agent"] == "personal-voice-as-code"
    assert call.request.headers["Ocp-Apim-Subscription-Key"] == KEY


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_a_read_is_retried_on_every_passing_failure(backend, status):
    backend.inject_faults("GET", r".*/personalvoices/Voice1", [(status, {}, {"error": {"code": "Busy"}})])
    with client() as api:
        assert api.get(PERSONAL_VOICE, "Voice1") is None
    assert len(backend.requests) == 2


def test_a_delete_is_retried_on_a_server_error(backend):
    backend.inject_faults("DELETE", r".*/personalvoices/Voice1", [(503, {}, {"error": {"code": "Busy"}})])
    with client() as api:
        assert api.delete(PERSONAL_VOICE, "Voice1") is False
    assert [r.method for r in backend.requests] == ["DELETE", "DELETE"]


def test_a_backoff_past_the_deadline_is_not_waited_and_never_exceeds_30_seconds(monkeypatch):
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", lambda seconds: pytest.fail(f"slept {seconds}"))
    backend = CustomVoiceBackend(keys=[KEY])
    broken: tuple[int, dict[str, str], dict[str, Any]] = (
        500,
        {},
        {"error": {"code": "InternalServerError", "message": "oops"}},
    )
    backend.inject_faults("GET", r".*/personalvoices/.*", [broken] * 3)
    poll = PollSettings(timeout_seconds=5)
    with (
        EmulatorServer(backend) as server,
        CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), backoff_factor=60, poll=poll) as api,
        pytest.raises(CustomVoiceApiError) as late,
    ):
        api.get(PERSONAL_VOICE, "Nobody")
    assert str(late.value).startswith("Reading personal voice 'Nobody' failed: the service asked to wait 30 s more")
    assert late.value.status is None
    assert len(backend.requests) == 2  # the first retry comes at once; the second would wait 30 s


def test_a_write_ends_the_use_of_a_listing_from_before_it(backend):
    body = {
        "projectId": "proj",
        "consentId": "consent",
        "audios": {"containerUrl": "https://a.b/c", "extensions": [".wav"]},
    }
    with client() as api:
        assert api.get_listed(PERSONAL_VOICE, "Voice1", max_age=60) is None
        api.create(PERSONAL_VOICE, "Voice1", body)
        assert (api.get_listed(PERSONAL_VOICE, "Voice1", max_age=60) or {}).get("id") == "Voice1"
    assert [(r.method, r.path, r.query.get("maxpagesize")) for r in backend.requests] == [
        ("GET", "/customvoice/personalvoices", "1000"),
        ("GET", "/customvoice/personalvoices/Voice1", None),
        ("PUT", "/customvoice/personalvoices/Voice1", None),
        ("GET", "/customvoice/personalvoices", "1000"),
    ]


def test_a_listing_asks_for_large_pages_and_follows_the_next_link_of_smaller_ones(backend):
    backend.seed(projects=[{"id": f"proj{index:04d}"} for index in range(1005)])
    with client() as api:
        assert api.get_listed(PROJECT, "proj1004", max_age=60) is not None
    assert [(r.path, r.query.get("maxpagesize"), r.query.get("skip")) for r in backend.requests] == [
        ("/customvoice/projects", "1000", None),
        ("/customvoice/projects", "1000", "1000"),
    ]


def test_a_service_that_refuses_the_page_size_is_asked_again_with_its_own(backend):
    refused = {"error": {"code": "BadArgument", "message": "maxpagesize is too large.", "target": "maxpagesize"}}
    backend.inject_faults("GET", r".*/customvoice/projects", [(400, {}, refused)])
    backend.seed(projects=[{"id": "proj1"}])
    with client() as api:
        assert (api.get_listed(PROJECT, "proj1", max_age=60) or {}).get("id") == "proj1"
    assert [r.query.get("maxpagesize") for r in backend.requests] == ["1000", None]


def test_a_listing_refused_for_another_reason_fails(backend):
    refused = {"error": {"code": "BadArgument", "message": "filter is wrong.", "target": "filter"}}
    backend.inject_faults("GET", r".*/customvoice/personalvoices", [(400, {}, refused)])
    with client() as api, pytest.raises(CustomVoiceApiError, match="filter is wrong"):
        api.get_listed(PERSONAL_VOICE, "Voice1", max_age=60)
    assert len(backend.requests) == 1


def test_a_connection_failure_names_the_action_and_the_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client(f"http://127.0.0.1:{port}", retries=0) as api, pytest.raises(CustomVoiceApiError) as raised:
        api.get(PERSONAL_VOICE, "Voice1")
    assert str(raised.value).startswith("Reading personal voice 'Voice1' failed: ConnectionError: ")


def test_a_next_link_is_followed_as_given_with_its_own_api_version():
    collection = f"{ENDPOINT}/customvoice/personalvoices"
    next_link = f"{collection}?api-version=2026-01-01&skiptoken=two"
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, collection, json={"value": [{"id": "a"}], "nextLink": next_link})
        mock.add(responses.GET, collection, json={"value": [{"id": "b"}]})
        with client() as api:
            assert [item["id"] for item in api.list(PERSONAL_VOICE, "proj")] == ["a", "b"]
        first, second = (call.request.url for call in mock.calls)
    assert first == f"{collection}?filter=projectId+eq+%27proj%27&api-version=2026-01-01"
    assert second == next_link


def test_reading_voices_the_listing_lacks_keeps_the_listing_in_use(backend):
    with client() as api:
        assert api.get_listed(PERSONAL_VOICE, "Nobody1", max_age=60) is None
        assert api.get_listed(PERSONAL_VOICE, "Nobody2", max_age=60) is None
    assert [r.path for r in backend.requests] == [
        "/customvoice/personalvoices",
        "/customvoice/personalvoices/Nobody1",
        "/customvoice/personalvoices/Nobody2",
    ]


def test_a_create_not_done_in_time_names_the_resource(backend):
    body = {
        "projectId": "proj",
        "consentId": "consent",
        "audios": {"containerUrl": "https://a.b/c", "extensions": [".wav"]},
    }
    with client(poll=PollSettings(timeout_seconds=0.0)) as api:
        created = api.create(PERSONAL_VOICE, "Voice1", body).resource
        with pytest.raises(PollTimeout) as raised:
            api.poller(PERSONAL_VOICE, "Voice1", created).result()
    assert str(raised.value).startswith("Personal voice 'Voice1' was still NotStarted after 0 s (createTimeoutSeconds)")


def test_the_seed_forms_create_ends_older_listings_for_the_whole_collection(backend):
    """Its path names no voice (the id is in the body): no listing from before it may answer."""
    created: tuple[int, dict[str, str], dict[str, Any]] = (201, {}, {"id": "Voice1", "status": "NotStarted"})
    backend.inject_faults("POST", r".*/personalvoices", [created])
    with client() as api:
        assert api.get_listed(PERSONAL_VOICE, "Other", max_age=60.0) is None
        api.create_with_seed_form("Voice1", {"projectId": "proj", "consentId": "consent"})
        api.get_listed(PERSONAL_VOICE, "Voice1", max_age=60.0)
    assert [(r.method, r.path) for r in backend.requests] == [
        ("GET", "/customvoice/personalvoices"),
        ("GET", "/customvoice/personalvoices/Other"),
        ("POST", "/customvoice/personalvoices"),
        ("GET", "/customvoice/personalvoices"),  # a listing of its own, not the one before the create
        ("GET", "/customvoice/personalvoices/Voice1"),  # which lacks it (the canned create made none)
    ]


UNAVAILABLE: tuple[int, dict[str, str], dict[str, Any]] = (
    503,
    {},
    {"error": {"code": "ServiceUnavailable", "message": "down"}},
)


def test_a_failed_listing_says_what_it_listed_on_the_first_page_and_on_a_later_one():
    second_page = f"{ENDPOINT}/customvoice/next-page-of-projects"
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/personalvoices", status=503, json=UNAVAILABLE[2])
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/projects", json={"value": [], "nextLink": second_page})
        mock.add(responses.GET, second_page, status=503, json=UNAVAILABLE[2])
        with client(retries=0) as api:
            with pytest.raises(CustomVoiceApiError) as first:
                list(api.list(PERSONAL_VOICE))
            with pytest.raises(CustomVoiceApiError) as later:
                list(api.list(PROJECT))
    assert first.value.describe().startswith("Listing personal voices failed: down (HTTP 503")
    assert later.value.describe().startswith("Listing projects failed: down (HTTP 503")


def test_a_page_without_value_lists_nothing_and_a_body_not_an_object_reads_as_empty():
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/projects", json={})
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/projects/proj", json=["not", "an", "object"])
        with client() as api:
            assert list(api.list(PROJECT)) == []
            assert api.get(PROJECT, "proj") == {}


def test_a_read_of_its_own_does_not_end_the_use_of_a_listing(backend):
    with client() as api:
        assert api.get_listed(PROJECT, "proj", max_age=60.0) is not None
        assert api.get(PROJECT, "proj") is not None
        assert api.get_listed(PROJECT, "proj", max_age=60.0) is not None
    assert [(r.method, r.path) for r in backend.requests] == [
        ("GET", "/customvoice/projects"),
        ("GET", "/customvoice/projects/proj"),
    ]


@pytest.mark.timeout(30)
def test_a_post_that_got_no_answer_is_not_sent_again_but_a_put_is():
    """A read timeout may come after the service acted: a POST create is never repeated blind
    (a PUT names its resource, so repeating it is safe)."""

    def connections_after(call: Any) -> int:
        with socket.socket() as listening:
            listening.bind(("127.0.0.1", 0))
            listening.listen(16)
            url = f"http://127.0.0.1:{listening.getsockname()[1]}"
            with client(url, retries=2, timeout=(1.0, 0.3)) as api, pytest.raises(CustomVoiceApiError):
                call(api)
            listening.settimeout(0.2)
            accepted = []
            try:
                while True:
                    accepted.append(listening.accept()[0])
            except TimeoutError:
                pass
            for connection in accepted:
                connection.close()
            return len(accepted)

    files = [("a.wav", b"RIFF")]
    assert connections_after(lambda api: api.create_from_files(PERSONAL_VOICE, "Voice1", {}, files)) == 1
    assert connections_after(lambda api: api.create(PERSONAL_VOICE, "Voice1", {})) == 3
