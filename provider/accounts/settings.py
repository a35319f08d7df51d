"""What the SpeechAccount provider needs beyond resource inputs: where Azure Resource Manager is,
which certificate authority to trust there, who signs in, and how long an operation may take.

ARM takes Microsoft Entra ID tokens only (there is no key for it), so the identity is always
azure-identity's `DefaultAzureCredential`, whatever `authentication` says for the voices
(`entraClientId` picks a user-assigned identity). Nothing here is pickled into state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from provider.authentication import ENTRA_CLIENT_ID_CONFIG, entra_credential
from provider.config import ARM_ENDPOINT_CONFIG, ConfigSource, StackConfig
from provider.errors import ConfigError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

ARM_CA_BUNDLE_CONFIG = "armCaBundle"
ACCOUNT_TIMEOUT_CONFIG = "accountTimeoutSeconds"
PUBLIC_ARM_ENDPOINT = "https://management.azure.com"


@dataclass(frozen=True)
class AccountSettings:
    arm_endpoint: str = PUBLIC_ARM_ENDPOINT
    # A PEM file of the certificate authorities to trust for `arm_endpoint` (the emulator's
    # self-signed one); None: the system's, as for Azure itself.
    ca_bundle: str | None = None
    entra_client_id: str | None = None
    timeout_seconds: float = 1800.0
    # The SDK's wait between polls when ARM sends no Retry-After.
    poll_interval_seconds: float = 1.0
    retries: int = 4
    backoff_factor: float = 0.5

    @classmethod
    def load(cls, source: ConfigSource | None) -> AccountSettings:
        config = StackConfig(source)
        defaults = cls()
        return cls(
            arm_endpoint=_arm_endpoint(config.get(ARM_ENDPOINT_CONFIG)),
            ca_bundle=_ca_bundle(config.get(ARM_CA_BUNDLE_CONFIG)),
            entra_client_id=config.get(ENTRA_CLIENT_ID_CONFIG),
            timeout_seconds=config.number(ACCOUNT_TIMEOUT_CONFIG, defaults.timeout_seconds, above=0),
            poll_interval_seconds=config.number("pollIntervalSeconds", defaults.poll_interval_seconds, above=0),
            retries=int(config.number("httpRetries", defaults.retries, at_least=0, at_most=20)),
            backoff_factor=config.number("retryBackoffSeconds", defaults.backoff_factor, at_least=0, at_most=60),
        )

    @cached_property
    def credential(self) -> TokenCredential:
        return entra_credential(self.entra_client_id)


def _arm_endpoint(value: object) -> str:
    if value is None:
        return PUBLIC_ARM_ENDPOINT
    parts = urlsplit(str(value))
    # azure-core sends no bearer token over plain http, and ARM takes nothing else.
    if parts.scheme != "https" or not parts.hostname or parts.path.strip("/") or parts.query:
        raise ConfigError(
            f"config {ARM_ENDPOINT_CONFIG}: {value!r} must be an https:// base URL without a path "
            f"(Azure's is {PUBLIC_ARM_ENDPOINT})"
        )
    return str(value).rstrip("/")


def _ca_bundle(value: object) -> str | None:
    if value is None:
        return None
    if not os.path.isfile(str(value)):
        raise ConfigError(f"config {ARM_CA_BUNDLE_CONFIG}: {value!r} is not a file (a PEM certificate bundle)")
    return str(value)
