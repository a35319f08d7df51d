"""Create a Custom Voice resource, or adopt the one that already has its id.

An id is client-chosen, so after an interrupted run (or when a team brings an existing
resource under management) the service may already hold it. If it is the declared resource
it is adopted; if not, the create fails and says what differs. A long-running create is
then polled to its end, and a Failed resource is deleted, so none is left behind.
"""

from collections.abc import Callable
from typing import Any

from provider.errors import Refused, ServiceError
from provider.speech.client import CreateAnswer, CustomVoiceClient, ResourceKind
from provider.speech.errors import CustomVoiceApiError

# What the service may answer when the id is taken; the spec does not say which.
_ID_TAKEN_STATUSES = (400, 409)


class ResourceFailed(ServiceError):
    """The service finished the resource with status Failed."""


class ResourceConflict(Refused):
    """A resource with the declared id exists in the service but is not the declared one."""


def create_or_adopt(
    client: CustomVoiceClient,
    kind: ResourceKind,
    resource_id: str,
    send_create: Callable[[], CreateAnswer],
    differences: Callable[[dict[str, Any]], list[str]],
    *,
    long_running: bool,
) -> dict[str, Any]:
    created, current = _create_unless_present(client, kind, resource_id, send_create)
    if not created:
        current = _adoptable(client, kind, resource_id, current, differences) or send_create().resource
    if not long_running:
        return current
    final = client.poller(kind, resource_id, current).result()
    if final.get("status") == "Failed":
        reason = (final.get("properties") or {}).get("failureReason", "no failureReason given")
        failed = f"{kind.label.capitalize()} {resource_id!r} failed: {reason}."
        try:
            client.delete(kind, resource_id)
        except CustomVoiceApiError as error:
            raise ResourceFailed(
                f"{failed} Deleting the failed {kind.label} failed too ({error}); delete it in the service, "
                "then run `pulumi up` again"
            ) from None
        raise ResourceFailed(f"{failed} The failed {kind.label} was deleted; fix the cause and run `pulumi up` again")
    return final


def _create_unless_present(
    client: CustomVoiceClient, kind: ResourceKind, resource_id: str, send_create: Callable[[], CreateAnswer]
) -> tuple[bool, dict[str, Any]]:
    """(True, the created resource), or (False, the one already there with that id). The create
    goes first, as nearly every create is of a new id; the service's refusal of a taken id is
    what sends a look, which costs one request then instead of one on every create."""
    try:
        answer = send_create()
    except CustomVoiceApiError as error:
        existing = client.get(kind, resource_id) if error.status in _ID_TAKEN_STATUSES else None
        if existing is None:
            raise
        return False, existing
    return not answer.existed, answer.resource


def _adoptable(
    client: CustomVoiceClient,
    kind: ResourceKind,
    resource_id: str,
    existing: dict[str, Any],
    differences: Callable[[dict[str, Any]], list[str]],
) -> dict[str, Any] | None:
    """The existing resource if it can be adopted; None if it was a failed leftover, now deleted."""
    found = differences(existing)
    if found:
        raise ResourceConflict(
            f"{kind.label.capitalize()} {resource_id!r} already exists in {client.endpoint} and differs "
            f"from the declaration: {'; '.join(found)}. Either choose another id, or delete the "
            f"existing {kind.label} in the service if it is not needed, then run `pulumi up` again"
        )
    if existing.get("status") == "Failed":
        client.delete(kind, resource_id)
        return None
    return existing
