"""One request budget per Speech resource in the provider host."""

import threading
import time
from typing import Any

import pytest

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.quota import Quota
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.client import PROJECT, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.speech.polling import PollSettings
from provider.speech.request_budget import RequestBudget, budget_for
from provider.speech.transport import WaitPastDeadline
from tests.conftest import KEY


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_full_window_waits_until_its_oldest_request_leaves_it():
    fake = FakeTime()
    budget = RequestBudget(3, 10.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(3):
        budget.acquire()
        fake.now += 1
    budget.acquire()  # at 103: the one sent at 100 leaves the window at 110 (+ the arrival margin)
    assert fake.slept == [7.25]
    budget.acquire()
    assert fake.slept == [7.25, 1.0]  # then the one sent at 101


def test_a_slot_counts_from_when_its_request_was_answered():
    """A thread of a busy host may send long after it took its slot: the service counts the
    request from its arrival, which is before its answer, so the slot frees 10 s after that."""
    fake = FakeTime()
    budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()
    fake.now += 3  # sent late, answered at 103
    budget.answered()
    budget.acquire()
    assert fake.slept == [10.25]  # until 113.25, not 110.25


def test_a_slot_not_yet_answered_counts_from_when_it_was_taken():
    fake = FakeTime()
    budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()
    fake.now += 3
    budget.acquire()
    assert fake.slept == [7.25]


def test_an_answer_moves_only_the_slots_its_own_thread_took():
    fake = FakeTime()
    budget = RequestBudget(2, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()  # this thread's, at 100
    elsewhere = threading.Thread(target=budget.acquire)
    elsewhere.start()
    elsewhere.join()  # another thread's, at 100, never answered
    fake.now += 4
    budget.answered()  # this thread's now counts from 104
    budget.acquire()
    # The other thread's slot leaves first, though it is not the first in the window.
    assert fake.slept == [6.25]
    budget.acquire()
    assert fake.slept == [6.25, 4.0]


def test_no_wait_runs_past_the_deadline():
    fake = FakeTime()
    budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire(deadline=fake.now + 60)
    with pytest.raises(WaitPastDeadline) as raised:
        budget.acquire(deadline=fake.now + 5)
    assert raised.value.throttled and raised.value.wait == pytest.approx(10.25)
    assert fake.slept == []


def test_zero_is_no_budget():
    budget = RequestBudget(0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("slept"))
    for _ in range(1000):
        budget.acquire()


def test_every_client_of_one_resource_shares_its_budget():
    assert budget_for("https://Contoso.cognitiveservices.azure.com/", 50) is budget_for(
        "https://contoso.cognitiveservices.azure.com", 50
    )
    assert budget_for("https://contoso.cognitiveservices.azure.com", 50) is not budget_for(
        "https://fabrikam.cognitiveservices.azure.com", 50
    )


def test_clients_on_many_threads_stay_inside_the_services_quota():
    """Twelve threads, 36 requests, a quota of 8 per second: the service answers no 429."""
    backend = CustomVoiceBackend(keys=[KEY], quota=Quota(8, 1.0))
    budget = RequestBudget(8, 1.0)
    errors: list[Exception] = []
    with EmulatorServer(backend) as server:

        def work() -> None:
            client = CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), retries=0, budget=budget)
            try:
                for _ in range(3):
                    list(client.list(PROJECT))
            except CustomVoiceApiError as error:
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(12)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        elapsed = time.monotonic() - started
    assert errors == [] and backend.request_window.refused == 0
    assert len(backend.requests) == 36
    assert elapsed >= 4.0  # 36 requests at 8 a second: the budget did the waiting


def test_a_budget_wait_past_the_create_deadline_fails_in_one_line_as_throttled():
    budget = RequestBudget(1, 10.0)
    backend = CustomVoiceBackend(keys=[KEY])
    with EmulatorServer(backend) as server:
        poll = PollSettings(timeout_seconds=2.0)
        client = CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), poll=poll, budget=budget)
        list(client.list(PROJECT))
        with pytest.raises(CustomVoiceApiError) as raised:
            list(client.list(PROJECT))
    message = str(raised.value)
    assert "request budget (requestsPer10Seconds) needed a wait of 10.2 s more" in message and "\n" not in message
    assert raised.value.status is None
    assert len(backend.requests) == 1


def test_a_waiting_write_takes_the_next_slot_before_a_read_that_waited_longer():
    """A create's provisioning runs from its request; a poll only looks: the write goes first."""
    budget = RequestBudget(1, 1.0)
    budget.acquire()  # the window is full until about 1.25 s from now
    order: list[str] = []

    def take(kind: str) -> None:
        budget.acquire(write=kind == "write")
        order.append(kind)

    read = threading.Thread(target=take, args=("read",))
    read.start()
    time.sleep(0.2)  # the read waits first
    write = threading.Thread(target=take, args=("write",))
    write.start()
    for thread in (read, write):
        thread.join(10)
    assert order == ["write", "read"]


