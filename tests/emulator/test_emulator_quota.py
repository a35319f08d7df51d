"""The Speech resource's request quota: 50 requests in any 10 seconds on S0, then 429."""

import pytest

from emulator import CustomVoiceBackend, mock_custom_voice
from emulator.quota import NO_QUOTA, Quota
from tests.emulator.conftest import Api, FakeClock

THREE_PER_10_SECONDS = Quota(3, 10.0)


def quota_api(clock: FakeClock, quota: Quota = THREE_PER_10_SECONDS):
    backend = CustomVoiceBackend(clock=clock, quota=quota)
    return backend, mock_custom_voice("https://eastus.api.cognitive.microsoft.com", backend=backend)


def test_a_request_over_the_quota_is_429_with_retry_after_and_the_services_error_body():
    clock = FakeClock()
    backend, mocked = quota_api(clock)
    with mocked:
        api = Api()
        assert [api.call("GET", "projects").status_code for _ in range(3)] == [200, 200, 200]
        clock.advance(2.5)
        refused = api.call("GET", "projects")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "8"  # the first request leaves the window at 10 s
    assert refused.headers["x-ms-error-code"] == "TooManyRequests"
    error = refused.json()["error"]
    assert error["code"] == "TooManyRequests" and "3 requests per 10 seconds" in error["message"]
    assert backend.request_window.refused == 1


def test_the_window_slides_and_refused_requests_do_not_count():
    clock = FakeClock()
    _, mocked = quota_api(clock)
    with mocked:
        api = Api()
        for _ in range(3):
            api.call("GET", "projects")
            clock.advance(1)
        assert api.call("GET", "projects").status_code == 429  # at 3 s: three in the last 10 s
        clock.advance(7)  # at 10 s the first one leaves the window
        assert api.call("GET", "projects").status_code == 200
        assert api.call("GET", "projects").status_code == 429
        clock.advance(1)
        assert api.call("GET", "projects").status_code == 200


def test_requests_with_a_bad_key_are_not_counted_and_the_quota_can_be_off():
    clock = FakeClock()
    _, mocked = quota_api(clock)
    with mocked:
        assert {Api(key="wrong").call("GET", "projects").status_code for _ in range(5)} == {401}
        assert Api().call("GET", "projects").status_code == 200
    _, unlimited = quota_api(clock, NO_QUOTA)
    with unlimited:
        assert {Api().call("GET", "projects").status_code for _ in range(60)} == {200}


def test_the_default_is_the_s0_quota():
    assert CustomVoiceBackend().request_window.quota == Quota(50, 10.0)


@pytest.mark.parametrize(("text", "quota"), [("50/10", Quota(50, 10.0)), ("0", NO_QUOTA), ("5/0.5", Quota(5, 0.5))])
def test_a_quota_is_written_requests_per_seconds(text, quota):
    assert Quota.parse(text) == quota


@pytest.mark.parametrize("text", ["-1/10", "5/0", "five/10"])
def test_a_malformed_quota_is_refused(text):
    with pytest.raises(ValueError):
        Quota.parse(text)
