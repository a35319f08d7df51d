"""One listing of a collection serves every caller in the host that asks at about the same time."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.quota import NO_QUOTA
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.speech.listing import SharedListing
from tests.conftest import KEY

TIMEOUT = 10


class Lister:
    """list_all for the tests: numbered listings, optionally held until released."""

    def __init__(self, hold: bool = False) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self) -> dict[str, dict[str, Any]]:
        self.calls += 1
        number = self.calls
        self.started.set()
        assert self.release.wait(TIMEOUT)
        return {"a": {"id": "a", "listing": number}, "b": {"id": "b", "listing": number}}


def number_of(found: dict[str, Any] | None) -> int:
    assert found is not None
    return int(found["listing"])


def test_callers_at_about_the_same_time_share_one_listing():
    listing, lister = SharedListing(), Lister()
    with ThreadPoolExecutor(20) as pool:
        found = list(pool.map(lambda i: listing.lookup("ab"[i % 2], 5.0, lister), range(40)))
    assert lister.calls == 1
    assert {item and item["id"] for item in found} == {"a", "b"}
    assert listing.lookup("missing", 5.0, lister) is None and lister.calls == 1


def test_with_max_age_zero_a_caller_waits_for_a_listing_that_started_after_it_asked():
    listing, lister = SharedListing(), Lister(hold=True)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(listing.lookup, "a", 0.0, lister)
        assert lister.started.wait(TIMEOUT)
        second = pool.submit(listing.lookup, "a", 0.0, lister)  # asks while listing 1 runs
        lister.release.set()
        assert number_of(first.result(TIMEOUT)) == 1
        assert number_of(second.result(TIMEOUT)) == 2


def test_a_write_ends_the_use_of_earlier_listings():
    listing, lister = SharedListing(), Lister()
    assert number_of(listing.lookup("a", 60.0, lister)) == 1
    assert number_of(listing.lookup("a", 60.0, lister)) == 1
    listing.forget()
    assert number_of(listing.lookup("a", 60.0, lister)) == 2


def test_a_failed_listing_fails_its_callers_and_the_next_caller_lists_again():
    listing = SharedListing()
    failing = threading.Event()

    def list_all() -> dict[str, dict[str, Any]]:
        if not failing.is_set():
            failing.set()
            raise CustomVoiceApiError("Listing personal voices failed: HTTP 503")
        return {"a": {"id": "a"}}

    with pytest.raises(CustomVoiceApiError, match="503"):
        listing.lookup("a", 60.0, list_all)
    assert listing.lookup("a", 60.0, list_all) == {"id": "a"}


def test_a_refresh_of_200_voices_reads_them_in_a_few_list_requests():
    backend = CustomVoiceBackend(keys=[KEY], quota=NO_QUOTA)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    body = {
        "projectId": "proj",
        "consentId": "consent",
        "audios": {"containerUrl": "https://a.b/c", "extensions": [".wav"]},
    }
    for index in range(200):
        backend.create_personal_voice(f"voice-{index:03d}", body)
    with EmulatorServer(backend) as server:
        backend.clear_requests()

        def read(index: int) -> dict[str, Any] | None:
            with CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY)) as client:
                return client.get_listed(PERSONAL_VOICE, f"voice-{index:03d}", max_age=5.0)

        with ThreadPoolExecutor(50) as pool:
            found = list(pool.map(read, range(200)))
        gone = CustomVoiceClient(server.url, SubscriptionKeyAuth(KEY)).get_listed(PERSONAL_VOICE, "nobody", 5.0)
    assert [voice and voice["id"] for voice in found] == [f"voice-{index:03d}" for index in range(200)]
    assert gone is None
    listed = [r for r in backend.requests if r.path == "/customvoice/personalvoices"]
    looked_up = [r for r in backend.requests if r.path != "/customvoice/personalvoices"]
    assert len(listed) <= 4  # pages of 100: one listing, at most two
    assert [r.path for r in looked_up] == ["/customvoice/personalvoices/nobody"]  # not listed: read alone


def test_a_write_to_one_resource_ends_earlier_listings_for_it_alone():
    listing, lister = SharedListing(), Lister()
    assert number_of(listing.lookup("a", 60.0, lister)) == 1
    listing.wrote("b")
    assert number_of(listing.lookup("a", 60.0, lister)) == 1  # a was not written: still listing 1
    assert number_of(listing.lookup("b", 60.0, lister)) == 2
    assert number_of(listing.lookup("a", 60.0, lister)) == 2  # a newer listing serves everyone
