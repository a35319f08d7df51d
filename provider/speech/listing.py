"""One listing of a collection serves every caller in the provider host that asks at about the
same time.

A refresh reads every resource of a stack, and voices being created poll their status: both
ask the service about many resources of one collection at once, one GET each (200 voices:
200 requests, 40 s of the S0 quota). The list API answers the same question for a page of
resources per request, each item as GET answers it (the spec's list items are the same
schema). So a caller here asks for its resource as seen by a listing that started no earlier
than `max_age` seconds before it asked: one already running or just done, or else the next
one, which it starts or waits for. With `max_age` 0 (polls) the answer was observed after the
caller asked, as a GET of its own would have been. A write to a resource from this host ends
the use, for that resource, of every listing started before the write was answered; a write
to the collection as a whole (a create that names its id in the body) ends it for all.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Resources = dict[str, dict[str, Any]]


@dataclass
class _Listing:
    started: float
    done: threading.Event = field(default_factory=threading.Event)
    resources: Resources | None = None
    error: BaseException | None = None


class SharedListing:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._current: _Listing | None = None
        self._written: dict[str, float] = {}

    def lookup(self, resource_id: str, max_age: float, list_all: Callable[[], Resources]) -> dict[str, Any] | None:
        """The resource as a listing recent enough shows it; None if the listing has no such id.
        `list_all` lists the collection, if this caller is the one to start a listing. A
        listing that fails fails every caller waiting for it."""
        asked = self._clock()
        while True:
            with self._lock:
                fresh_from = max(asked - max_age, self._written.get(resource_id, float("-inf")))
                listing = self._current
                if listing is not None and listing.started >= fresh_from and listing.error is None:
                    starts = False
                elif listing is not None and not listing.done.is_set():
                    starts = None
                else:
                    listing = self._current = _Listing(started=self._clock())
                    starts = True
            if starts is None:
                # Running, but it started too long before this caller asked: the next one.
                listing.done.wait()
                continue
            if starts:
                self._run(listing, list_all)
            listing.done.wait()
            if listing.error is not None:
                raise listing.error
            assert listing.resources is not None
            return listing.resources.get(resource_id)

    def wrote(self, resource_id: str) -> None:
        """After a write to one resource: its callers get a listing that started after it.
        Callers about other resources keep sharing the listings they may use (a create of
        each of 200 voices would otherwise start a listing for every poll)."""
        with self._lock:
            self._written[resource_id] = self._clock()

    def forget(self) -> None:
        """After a write to the collection: later callers get a listing that started after it."""
        with self._lock:
            self._current = None

    @staticmethod
    def _run(listing: _Listing, list_all: Callable[[], Resources]) -> None:
        try:
            listing.resources = list_all()
        except Exception as error:  # noqa: BLE001 (not swallowed: raised in every caller waiting for it)
            listing.error = error
        finally:
            listing.done.set()


_listings: dict[tuple[str, ...], SharedListing] = {}
_listings_lock = threading.Lock()


def shared_listing(endpoint: str, api_version: str, collection: str) -> SharedListing:
    """The host's one listing of `collection` at the Speech resource `endpoint`, in `api_version`
    (whose fields a listing has)."""
    key = (endpoint.rstrip("/").lower(), api_version, collection)
    with _listings_lock:
        return _listings.setdefault(key, SharedListing())
