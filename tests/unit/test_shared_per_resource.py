"""What the provider host shares per Speech resource: one listing per collection and API version,
one request budget; and a listing that started as a caller asked serves it."""

import time

import pytest

from provider.speech.listing import SharedListing, shared_listing
from provider.speech.request_budget import budget_for
from provider.speech.transport import WaitPastDeadline

ENDPOINT = "https://contoso.cognitiveservices.azure.com"


def test_one_listing_per_resource_collection_and_api_version():
    voices = shared_listing(ENDPOINT, "2026-01-01", "personalvoices")
    assert shared_listing(ENDPOINT + "/", "2026-01-01", "personalvoices") is voices
    assert shared_listing("https://Contoso.cognitiveservices.azure.com", "2026-01-01", "personalvoices") is voices
    assert shared_listing(ENDPOINT, "2026-01-01", "consents") is not voices
    assert shared_listing(ENDPOINT, "2024-02-01-preview", "personalvoices") is not voices
    assert shared_listing("https://fabrikam.cognitiveservices.azure.com", "2026-01-01", "personalvoices") is not voices
    assert shared_listing("http://127.0.0.1:8080/", "2026-01-01", "personalvoices") is shared_listing(
        "http://127.0.0.1:8080", "2026-01-01", "personalvoices"
    )
    assert shared_listing("https://speechX", "2026-01-01", "personalvoices") is not shared_listing(
        "https://speech", "2026-01-01", "personalvoices"
    )


def test_a_listing_that_started_the_moment_a_poll_asked_answers_it():
    calls: list[int] = []

    def list_all() -> dict[str, dict[str, str]]:
        calls.append(1)
        return {"a": {"id": "a"}}

    listing = SharedListing(clock=lambda: 5.0)
    assert listing.lookup("a", 0.0, list_all) == {"id": "a"}
    assert listing.lookup("a", 0.0, list_all) == {"id": "a"}
    assert len(calls) == 1


def test_the_budget_of_a_resource_holds_its_configured_number_of_requests():
    budget = budget_for(ENDPOINT + "/", 2)
    assert budget_for(ENDPOINT, 2) is budget
    assert budget_for("https://speechX", 2) is not budget_for("https://speech", 2)
    deadline = time.monotonic() + 1.0
    budget.acquire(deadline)
    budget.acquire(deadline)
    with pytest.raises(WaitPastDeadline):
        budget.acquire(deadline)
