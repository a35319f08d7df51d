"""Azure Resource Manager calls of the SpeechAccount provider: one way to build the official
`CognitiveServicesManagementClient`, one bound on its long-running operations, and one error
type whose text is a single line (ARM's code and message, through `redact`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from provider.accounts.settings import ACCOUNT_TIMEOUT_CONFIG, AccountSettings
from provider.errors import ServiceError

if TYPE_CHECKING:
    from azure.core.exceptions import HttpResponseError
    from azure.core.polling import LROPoller
    from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient

CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 60

T = TypeVar("T")


class ArmError(ServiceError):
    """Azure Resource Manager answered an error, could not be reached, or did not finish in time."""

    def __init__(self, message: str, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


def management_client(settings: AccountSettings, subscription_id: str) -> CognitiveServicesManagementClient:
    """The client for one subscription. The CA bundle is this client's only (`connection_verify`),
    never the process's `REQUESTS_CA_BUNDLE`: the Speech and storage calls keep the system's."""
    options: dict[str, Any] = {
        "base_url": settings.arm_endpoint,
        "polling_interval": settings.poll_interval_seconds,
        "retry_total": settings.retries,
        "retry_backoff_factor": settings.backoff_factor,
        "connection_timeout": CONNECT_TIMEOUT_SECONDS,
        "read_timeout": READ_TIMEOUT_SECONDS,
    }
    if settings.ca_bundle is not None:
        options["connection_verify"] = settings.ca_bundle
    # Imported here, where a client is made: a program that only declares accounts never needs it.
    from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient

    return CognitiveServicesManagementClient(settings.credential, subscription_id, **options)


def finished(poller: LROPoller[T], settings: AccountSettings, action: str) -> T:
    """The operation's result, waited for at most `accountTimeoutSeconds`."""
    result = poller.result(timeout=settings.timeout_seconds)
    if not poller.done():
        raise ArmError(
            f"{action} did not finish within {settings.timeout_seconds:g} s (config {ACCOUNT_TIMEOUT_CONFIG}); "
            "it may still finish in Azure: run `pulumi refresh`, then `pulumi up` again"
        )
    return result


@contextmanager
def arm_errors(action: str) -> Iterator[None]:
    """Turns the SDK's errors into one-line `ArmError`s saying what failed and why."""
    from azure.core.exceptions import AzureError, HttpResponseError  # as the client, where it is used

    try:
        yield
    except HttpResponseError as error:
        code = error_code(error)
        message = _first_line(error.error.message if error.error is not None else error.message)
        shown_code = f", code {code}" if code else ""
        # `from None`: the chained exception's text (a request, its headers) is not for users.
        raise ArmError(f"{action} failed: {message} (HTTP {error.status_code}{shown_code})", code) from None
    except AzureError as error:
        raise ArmError(f"{action} failed: {type(error).__name__}: {_first_line(str(error))}") from None


def error_code(error: HttpResponseError) -> str | None:
    """ARM's error code (FlagMustBeSetForRestore, ResourceNotFound, ...)."""
    code = error.error.code if error.error is not None else None
    return str(code) if code else None


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else "no message"
