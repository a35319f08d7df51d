"""Azure Blob Storage calls of the storage providers: one way to build a client, and one
error type whose text has been through `redact`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from provider.errors import ServiceError
from provider.validation import is_loopback

if TYPE_CHECKING:
    from azure.core.credentials import AzureNamedKeyCredential, TokenCredential
    from azure.core.exceptions import HttpResponseError
    from azure.storage.blob import BlobServiceClient, ContainerClient

    Credential = TokenCredential | AzureNamedKeyCredential

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 60


class StorageError(ServiceError):
    """A storage call failed, or could not be made."""


def account_name(account_url: str) -> str:
    """`acct` of https://acct.blob.core.windows.net; for a local emulator (path-style,
    http://127.0.0.1:10000/devstoreaccount1), the first path segment."""
    parts = urlsplit(account_url)
    if is_loopback(parts.hostname):
        return parts.path.strip("/").split("/")[0]
    return (parts.hostname or "").split(".")[0]


# azure.storage.blob (and azure.core) is imported where a client is made, not with this module: the
# program, and a provider host serving only Speech resources, import this module and never make a
# client, and that import was the largest of their start (benchmarks/bench_preview.py --profile).


def container_client(account_url: str, container_name: str, credential: Credential) -> ContainerClient:
    from azure.storage.blob import ContainerClient

    return ContainerClient(account_url, container_name, credential=credential, **_client_options())


def service_client(account_url: str, credential: Credential) -> BlobServiceClient:
    from azure.storage.blob import BlobServiceClient

    return BlobServiceClient(account_url, credential=credential, **_client_options())


def _client_options() -> dict[str, Any]:
    from azure.storage.blob import ExponentialRetry

    return {
        # Waits of about 3, 5 and 9 s (each within 1 s): for throttling and transient errors, not outages.
        "retry_policy": ExponentialRetry(initial_backoff=1, increment_base=2, retry_total=3, random_jitter_range=1),
        "connection_timeout": CONNECT_TIMEOUT_SECONDS,
        "read_timeout": READ_TIMEOUT_SECONDS,
    }


@contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Turns the storage SDK's errors into a `StorageError` saying what failed and why."""
    from azure.core.exceptions import AzureError, HttpResponseError

    try:
        yield
    except HttpResponseError as error:
        code = f", code {error_code(error)}" if error_code(error) else ""
        # `from None`: the chained exception's text may hold what `redact` is for.
        raise StorageError(f"{action} failed: {_first_line(error.message)} (HTTP {error.status_code}{code})") from None
    except AzureError as error:
        raise StorageError(f"{action} failed: {type(error).__name__}: {_first_line(str(error))}") from None


def error_code(error: HttpResponseError) -> str | None:
    """The storage error code (e.g. ContainerAlreadyExists) the SDK attaches to its errors."""
    code = getattr(error, "error_code", None)  # a str-valued enum, or a plain str
    return str(getattr(code, "value", code)) if code else None


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else "no message"
