"""State and rules of the emulated Azure Resource Manager front of Microsoft.CognitiveServices
accounts: create, read, update, delete into soft delete, restore, purge, keys, and subdomain
availability. No HTTP here: `emulator.arm.routes` turns requests into calls on it and its
`ErrorResponse`s into ARM's error body, `{"error": {"code", "message"}}`.

Shapes and operations follow azure-rest-api-specs
`specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2025-09-01/
cognitiveservices.json` (the newest stable version, and the one azure-mgmt-cognitiveservices
14.1.0 speaks) and its examples.

The spec's own answers
----------------------
- Accounts_Create (PUT) of a new account: 201 with the account, `properties.provisioningState`
  `Creating`, and `Azure-AsyncOperation` and `Location` headers naming its operation status
  (`.../locations/{location}/operationResults/{id}`, as the UpdateAccount example's Location);
  `Retry-After` says how many whole seconds are left (at least 1: azure-core polls after 30 s
  when it is 0 or absent). The account is `Succeeded` `provisioning_seconds` after the create;
  the operation reads `{"id", "name", "status", "startTime"}`, status `Creating` then
  `Succeeded`, and a GET of the account shows the same progression.
- A PUT of an existing account is an update (200, `Succeeded`): tags, sku,
  publicNetworkAccess, disableLocalAuth.
- Accounts_Update (PATCH): 200 with the account; tags (replaced whole when given), sku,
  publicNetworkAccess and disableLocalAuth change; the other fields are left as they are.
- Accounts_Delete: 200, and the account moves into deletedAccounts until its
  `properties.scheduledPurgeDate` (`soft_delete_seconds` later, 48 hours by default, Azure's
  retention); 204 when there is no such account. DeletedAccounts_Get/List show it (its id is
  the deletedAccounts one, with `deletionDate` and `scheduledPurgeDate`), DeletedAccounts_Purge
  removes it for good (200; 204 when there is none).
- A PUT of a name whose account is soft-deleted: 409 `FlagMustBeSetForRestore`, with the
  message Azure gives (quoted in Azure/azure-cli issue 18146), unless `properties.restore` is
  true: then the account comes back as it was deleted (same keys, subdomain, internal id),
  with the PUT's tags, publicNetworkAccess and disableLocalAuth, through the same 201 and
  provisioning as a create.
- Accounts_ListKeys: 200 `{"key1", "key2"}`; Accounts_RegenerateKey (`{"keyName": "Key1" |
  "Key2"}`, in any letter case, as the SDK's KeyName enum): 200 with both keys, the named one new. The account's endpoint (its Custom Voice
  API and TTS) takes exactly the current keys: a regenerated key is refused at once, as are
  the keys of an account with disableLocalAuth, of a soft-deleted one, and of one still
  Creating.
- CheckDomainAvailability: `{"isSubdomainAvailable", "reason", "subdomainName", "type",
  "kind"}` (`reason` only when unavailable, `kind` only when asked with one); unavailable when the name is not a valid subdomain (the example's reason, "Sub
  domain name '...' is not valid") or an account holds it, live or soft-deleted.
- Lists answer `{"value": [...]}` with every account, in one page (no nextLink).

Where the spec is silent
------------------------
Choices made here; a client should be tolerant of them.

- Subscriptions and resource groups are not emulated: every one exists and is empty until an
  account is created in it. Azure's `ResourceGroupNotFound` never happens.
- A missing account (GET, PATCH, listKeys, regenerateKey): 404 `ResourceNotFound`, with ARM's
  message. A missing deleted account (GET): 404 `ResourceNotFound` too.
- Request validation (400 `BadRequest`, message names the field): a body that is not a JSON
  object; missing `location`, `kind` or `sku.name`; an account name outside the spec's
  pattern (2 to 64 of letters, digits, `_`, `.`, `-`, starting with a letter or digit); a
  `customSubDomainName` that is not 2 to 64 letters, digits and hyphens starting and ending
  with a letter or digit; `publicNetworkAccess` other than Enabled or Disabled;
  `disableLocalAuth` or `restore` not a boolean; tags not a map of strings; an unknown keyName
  (`properties.restore: true` with no soft-deleted account to restore creates a new one).
- A PUT or PATCH that changes what Azure does not change in place: another `location` (409
  `InvalidResourceLocation`, ARM's code), another `kind` or `customSubDomainName` (409
  `Conflict`). Changing the sku is allowed.
- A `customSubDomainName` another account holds (live or soft-deleted, in any subscription):
  409 `CustomDomainInUse`. Subdomains compare case-insensitively.
- listKeys of an account with disableLocalAuth: 400 `BadRequest` "Failed to list key.
  disableLocalAuth is set to be true"; regenerateKey still works.
- publicNetworkAccess is stored and shown, not enforced (the emulator is reached from loopback).
- `location` is answered in ARM's spelling ("West US" becomes "westus"), as GetAccount shows.
- `identity`: `{"type": "SystemAssigned"}` gives the account a principalId (kept by a restore
  and by later PUTs that ask for it); user-assigned identities are refused (400 `BadRequest`).
- The endpoint, given by the service's `AccountEndpoints` when the account is created (not at a
  restore, which gets the same one back):
  - `python -m emulator --arm` (`emulator.account_servers`): `http://{host}:{port}/`, a
    listener of the account's own on the emulator's loopback host, the port chosen by the OS,
    and a Custom Voice backend of its own with the main one's settings (provisioning time,
    request quota, prompt audio checks, base models) and its Entra ID tenant: two accounts are
    two Speech resources, each with its projects, consents, voices, request budget, request log,
    faults and `/_emulator/reset`. Its current keys open it and nothing else; the main endpoint
    keeps the `--key` keys. A soft delete keeps the listener and the data (the keys are refused
    meanwhile); a purge, explicit or at the end of the retention, closes the listener and drops
    the data; the emulator's `POST /_emulator/reset` forgets every account and closes every
    listener; stopping the ARM front closes them all.
  - The `responses` front (`emulator.arm.mock`): `https://{subdomain}.cognitiveservices.azure.com/`
    for a custom subdomain account and `https://{region}.api.cognitive.microsoft.com/` for any
    other, the forms Azure gives. With `AccountHosts` (`mock_arm()`'s default) each account has
    a backend of its own as above; accounts that share a regional endpoint are told apart by the
    key sent, as Azure routes by key; a host no account has is a connection error, as an
    unresolvable name. With `Endpoints.azure()` one Custom Voice backend serves every account
    (projects, consents, voices and request quota shared) and takes any account's current
    keys; `Endpoints.single(url)` does the same with one URL for every account.
- Async operation status after the account was deleted or purged while Creating: `Canceled`.
- Soft-deleted accounts past their scheduledPurgeDate are purged lazily, at the next request.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple, Protocol

from emulator.arm.models import (
    ACCOUNT_TYPE,
    CANCELED,
    CREATING,
    DISABLED,
    ENABLED,
    KEY_NAMES,
    Account,
    AccountKey,
    AsyncOperation,
    new_etag,
    new_key,
    normalise_location,
)
from emulator.errors import ErrorResponse

SOFT_DELETE_SECONDS = 48 * 3600.0
_ACCOUNT_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}")
_SUBDOMAIN = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}[a-zA-Z0-9])")


class AccountEndpoints(Protocol):
    """Where accounts' Custom Voice APIs are. `open` gives a new account its endpoint URL;
    `takes_key(api_key)` tells, at each request, whether a key opens that account now. `close`
    ends the account's endpoint when it is purged (a soft delete keeps it, for a restore)."""

    def open(self, account: Account, takes_key: Callable[[str], bool]) -> str: ...

    def close(self, account: Account) -> None: ...