def test_a_read_takes_a_free_slot_at_once_when_no_write_waits():
    fake = FakeTime()
    budget = RequestBudget(2, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire(write=False)
    budget.acquire(write=False)
    assert fake.slept == []


def test_every_try_of_a_request_draws_from_the_budget_as_what_it_is():
    """Retries included: a PUT repeated after a 503 is a write both times, its polls reads."""

    class RecordingBudget(RequestBudget):
        def __init__(self) -> None:
            super().__init__(50)
            self.taken: list[bool] = []

        def acquire(self, deadline: float | None = None, *, write: bool = True) -> None:
            self.taken.append(write)
            super().acquire(deadline, write=write)

    budget = RecordingBudget()
    backend = CustomVoiceBackend(keys=[KEY])
    unavailable: tuple[int, dict[str, str], dict[str, Any]] = (
        503,
        {},
        {"error": {"code": "ServiceUnavailable", "message": "busy"}},
    )
    with EmulatorServer(backend) as server:
        client = CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), backoff_factor=0, budget=budget)
        backend.inject_faults("PUT", r".*/projects/proj1", [unavailable])
        client.create(PROJECT, "proj1", {"kind": "PersonalVoice"})
        list(client.list(PROJECT))
    assert [(r.method, r.path) for r in backend.requests] == [
        ("PUT", "/customvoice/projects/proj1"),
        ("PUT", "/customvoice/projects/proj1"),
        ("GET", "/customvoice/projects"),
    ]
    assert budget.taken == [True, True, False]


def test_every_request_is_answered_to_the_budget_once_it_and_its_retries_are_done():
    events: list[str] = []

    class RecordingBudget(RequestBudget):
        def acquire(self, deadline: float | None = None, *, write: bool = True) -> None:
            events.append("write" if write else "read")
            super().acquire(deadline, write=write)

        def answered(self) -> None:
            events.append("answered")
            super().answered()

    backend = CustomVoiceBackend(keys=[KEY])
    unavailable: tuple[int, dict[str, str], dict[str, Any]] = (
        503,
        {},
        {"error": {"code": "ServiceUnavailable", "message": "busy"}},
    )
    with EmulatorServer(backend) as server:
        client = CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY), backoff_factor=0, budget=RecordingBudget(50))
        backend.inject_faults("PUT", r".*/projects/proj1", [unavailable])
        client.create(PROJECT, "proj1", {"kind": "PersonalVoice"})
        list(client.list(PROJECT))
    assert events == ["write", "write", "answered", "read", "answered"]


def test_a_request_that_fails_to_connect_is_answered_to_the_budget_too():
    answered: list[bool] = []

    class RecordingBudget(RequestBudget):
        def answered(self) -> None:
            answered.append(True)
            super().answered()

    closed_port = EmulatorServer(CustomVoiceBackend(keys=[KEY]))
    with closed_port as server:
        url = server.url
    client = CustomVoiceClient(url, SubscriptionKeyAuth(KEY), retries=0, budget=RecordingBudget(50))
    with pytest.raises(Exception):  # noqa: B017 whichever error the client raises for a refused connection
        client.get(PROJECT, "proj1")
    assert answered == [True]


class ReadDuringWait:
    """A sleep for a budget on fake time: while a write waits, one read asks for a slot it may
    not wait for; what the read got is recorded. `before_read`: a write taken first."""

    def __init__(self, fake: FakeTime) -> None:
        self.fake = fake
        self.budget: RequestBudget | None = None
        self.before_read: list[object] = []
        self.outcomes: list[str] = []

    def sleep(self, seconds: float) -> None:
        assert self.budget is not None
        assert len(self.outcomes) < 3, f"the write never got its slot: {self.outcomes}"
        self.fake.now += seconds
        if self.before_read:
            self.before_read.pop()
            self.budget.acquire(write=True)  # another write, which takes a slot first
        try:
            self.budget.acquire(self.fake.now + 0.01, write=False)
            self.outcomes.append("read took the slot")
        except WaitPastDeadline:
            self.outcomes.append("read left it to the write")


def test_an_acquire_that_does_not_say_is_a_write():
    fake = FakeTime()
    reads = ReadDuringWait(fake)
    reads.budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=reads.sleep)
    reads.budget.acquire()
    reads.budget.acquire()  # waits for the slot; a read asking meanwhile leaves it to this one
    assert reads.outcomes == ["read left it to the write"]


def test_reads_wait_while_any_of_several_writes_still_waits():
    fake = FakeTime()
    reads = ReadDuringWait(fake)
    reads.budget = RequestBudget(2, 10.0, clock=fake.clock, sleep=reads.sleep)
    reads.budget.acquire()
    reads.budget.acquire()
    reads.before_read = ["a second write"]
    # The first write waits; when the window frees, a second write takes a slot; the read that
    # then asks finds the other slot free, but the first write still waiting for it.
    reads.budget.acquire()
    assert reads.outcomes == ["read left it to the write"]
