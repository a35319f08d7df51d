"""Reading a personal voice's prompt audio the way the service does: through the SAS
`containerUrl` of its `audios`, listing the blobs under `prefix` with one of `extensions`.

Only loopback hosts are contacted (a local Azurite, in practice): any other host counts as
inaccessible without a byte sent, so the emulator never sends traffic off the machine.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import AzureError
from azure.core.pipeline.transport import RequestsTransport
from azure.storage.blob import ContainerClient

from emulator.audio import inspect_audio, is_usable
from emulator.models import DATA_NOT_ENOUGH, INACCESSIBLE_CUSTOMER_STORAGE

_CONNECT_TIMEOUT_SECONDS = 5
_READ_TIMEOUT_SECONDS = 30


class PromptAudioInspector:
    """Called with a voice's `audios`; answers the failureReason the voice ends with, or None."""

    def __init__(self, ca_file: str | None = None) -> None:
        # The certificate a local HTTPS Azurite serves (self-signed), to trust besides the usual ones.
        self._verify: str | bool = ca_file or True

    def __call__(self, audios: Mapping[str, Any]) -> str | None:
        container_url = str(audios["containerUrl"])
        if not is_loopback_url(container_url):
            return INACCESSIBLE_CUSTOMER_STORAGE
        extensions = tuple(_extension(e) for e in audios["extensions"])
        try:
            with _container(container_url, self._verify) as container:
                names = [
                    blob.name
                    for blob in container.list_blobs(name_starts_with=audios.get("prefix") or None)
                    if blob.name.lower().endswith(extensions)
                ]
                usable = [name for name in names if is_usable(inspect_audio(container.download_blob(name).readall()))]
        except (AzureError, ValueError):
            # ValueError: a URL the storage client cannot parse.
            return INACCESSIBLE_CUSTOMER_STORAGE
        return None if usable else DATA_NOT_ENOUGH


# The whole authority is a loopback host and a port, nothing else: user info, a backslash or a
# name that only starts as one (localhost.evil.net) could reach another host through the SDK's
# own URL parsing. The emulator keeps its own copy of this rule: it imports nothing of the
# provider it stands in for.
_LOOPBACK_AUTHORITY = re.compile(r"(?P<host>localhost|[0-9.]+|\[[0-9a-f:]+\])(?::(?P<port>[0-9]{1,5}))?", re.IGNORECASE)
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")


def is_loopback_url(url: str) -> bool:
    if _UNSAFE_CHARACTERS.search(url):
        return False
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return False
    match = _LOOPBACK_AUTHORITY.fullmatch(netloc)
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return False
    host = match["host"].strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _extension(value: str) -> str:
    """'*.wav', 'wav' and '.WAV' all mean '.wav'."""
    return "." + value.strip().lstrip("*").lstrip(".").lower()


def _container(container_url: str, verify: str | bool) -> ContainerClient:
    return ContainerClient.from_container_url(
        container_url,
        # No proxy from the environment, no redirects, no retries: one direct try on loopback.
        transport=RequestsTransport(use_env_settings=False, connection_verify=verify),
        permit_redirects=False,
        retry_total=0,
        connection_timeout=_CONNECT_TIMEOUT_SECONDS,
        read_timeout=_READ_TIMEOUT_SECONDS,
    )
