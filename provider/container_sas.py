"""The ContainerSas resource: a service SAS token for one blob container, read and list only:
what the Speech service needs to read a voice's prompt audio.

The token is signed with the storage account key (config `storageAccountKey`, or
`AZURE_STORAGE_KEY`) and is valid for `lifetimeDays`. It is stable from one `pulumi up` to the
next until it comes within `renewWithinDays` of expiring: then, or when the lifetime or the
permissions change, diff proposes an in-place update, which signs a new token. A new account
or container replaces it. A SAS lives nowhere in the service, so refresh keeps it as it is
and delete has nothing to remove (only rotating the account key revokes a signed token).

The catalog no longer declares one: a voice's SAS is minted by the provider host at the
voice's create and kept nowhere (`PersonalVoice` with `mintReadSas`). This resource stays for
programs that want a standing token, and for the stacks that hold one.

Import path contract: stacks hold a by-reference pickle of `ContainerSasProvider` from this
module; moving it breaks refresh and destroy of existing stacks.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from provider.diffing import DiffRules
from provider.inputs import is_unknown
from provider.resource import Resource
from provider.storage.base import StorageResourceProvider
from provider.storage.inputs import check_account_url, check_container_name, normalise_account_url, whole_number
from provider.storage.sas import PERMISSIONS, read_list_sas
from provider.validation import Problem

DEFAULT_LIFETIME_DAYS = 30
DEFAULT_RENEW_WITHIN_DAYS = 7
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def renewal_due(expires_on: Any, renew_within_days: Any, now: datetime) -> bool:
    """Whether a token expiring at `expires_on` is within `renew_within_days` of `now` (or
    its expiry cannot be read, or the renewal window is still unknown)."""
    if is_unknown(renew_within_days) or not isinstance(renew_within_days, int | float):
        return True
    try:
        expiry = datetime.strptime(str(expires_on), _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return True
    return now >= expiry - timedelta(days=renew_within_days)


def needs_new_token(olds: dict[str, Any], news: dict[str, Any], now: datetime) -> bool:
    # An unknown new lifetime (at preview) never equals the old one: a new token.
    return (
        olds.get("lifetimeDays") != news.get("lifetimeDays")
        or olds.get("permissions") != PERMISSIONS
        or renewal_due(olds.get("expiresOn"), news.get("renewWithinDays"), now)
    )


class ContainerSasProvider(StorageResourceProvider):
    # A new token (see `computed_changes`) rewrites the token outputs; a new renewal window alone does not.
    diff_rules = DiffRules(
        replacing=("accountUrl", "containerName"),
        in_place=("renewWithinDays",),
        stable_outputs=("token", "expiresOn", "permissions"),
        rewrites_outputs=("token",),
    )

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {
            "accountUrl": normalise_account_url(news.get("accountUrl")),
            "containerName": news.get("containerName"),
            "lifetimeDays": _or_default(news.get("lifetimeDays"), DEFAULT_LIFETIME_DAYS),
            "renewWithinDays": _or_default(news.get("renewWithinDays"), DEFAULT_RENEW_WITHIN_DAYS),
        }
        problems = check_account_url("accountUrl", inputs["accountUrl"])
        problems += check_container_name("containerName", inputs["containerName"])
        whole_numbers = True
        for field, minimum in (("lifetimeDays", 1), ("renewWithinDays", 0)):
            inputs[field], found = whole_number(field, inputs[field], minimum)
            problems += found
            whole_numbers = whole_numbers and not found
        lifetime, renew_within = inputs["lifetimeDays"], inputs["renewWithinDays"]
        if whole_numbers and renew_within >= lifetime:
            problems.append(
                Problem("renewWithinDays", f"must be less than lifetimeDays ({lifetime}), or every run renews")
            )
        return inputs, problems

    def computed_changes(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        """A new token when `lifetimeDays` or the permissions change, or when the token is within
        `renewWithinDays` of expiring."""
        return ["token"] if needs_new_token(olds, news, datetime.now(UTC)) else []

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"sas-{uuid.uuid4()}", {**_inputs(props), **self._sign(props)})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if needs_new_token(olds, news, datetime.now(UTC)):
            token = self._sign(news)
        else:
            token = _token(olds)
        return UpdateResult({**_inputs(news), **token})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, {**_inputs(props), **_token(props)})

    def _sign(self, props: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        expiry = now + timedelta(days=props["lifetimeDays"])
        token = read_list_sas(props["accountUrl"], props["containerName"], self.settings.require_key(), expiry)
        return {"permissions": PERMISSIONS, "token": token, "expiresOn": expiry.strftime(_TIME_FORMAT)}


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {key: props[key] for key in ("accountUrl", "containerName", "lifetimeDays", "renewWithinDays")}


def _token(props: dict[str, Any]) -> dict[str, Any]:
    return {key: props.get(key) for key in ("permissions", "token", "expiresOn")}


def _or_default(value: Any, default: int) -> Any:
    return default if value is None else value


@dataclass
class ContainerSasArgs:
    account_url: pulumi.Input[str]
    container_name: pulumi.Input[str]
    lifetime_days: pulumi.Input[int] = DEFAULT_LIFETIME_DAYS
    renew_within_days: pulumi.Input[int] = DEFAULT_RENEW_WITHIN_DAYS


class ContainerSas(Resource, module="storage", name="ContainerSas"):
    """A read+list SAS token for a container; `token` is secret (append it to the container
    URL after a '?'), `expiresOn` is when it stops working (UTC, ISO 8601)."""

    # Attributes keep camelCase names, as dynamic resources' outputs do.
    token: pulumi.Output[str]
    expiresOn: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ContainerSasArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {
            "accountUrl": args.account_url,
            "containerName": args.container_name,
            "lifetimeDays": args.lifetime_days,
            "renewWithinDays": args.renew_within_days,
            "permissions": None,
            "token": None,
            "expiresOn": None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=["token"])
        super().__init__(ContainerSasProvider(), resource_name, props, pulumi.ResourceOptions.merge(secret, opts))
