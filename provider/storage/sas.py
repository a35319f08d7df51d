"""Read+list SAS tokens for one container: what the Speech service needs to read a voice's
prompt audio. Signed in the provider host only: with a user delegation key from Microsoft
Entra ID when the stack authenticates with Entra, otherwise with the storage account key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provider.storage.client import account_name, service_client, storage_errors
from provider.storage.settings import StorageSettings

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.storage.blob import UserDelegationKey

# str(azure.storage.blob.ContainerSasPermissions(read=True, list=True)), written out: that package is
# imported only where a token is signed (see provider/storage/client.py).
PERMISSIONS = "rl"
# A token is valid from a little before it is signed: clocks differ.
CLOCK_SKEW = timedelta(minutes=15)


def read_list_sas(
    account_url: str,
    container_name: str,
    account_key: str | None,
    expiry: datetime,
    user_delegation_key: UserDelegationKey | None = None,
) -> str:
    """Signed with `user_delegation_key` if given, else with `account_key`."""
    from azure.storage.blob import generate_container_sas

    return generate_container_sas(
        account_name(account_url),
        container_name,
        account_key=account_key,
        user_delegation_key=user_delegation_key,
        permission=PERMISSIONS,
        start=datetime.now(UTC).replace(microsecond=0) - CLOCK_SKEW,
        expiry=expiry,
        # Plain http is for local emulators only (the inputs' rule); Azure gets https only.
        protocol="https" if urlsplit(account_url).scheme == "https" else "https,http",
    )


def split_container_url(container_url: str) -> tuple[str, str]:
    """(account URL, container name) of https://{account}.blob.core.windows.net/{container}, or
    of a local emulator's path-style http://127.0.0.1:{port}/{account}/{container}."""
    base, _, container = container_url.split("?", 1)[0].rstrip("/").rpartition("/")
    return base, container


def short_lived_container_url(container_url: str, settings: StorageSettings, valid_for: timedelta) -> str:
    """The container URL with a read+list SAS valid for `valid_for` from now."""
    account_url, container = split_container_url(container_url)
    expiry = datetime.now(UTC).replace(microsecond=0) + valid_for + CLOCK_SKEW
    if settings.entra:
        key = user_delegation_key(account_url, settings.entra_credential, expiry)
        token = read_list_sas(account_url, container, None, expiry, user_delegation_key=key)
    else:
        token = read_list_sas(account_url, container, settings.require_key(), expiry)
    return f"{account_url}/{container}?{token}"


def user_delegation_key(account_url: str, credential: TokenCredential, expiry: datetime) -> UserDelegationKey:
    """A key valid until `expiry` (Azure allows at most 7 days ahead), from the account's Blob
    service, for the identity behind `credential`."""
    start = datetime.now(UTC).replace(microsecond=0) - CLOCK_SKEW
    with storage_errors(f"Getting a user delegation key from {account_url}"):
        return service_client(account_url, credential).get_user_delegation_key(start, expiry)
