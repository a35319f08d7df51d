"""The request budget's window edges: a slot frees a quarter second after the service frees it,
and a wait that ends exactly at the deadline is still taken."""

from provider.speech.request_budget import RequestBudget
from tests.unit.test_request_budget import FakeTime


def test_a_slot_frees_only_after_the_arrival_margin():
    fake = FakeTime()
    budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()
    fake.now = 110.1  # the service has freed the slot (at 110), the margin has not passed
    budget.acquire()
    assert fake.slept == [0.15]


def test_a_wait_ending_exactly_at_the_deadline_is_taken():
    fake = FakeTime()
    budget = RequestBudget(1, 10.0, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()
    budget.acquire(deadline=110.25)
    assert fake.slept == [10.25]
