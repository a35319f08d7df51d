"""Read+list service SAS tokens for one container: what the Speech service needs to read a
voice's prompt audio. Signed with the storage account key, in the provider host only."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from azure.storage.blob import ContainerSasPermissions, generate_container_sas

from provider.storage.client import account_name

PERMISSIONS = str(ContainerSasPermissions(read=True, list=True))  # "rl"
# A token is valid from a little before it is signed: clocks differ.
CLOCK_SKEW = timedelta(minutes=15)


def read_list_sas(account_url: str, container_name: str, account_key: str, expiry: datetime) -> str:
    return generate_container_sas(
        account_name(account_url),
        container_name,
        account_key=account_key,
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


def short_lived_container_url(container_url: str, account_key: str, valid_for: timedelta) -> str:
    """The container URL with a read+list SAS valid for `valid_for` from now."""
    account_url, container = split_container_url(container_url)
    expiry = datetime.now(UTC).replace(microsecond=0) + valid_for + CLOCK_SKEW
    return f"{account_url}/{container}?{read_list_sas(account_url, container, account_key, expiry)}"
