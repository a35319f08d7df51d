"""HTTP plumbing shared by the API clients: a requests Session with retries and auth (see `provider.speech.auth`)."""

from collections.abc import Collection
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Every write of the Custom Voice API names its resource by a client-chosen id, so PUT and
# DELETE can be repeated safely; a repeated create then meets the existing resource, which
# the providers adopt.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class SafeRetry(Retry):
    """urllib3's Retry, plus: a POST is retried on 429 only.

    A throttled request was not processed, so repeating it is safe even when repeating a
    POST that failed with a 5xx might not be. Connection failures before anything was sent
    are retried for every method by urllib3's own `connect` counter.
    """

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return status_code == 429 and super().is_retry("GET", status_code, has_retry_after)
        return super().is_retry(method, status_code, has_retry_after)


def retry_policy(total: int, backoff_factor: float, backoff_max: float = 30.0) -> SafeRetry:
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
    )


def build_session(
    auth: requests.auth.AuthBase,
    *,
    retries: int,
    backoff_factor: float,
    mount_prefixes: Collection[str] = ("https://", "http://"),
) -> requests.Session:
    session = requests.Session()
    session.auth = auth
    adapter = HTTPAdapter(max_retries=retry_policy(retries, backoff_factor))
    for prefix in mount_prefixes:
        session.mount(prefix, adapter)
    session.headers["User-Agent"] = "personal-voice-as-code"
    return session


def json_or_empty(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