class Endpoints(NamedTuple):
    """`AccountEndpoints` that are only URLs, templates with {subdomain} and {region}: whatever
    serves them checks keys with `AccountsService.is_current_key`, and nothing is closed."""

    custom_subdomain: str
    regional: str

    @classmethod
    def azure(cls) -> Endpoints:
        return cls("https://{subdomain}.cognitiveservices.azure.com/", "https://{region}.api.cognitive.microsoft.com/")

    @classmethod
    def single(cls, url: str) -> Endpoints:
        base = url.rstrip("/") + "/"
        return cls(base, base)

    def open(self, account: Account, takes_key: Callable[[str], bool]) -> str:
        return self.url_of(account)

    def close(self, account: Account) -> None:
        pass

    def url_of(self, account: Account) -> str:
        if account.custom_subdomain is not None:
            return self.custom_subdomain.format(subdomain=account.custom_subdomain.lower())
        return self.regional.format(region=normalise_location(account.location))


class Created(NamedTuple):
    status: int  # 201 for a create or a restore, 200 for an update
    account: dict[str, Any]
    operation: AsyncOperation | None
    retry_after: int


class AccountsService:
    def __init__(
        self,
        endpoints: AccountEndpoints | None = None,
        provisioning_seconds: float = 0.0,
        soft_delete_seconds: float = SOFT_DELETE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoints: AccountEndpoints = endpoints or Endpoints.azure()
        self.provisioning_seconds = provisioning_seconds
        self.soft_delete_seconds = soft_delete_seconds
        self._clock = clock
        self.tenant_id = str(uuid.uuid4())  # the tenant the accounts' own managed identities are in
        self._clock_origin = clock()
        self._wall_origin = datetime.now(UTC)
        self._lock = threading.RLock()
        self._accounts: dict[AccountKey, Account] = {}  # by folded key
        self._deleted: dict[AccountKey, Account] = {}
        self._operations: dict[str, AsyncOperation] = {}
        self._issued_keys: list[str] = []

    # Accounts

    def put(self, key: AccountKey, body: Mapping[str, Any]) -> Created:
        _check_name(key.name)
        location, kind, sku = _required(body, "location"), _required(body, "kind"), _sku(body)
        properties = _properties(body)
        subdomain = _subdomain(properties)
        restore = _optional_bool(properties, "restore")
        wants_identity = _wants_system_identity(body)
        with self._lock:
            now = self._now()
            existing = self._accounts.get(key.folded())
            if existing is not None:
                self._check_unchanged(existing, location, kind, subdomain)
                existing.sku = sku
                self._apply(existing, body, properties)
                return Created(200, existing.to_json(now, self._stamp), None, 0)
            deleted = self._deleted.get(key.folded())
            if deleted is not None and not restore:
                raise ErrorResponse(
                    409,
                    "FlagMustBeSetForRestore",
                    f"An existing resource with ID '{deleted.id}' has been soft-deleted. To restore the resource, "
                    "you must specify 'restore' to be 'true' in the property. If you don't want to restore existing "
                    "resource, please purge it first.",
                )
            if deleted is not None:
                self._check_unchanged(deleted, location, kind, subdomain)
                account = self._deleted.pop(key.folded())
                account.deleted = account.purge_at = None
                account.sku = sku
            else:
                self._check_subdomain_free(subdomain)
                account = Account(
                    key=key,
                    location=normalise_location(location),
                    kind=kind,
                    sku=sku,
                    custom_subdomain=subdomain,
                    endpoint="",  # opened below, once every field is checked
                    created=now,
                    ready_at=now,
                )
            account.ready_at = now + self.provisioning_seconds
            self._apply(account, body, properties)
            if not wants_identity:
                account.identity = None
            elif account.identity is None:
                account.identity = {
                    "principalId": str(uuid.uuid4()),
                    "tenantId": self.tenant_id,
                    "type": "SystemAssigned",
                }
            if deleted is None:
                account.endpoint = self.endpoints.open(account, partial(self.takes_key, key))
                self._issued_keys += account.api_keys.values()
            self._accounts[key.folded()] = account
            operation = AsyncOperation(str(uuid.uuid4()), account.key, normalise_location(location), now)
            self._operations[operation.id] = operation
            return Created(201, account.to_json(now, self._stamp), operation, self._seconds_left(account, now))

    def get(self, key: AccountKey) -> dict[str, Any]:
        with self._lock:
            return self._account(key).to_json(self._now(), self._stamp)

    def update(self, key: AccountKey, body: Mapping[str, Any]) -> dict[str, Any]:
        properties = _properties(body)
        subdomain = _subdomain(properties)
        with self._lock:
            account = self._account(key)
            location, kind = body.get("location"), body.get("kind")
            self._check_unchanged(
                account,
                location if isinstance(location, str) else account.location,
                kind if isinstance(kind, str) else account.kind,
                subdomain if "customSubDomainName" in properties else account.custom_subdomain,
            )
            if "sku" in body:
                account.sku = _sku(body)
            self._apply(account, body, properties)
            return account.to_json(self._now(), self._stamp)

    def delete(self, key: AccountKey) -> bool:
        """Soft-delete the account; False when there is none."""
        with self._lock:
            now = self._now()
            account = self._accounts.pop(key.folded(), None)
            if account is None:
                return False
            account.deleted, account.purge_at = now, now + self.soft_delete_seconds
            self._deleted[key.folded()] = account
            return True

    def list_accounts(self, subscription_id: str, resource_group: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            now = self._now()
            return [
                account.to_json(now, self._stamp)
                for account in self._accounts.values()
                if _in_scope(account.key, subscription_id, resource_group)
            ]

    # Keys

    def list_keys(self, key: AccountKey) -> dict[str, str]:
        with self._lock:
            account = self._account(key)
            if account.disable_local_auth:
                raise ErrorResponse(400, "BadRequest", "Failed to list key. disableLocalAuth is set to be true")
            return dict(account.api_keys)

    def regenerate_key(self, key: AccountKey, body: Mapping[str, Any]) -> dict[str, str]:
        key_name = body.get("keyName")
        field = KEY_NAMES.get(key_name.lower()) if isinstance(key_name, str) else None
        if field is None:
            raise _bad_request("keyName must be Key1 or Key2.")
        with self._lock:
            account = self._account(key)
            account.api_keys[field] = new_key()
            self._issued_keys.append(account.api_keys[field])
            return dict(account.api_keys)

    def is_current_key(self, api_key: str) -> bool:
        """Whether `api_key` opens some account's endpoint now (see the module docstring): the
        check of a Custom Voice API that `Endpoints` templates share between accounts."""
        with self._lock:
            now = self._now()
            return any(_opens(account, api_key, now) for account in self._accounts.values())

    def issued_keys(self) -> list[str]:
        """Test hook: every key any account was ever given, regenerated and purged ones too (for
        secret scans)."""
        with self._lock:
            return list(self._issued_keys)

    def takes_key(self, key: AccountKey, api_key: str) -> bool:
        """Whether `api_key` opens the endpoint of the account `key` now: one of its current keys,
        the account live (not soft-deleted), Succeeded, and without disableLocalAuth."""
        with self._lock:
            now = self._now()
            account = self._accounts.get(key.folded())
            return account is not None and _opens(account, api_key, now)

    # Soft-deleted accounts

    def get_deleted(self, key: AccountKey, location: str) -> dict[str, Any]:
        with self._lock:
            return self._deleted_account(key, location).to_json(self._now(), self._stamp)

    def list_deleted(self, subscription_id: str) -> list[dict[str, Any]]:
        with self._lock:
            now = self._now()
            return [
                account.to_json(now, self._stamp)
                for account in self._deleted.values()
                if _in_scope(account.key, subscription_id, None)
            ]

    def purge(self, key: AccountKey, location: str) -> bool:
        """Remove a soft-deleted account for good; False when there is none."""
        with self._lock:
            self._now()
            account = self._deleted.get(key.folded())
            if account is None or normalise_location(account.location) != normalise_location(location):
                return False
            del self._deleted[key.folded()]
        self.endpoints.close(account)
        return True

    # The emulator's own

    def reset(self) -> None:
        """Forget every account, soft-deleted one and operation, and close their endpoints."""
        with self._lock:
            gone = [*self._accounts.values(), *self._deleted.values()]
            self._accounts.clear()
            self._deleted.clear()
            self._operations.clear()
        for account in gone:
            self.endpoints.close(account)

    def close_endpoints(self) -> None:
        """Close every account's endpoint, when the emulator stops; the accounts stay as they are."""
        with self._lock:
            accounts = [*self._accounts.values(), *self._deleted.values()]
        for account in accounts:
            self.endpoints.close(account)

    # Subdomains and operations

    def check_domain_availability(self, body: Mapping[str, Any]) -> dict[str, Any]:
        name = body.get("subdomainName")
        if not isinstance(name, str) or not name:
            raise _bad_request("subdomainName is required.")
        answer: dict[str, Any] = {"subdomainName": name, "type": body.get("type", ACCOUNT_TYPE)}
        if "kind" in body:
            answer["kind"] = body["kind"]
        if not _SUBDOMAIN.fullmatch(name):
            reason: str | None = f"Sub domain name '{name}' is not valid"
        else:
            with self._lock:
                self._now()
                taken = self._holder_of(name) is not None
            reason = f"Sub domain name '{name}' is already used. Please pick a different name." if taken else None
        if reason is not None:
            answer["reason"] = reason
        return {"isSubdomainAvailable": reason is None, **answer}

    def operation_status(self, subscription_id: str, location: str, operation_id: str) -> dict[str, Any]:
        with self._lock:
            now = self._now()
            operation = self._operations.get(operation_id)
            if operation is None or operation.account.subscription_id.lower() != subscription_id.lower():
                raise _not_found("operationResults", operation_id, None)
            account = self._accounts.get(operation.account.folded())
            status = account.provisioning_state(now) if account is not None else CANCELED
            return operation.to_json(status, self._stamp)

    def seconds_left(self, operation_id: str) -> int:
        with self._lock:
            operation = self._operations.get(operation_id)
            account = None if operation is None else self._accounts.get(operation.account.folded())
            return 0 if account is None else self._seconds_left(account, self._now())

    # Internals

    def _account(self, key: AccountKey) -> Account:
        self._now()
        account = self._accounts.get(key.folded())
        if account is None:
            raise _not_found("accounts", key.name, key.resource_group)
        return account

    def _deleted_account(self, key: AccountKey, location: str) -> Account:
        self._now()
        account = self._deleted.get(key.folded())
        if account is None or normalise_location(account.location) != normalise_location(location):
            raise _not_found("deletedAccounts", key.name, key.resource_group)
        return account

    def _check_unchanged(self, account: Account, location: str, kind: str, subdomain: str | None) -> None:
        if normalise_location(location) != normalise_location(account.location):
            raise ErrorResponse(
                409,
                "InvalidResourceLocation",
                f"The resource '{account.key.name}' already exists in location '{normalise_location(account.location)}' "
                f"in resource group '{account.key.resource_group}'. A resource with the same name cannot be created "
                f"in location '{normalise_location(location)}'. Please select a new resource name.",
            )
        if kind != account.kind:
            raise ErrorResponse(
                409,
                "Conflict",
                f"The kind of account '{account.key.name}' is {account.kind}; it cannot change to {kind}.",
            )
        if (subdomain or "").lower() != (account.custom_subdomain or "").lower():
            raise ErrorResponse(
                409,
                "Conflict",
                f"The customSubDomainName of account '{account.key.name}' is {account.custom_subdomain!r}; it cannot change.",
            )

    def _check_subdomain_free(self, subdomain: str | None) -> None:
        if subdomain is None:
            return
        if self._holder_of(subdomain) is not None:
            raise ErrorResponse(409, "CustomDomainInUse", f"Custom domain name '{subdomain}' is already in use.")

    def _holder_of(self, subdomain: str) -> Account | None:
        for account in (*self._accounts.values(), *self._deleted.values()):
            if account.custom_subdomain is not None and account.custom_subdomain.lower() == subdomain.lower():
                return account
        return None

    def _apply(self, account: Account, body: Mapping[str, Any], properties: Mapping[str, Any]) -> None:
        """The fields an update may change, each checked before any is applied."""
        tags = _tags(body) if "tags" in body else None
        access = properties.get("publicNetworkAccess")
        if access is not None and access not in (ENABLED, DISABLED):
            raise _bad_request(f"properties.publicNetworkAccess must be {ENABLED} or {DISABLED}.")
        disable_local_auth = _optional_bool(properties, "disableLocalAuth")
        if tags is not None:
            account.tags = tags
        if access is not None:
            account.public_network_access = access
        if "disableLocalAuth" in properties and properties["disableLocalAuth"] is not None:
            account.disable_local_auth = disable_local_auth
        account.etag = new_etag()

    def _seconds_left(self, account: Account, now: float) -> int:
        return max(1, -int(-(account.ready_at - now) // 1))

    def _now(self) -> float:
        """The clock's time, after purging the soft-deleted accounts whose time is up."""
        now = self._clock()
        for folded, account in list(self._deleted.items()):
            if account.purge_at is not None and now >= account.purge_at:
                del self._deleted[folded]
                self.endpoints.close(account)
        return now

    def _stamp(self, moment: float) -> str:
        wall = self._wall_origin + timedelta(seconds=moment - self._clock_origin)
        return wall.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _opens(account: Account, api_key: str, now: float) -> bool:
    return (
        api_key in account.api_keys.values()
        and not account.disable_local_auth
        and account.provisioning_state(now) != CREATING
    )


def _in_scope(key: AccountKey, subscription_id: str, resource_group: str | None) -> bool:
    if key.subscription_id.lower() != subscription_id.lower():
        return False
    return resource_group is None or key.resource_group.lower() == resource_group.lower()


def _check_name(name: str) -> None:
    if not _ACCOUNT_NAME.fullmatch(name):
        raise _bad_request(
            f"The account name '{name}' is not valid: 2 to 64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit."
        )


def _required(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _bad_request(f"The request body must name the account's {name}.")
    return value


def _sku(body: Mapping[str, Any]) -> str:
    sku = body.get("sku")
    name = sku.get("name") if isinstance(sku, Mapping) else None
    if not isinstance(name, str) or not name:
        raise _bad_request("The request body must name the account's sku (sku.name).")
    return name


def _properties(body: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = body.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise _bad_request("properties must be an object.")
    return properties


def _subdomain(properties: Mapping[str, Any]) -> str | None:
    subdomain = properties.get("customSubDomainName")
    if subdomain is None:
        return None
    if not isinstance(subdomain, str) or not _SUBDOMAIN.fullmatch(subdomain):
        raise _bad_request(
            f"properties.customSubDomainName {subdomain!r} is not valid: 2 to 64 letters, digits and hyphens, "
            "starting and ending with a letter or digit."
        )
    return subdomain


def _optional_bool(properties: Mapping[str, Any], name: str) -> bool:
    value = properties.get(name)
    if value is not None and not isinstance(value, bool):
        raise _bad_request(f"properties.{name} must be true or false.")
    return bool(value)


def _wants_system_identity(body: Mapping[str, Any]) -> bool:
    identity = body.get("identity")
    kind = identity.get("type") if isinstance(identity, Mapping) else None
    if identity is not None and kind not in ("SystemAssigned", "None"):
        raise _bad_request("identity.type must be SystemAssigned or None; user-assigned identities are not emulated.")
    return kind == "SystemAssigned"


def _tags(body: Mapping[str, Any]) -> dict[str, str]:
    tags = body.get("tags") or {}
    if not isinstance(tags, Mapping) or not all(isinstance(v, str) for v in tags.values()):
        raise _bad_request("tags must be an object of strings.")
    return {str(k): v for k, v in tags.items()}


def _bad_request(message: str) -> ErrorResponse:
    return ErrorResponse(400, "BadRequest", message)


def _not_found(collection: str, name: str, resource_group: str | None) -> ErrorResponse:
    where = f" under resource group '{resource_group}'" if resource_group is not None else ""
    return ErrorResponse(
        404,
        "ResourceNotFound",
        f"The Resource 'Microsoft.CognitiveServices/{collection}/{name}'{where} was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    )
