"""The Speech key of an account in the stack, got from Azure Resource Manager at call time: never
in config, state or outputs, only in the provider host's memory.

A resource with `speechAccountId` (and key authentication) reaches its endpoint with the key
ARM's `listKeys` gives, through the official azure-mgmt-cognitiveservices client signed in as
the identity running pulumi. Before any key is sent, the account is read (GET) and its
`properties.endpoint` must lead to the resource's endpoint (same scheme, host and port): a key
goes only to the host it was issued for. An account with `disableLocalAuth` has no key to give:
its endpoint gets Microsoft Entra ID tokens of the same identity instead.

Each account is read once per provider host process, whatever the number of resources in it
(the engine calls in parallel threads, so one lock per account: its other callers wait for
the one read). A key regenerated since (a rotation mid-run) is read again on the 401 it gets,
once, and the request repeated once (`RenewedOn401`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import requests

from provider.accounts.arm_id import ACCOUNT_ID_INPUT, AccountId, parse_account_id
from provider.accounts.client import ArmError, arm_errors, management_client
from provider.accounts.settings import AccountSettings
from provider.errors import Refused
from provider.redaction import register_secret
from provider.speech.auth import BearerTokenAuth, RenewedOn401, SubscriptionKeyAuth
from provider.validation import server_of

if TYPE_CHECKING:
    from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient


def account_auth(settings: AccountSettings, account_id: str, endpoint: str) -> requests.auth.AuthBase:
    """How requests to `endpoint` authenticate as the account `account_id` (an ARM id) allows:
    with its key, or with a token when it has local auth disabled. Refuses (before any key is
    read) when the account's endpoint is not `endpoint`."""
    account = _account(settings, parse_account_id(ACCOUNT_ID_INPUT, account_id))
    auth = account.auth_for(endpoint)
    return RenewedOn401(auth, account.renewed) if isinstance(auth, SubscriptionKeyAuth) else auth


class _Account:
    """What this process knows of one account: its endpoint, whether it takes keys, and the key
    in use. Read from ARM once; again only when a key it gave is refused."""

    def __init__(self, settings: AccountSettings, account: AccountId) -> None:
        self._settings = settings
        self._id = account
        self._lock = threading.Lock()
        self._known = False
        self._endpoint: str | None = None
        self._local_auth_disabled = False
        self._key: str | None = None
        self._auth: requests.auth.AuthBase | None = None

    def auth_for(self, endpoint: str) -> requests.auth.AuthBase:
        with self._lock:
            if not self._known:
                self._read_account()
            self._check_endpoint(endpoint)
            if self._auth is None:
                self._auth = self._current_auth()
            return self._auth

    def renewed(self, used: requests.auth.AuthBase) -> requests.auth.AuthBase | None:
        """What to send instead of `used`, a key the endpoint refused: the account read again
        (unless another caller has just done so), or None if it gives the same key (or `used`
        was no key)."""
        with self._lock:
            if self._auth is not used:
                return self._auth
            refused_key = self._key
            self._read_account()
            self._auth = self._current_auth()
            return None if refused_key is None or self._key == refused_key else self._auth

    def _read_account(self) -> None:
        with self._client() as client, arm_errors(f"Reading {self._id.label()}"):
            account = client.accounts.get(self._id.resource_group, self._id.name)
        properties = account.properties
        self._endpoint = properties.endpoint if properties is not None else None
        self._local_auth_disabled = bool(properties is not None and properties.disable_local_auth)
        self._known = True

    def _check_endpoint(self, endpoint: str) -> None:
        account_server = server_of(self._endpoint)
        if account_server is None or account_server != server_of(endpoint):
            raise Refused(
                f"{ACCOUNT_ID_INPUT}: the endpoint of {self._id.label()} is {self._endpoint!r}, not this resource's "
                f"endpoint {endpoint!r} (same scheme, host and port); its key goes only to the host it was issued "
                "for: give the resource the account's endpoint, or the account that serves this endpoint"
            )

    def _current_auth(self) -> requests.auth.AuthBase:
        if self._local_auth_disabled:
            self._key = None
            return BearerTokenAuth(self._settings.credential)
        with self._client() as client, arm_errors(f"Listing the keys of {self._id.label()}"):
            keys = client.accounts.list_keys(self._id.resource_group, self._id.name)
        for key in (keys.key1, keys.key2):
            register_secret(key)
        if not keys.key1:
            raise ArmError(f"Listing the keys of {self._id.label()} gave no key1")
        self._key = keys.key1
        return SubscriptionKeyAuth(keys.key1)

    def _client(self) -> CognitiveServicesManagementClient:
        return management_client(self._settings, self._id.subscription_id)


_accounts: dict[tuple[str, str], _Account] = {}
_accounts_lock = threading.Lock()


def _account(settings: AccountSettings, account: AccountId) -> _Account:
    """This process's one `_Account` per ARM endpoint and account id."""
    with _accounts_lock:
        return _accounts.setdefault((settings.arm_endpoint, account.folded()), _Account(settings, account))
