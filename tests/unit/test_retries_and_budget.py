"""Retries as the transport makes them: every repeat draws from the Speech resource's request
budget as the first try does, and a Retry-After is honoured on any status it may come with."""

from emulator import CustomVoiceBackend, EmulatorServer
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient
from provider.speech.request_budget import RequestBudget
from tests.conftest import ENDPOINT, KEY


class CountingBudget(RequestBudget):
    def __init__(self) -> None:
        super().__init__(0)
        self.deadlines: list[float | None] = []
        self.writes: list[bool] = []

    def acquire(self, deadline: float | None = None, *, write: bool = True) -> None:
        self.deadlines.append(deadline)
        self.writes.append(write)


def test_every_retry_draws_from_the_request_budget():
    budget = CountingBudget()
    backend = CustomVoiceBackend(keys=[KEY])
    backend.inject_faults("GET", r".*/personalvoices/Voice1", [(503, {}, {"error": {"code": "Busy"}})] * 2)
    with (
        EmulatorServer(backend) as server,
        CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), backoff_factor=0, budget=budget) as api,
    ):
        assert api.get(PERSONAL_VOICE, "Voice1") is None
    assert len(backend.requests) == 3
    assert len(budget.deadlines) == 3 and None not in budget.deadlines
    assert budget.writes == [False, False, False]  # a read, retried as a read


def test_a_retry_after_is_honoured_on_a_413_too(backend):
    too_large = (413, {"Retry-After": "0"}, {"error": {"code": "TooLarge", "message": "later"}})
    backend.inject_faults("GET", r".*/personalvoices/Voice1", [too_large])
    with CustomVoiceClient(ENDPOINT, SubscriptionKeyAuth(KEY), backoff_factor=0) as api:
        assert api.get(PERSONAL_VOICE, "Voice1") is None
    assert len(backend.requests) == 2
