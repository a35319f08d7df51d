"""In-memory Microsoft.CognitiveServices accounts and how each renders as the ARM spec's JSON
(Account, ApiKeys, the Azure-AsyncOperation status). Times are values of the service's clock;
`Stamp` turns one into ARM's timestamp text."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

PROVIDER = "Microsoft.CognitiveServices"
ACCOUNT_TYPE = f"{PROVIDER}/accounts"
CREATING = "Creating"
SUCCEEDED = "Succeeded"
CANCELED = "Canceled"
KEY_NAMES = {"key1": "key1", "key2": "key2"}  # RegenerateKeyParameters.keyName, lower-cased -> ApiKeys field
ENABLED, DISABLED = "Enabled", "Disabled"  # PublicNetworkAccess

Stamp = Callable[[float], str]


class AccountKey(NamedTuple):
    """An account's ARM identity; ARM compares subscription, group and name case-insensitively."""

    subscription_id: str
    resource_group: str
    name: str

    def folded(self) -> AccountKey:
        return AccountKey(self.subscription_id.lower(), self.resource_group.lower(), self.name.lower())


def new_key() -> str:
    return secrets.token_hex(16)


def new_etag() -> str:
    """A new value at every change of the account, as ARM's etags are."""
    return f'"{secrets.token_hex(8)}"'


def normalise_location(location: str) -> str:
    """ARM's spelling of a region: 'West US' and 'westus' are the same place."""
    return location.replace(" ", "").lower()


@dataclass
class Account:
    key: AccountKey
    location: str
    kind: str
    sku: str
    custom_subdomain: str | None
    endpoint: str
    created: float
    ready_at: float  # provisioningState is Creating until then, Succeeded from then on
    tags: dict[str, str] = field(default_factory=dict)
    public_network_access: str = ENABLED
    disable_local_auth: bool = False
    api_keys: dict[str, str] = field(default_factory=lambda: {"key1": new_key(), "key2": new_key()})
    internal_id: str = field(default_factory=lambda: secrets.token_hex(16))
    etag: str = field(default_factory=lambda: new_etag())
    identity: dict[str, str] | None = None  # the account's own managed identity, when asked for
    deleted: float | None = None  # when it was soft-deleted
    purge_at: float | None = None

    @property
    def id(self) -> str:
        return (
            f"/subscriptions/{self.key.subscription_id}/resourceGroups/{self.key.resource_group}"
            f"/providers/{ACCOUNT_TYPE}/{self.key.name}"
        )

    @property
    def deleted_id(self) -> str:
        return (
            f"/subscriptions/{self.key.subscription_id}/providers/{PROVIDER}/locations/"
            f"{normalise_location(self.location)}/resourceGroups/{self.key.resource_group}"
            f"/deletedAccounts/{self.key.name}"
        )

    def provisioning_state(self, now: float) -> str:
        return SUCCEEDED if now >= self.ready_at else CREATING

    def to_json(self, now: float, stamp: Stamp) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "provisioningState": self.provisioning_state(now),
            "endpoint": self.endpoint,
            "endpoints": {"Custom Voice": self.endpoint, "Speech Services Text to Speech (Neural)": self.endpoint},
            "internalId": self.internal_id,
            "dateCreated": stamp(self.created),
            "publicNetworkAccess": self.public_network_access,
            "disableLocalAuth": self.disable_local_auth,
            "isMigrated": False,
        }
        if self.custom_subdomain is not None:
            properties["customSubDomainName"] = self.custom_subdomain
        if self.deleted is not None and self.purge_at is not None:
            properties["deletionDate"] = stamp(self.deleted)
            properties["scheduledPurgeDate"] = stamp(self.purge_at)
        rendered: dict[str, Any] = {
            "id": self.deleted_id if self.deleted is not None else self.id,
            "name": self.key.name,
            "type": ACCOUNT_TYPE,
            "location": self.location,
            "sku": {"name": self.sku},
            "kind": self.kind,
            "tags": dict(self.tags),
            "etag": self.etag,
            "properties": properties,
        }
        if self.identity is not None:
            rendered["identity"] = dict(self.identity)
        return rendered


@dataclass(frozen=True)
class AsyncOperation:
    """The Azure-AsyncOperation status monitor of one create or restore."""

    id: str
    account: AccountKey
    location: str
    started: float

    def to_json(self, status: str, stamp: Stamp) -> dict[str, Any]:
        return {"id": self.id, "name": self.id, "status": status, "startTime": stamp(self.started)}
