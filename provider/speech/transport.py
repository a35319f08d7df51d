"""HTTP plumbing of the Custom Voice client: a requests Session with retries, shared by the
clients of the process, on the process's one pool of connections. Auth (`provider.speech.auth`)
and the operation's deadline go with each request."""

import time
from collections.abc import Callable, Collection
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.util.retry import Retry

from provider.speech.deadline import WaitPastDeadline, current_deadline

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Every write of the Custom Voice API names its resource by a client-chosen id, so PUT and
# DELETE can be repeated safely; a repeated create then meets the existing resource, which
# the providers adopt.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# The provider host makes a client for each call; each one had its own pool (and, once it had
# sent, a connection in it) for as long as its call lasted: about 11 KiB per create waiting for
# its voice, 12 MiB of the host with 1000 in flight. All clients of the process share these pools
# instead (one per scheme, host and port, as urllib3 keys them; thread-safe). A pool keeps at most
# this many idle connections, as many as the host's calls at once (provider.host's default
# workers): one returned to a full pool is closed, with a warning.
IDLE_CONNECTIONS_PER_HOST = 1024
_CONNECTIONS = PoolManager(maxsize=IDLE_CONNECTIONS_PER_HOST)


class SafeRetry(Retry):
    """urllib3's Retry, plus: a POST is retried on 429 only, no wait runs past the deadline of
    the operation being sent (`operation_deadline`), and `before_send` (if any) is called with
    the request's method before each repeat, as `PacedAdapter` calls it before the first try.

    A throttled request was not processed, so repeating it is safe even when repeating a
    POST that failed with a 5xx might not be. Connection failures before anything was sent
    are retried for every method by urllib3's own `connect` counter.
    """

    def __init__(self, *args: Any, before_send: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_send = before_send

    def new(self, **kwargs: Any) -> Self:
        renewed = super().new(**kwargs)
        renewed.before_send = self.before_send
        return renewed

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return status_code == 429 and super().is_retry("GET", status_code, has_retry_after)
        return super().is_retry(method, status_code, has_retry_after)

    def sleep(self, response: Any = None) -> None:
        deadline = current_deadline()
        if deadline is not None:
            asked = self.get_retry_after(response) if response is not None else None
            wait = asked if asked is not None and self.respect_retry_after_header else self.get_backoff_time()
            remaining = deadline - time.monotonic()
            if wait > remaining:
                throttled = response is not None and response.status == 429
                raise WaitPastDeadline(wait, remaining, throttled)
        super().sleep(response)
        if self.before_send is not None:
            # increment() has recorded the try being repeated before it sleeps
            self.before_send((self.history[-1].method if self.history else None) or "GET")


class PacedAdapter(HTTPAdapter):
    """Calls `before_send` (a request budget's acquire, say) with the method of every request
    before it sends it, and `after_answer` (the budget's answered) once it and its retries have
    been answered or have failed. Its connections are the process's (`_CONNECTIONS`)."""

    def __init__(
        self,
        before_send: Callable[[str], None] | None,
        after_answer: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._before_send = before_send
        self._after_answer = after_answer

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _CONNECTIONS

    def close(self) -> None:
        """Closes what is this adapter's own (proxy pools); the process's connections stay open
        for the other clients."""
        for proxy in self.proxy_manager.values():
            proxy.clear()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if self._before_send is not None:
            self._before_send(request.method or "GET")
        try:
            return super().send(request, *args, **kwargs)
        finally:
            if self._after_answer is not None:
                self._after_answer()


def retry_policy(
    total: int,
    backoff_factor: float,
    backoff_max: float = 30.0,
    before_send: Callable[[str], None] | None = None,
) -> SafeRetry:
    return SafeRetry(
        total=total,
        connect=total,
        read=total,
        status=total,
        backoff_factor=backoff_factor,
        backoff_max=backoff_max,
        status_forcelist=RETRYABLE_STATUSES,
        allowed_methods=IDEMPOTENT_METHODS,
        respect_retry_after_header=True,
        raise_on_status=False,
        before_send=before_send,
    )


def build_session(
    *,
    retries: int,
    backoff_factor: float,
    before_send: Callable[[str], None] | None = None,
    after_answer: Callable[[], None] | None = None,
    mount_prefixes: Collection[str] = ("https://", "http://"),
) -> requests.Session:
    """A Session for many clients at once: each passes its auth with each request, and sends it
    inside its `operation_deadline`."""
    session = requests.Session()
    policy = retry_policy(retries, backoff_factor, before_send=before_send)
    adapter = PacedAdapter(before_send, after_answer, max_retries=policy)
    for prefix in mount_prefixes:
        session.mount(prefix, adapter)
    session.headers["User-Agent"] = "personal-voice-as-code"
    return session
