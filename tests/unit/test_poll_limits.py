"""How long a create is waited for and what the user reads when it is not over in time."""

from dataclasses import replace
from typing import Any

import pytest

from provider.speech.polling import PollSettings, PollTimeout, ResourceVanished, StatusPoller
from provider.speech.settings import SpeechSettings


class NeverDone:
    """A resource that stays `status` on a fake clock the poller sleeps on."""

    def __init__(self, status: str | None = "Running", fetches_allowed: int = 100) -> None:
        self.now = 0.0
        self.status = status
        self.slept: list[float] = []
        self.fetches = 0
        self.fetches_allowed = fetches_allowed

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds

    def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        if self.fetches > self.fetches_allowed:
            pytest.fail("polled past the timeout")
        return {} if self.status is None else {"status": self.status}

    def settings(self, **changes: Any) -> PollSettings:
        return PollSettings(**{"initial_interval": 1.0, "sleep": self.sleep, "clock": lambda: self.now, **changes})


def test_the_wait_ends_at_the_timeout_with_a_message_saying_what_happens_next():
    service = NeverDone(fetches_allowed=3)
    poller = StatusPoller(
        "Personal voice 'Jessica'", service.fetch, {"status": "NotStarted"}, service.settings(timeout_seconds=3)
    )
    with pytest.raises(PollTimeout) as raised:
        poller.result()
    assert str(raised.value) == (
        "Personal voice 'Jessica' was still Running after 3 s (createTimeoutSeconds). It goes on provisioning "
        "in the service; the next `pulumi up` adopts it once it has finished"
    )
    assert service.slept == [1.0, 1.0, 1.0] and service.fetches == 3


def test_a_resource_that_shows_no_status_is_still_pending():
    service = NeverDone(status=None, fetches_allowed=2)
    poller = StatusPoller("Consent 'c'", service.fetch, {}, service.settings(timeout_seconds=1.5))
    with pytest.raises(PollTimeout, match=r"^Consent 'c' was still pending after 1.5 s \(createTimeoutSeconds\)"):
        poller.result()
    assert service.slept == [1.0, 0.5]


def test_a_resource_gone_while_waited_on_says_so():
    settings = NeverDone().settings()
    poller = StatusPoller("Personal voice 'Jessica'", lambda: None, {"status": "NotStarted"}, settings)
    with pytest.raises(ResourceVanished) as raised:
        poller.result()
    assert str(raised.value) == "Personal voice 'Jessica' disappeared while it was being created"


def poll_waits(interval: float) -> list[float]:
    """The waits between polls of a create that never ends, as the settings configure them."""
    service = NeverDone(fetches_allowed=1000)
    configured = SpeechSettings(poll_interval_seconds=interval, create_timeout_seconds=600).poll()
    settings = replace(configured, sleep=service.sleep, clock=lambda: service.now)
    with pytest.raises(PollTimeout):
        StatusPoller("Personal voice 'v'", service.fetch, {"status": "Running"}, settings).result()
    return service.slept


def test_polls_back_off_to_ten_seconds_at_most():
    waits = poll_waits(1.0)
    assert waits[:10] == [1.0] * 10 and max(waits) == 10.0


def test_a_configured_interval_above_ten_seconds_is_kept_throughout():
    assert poll_waits(30.0) == [30.0] * 20
