"""What the storage providers need beyond resource inputs: how to authenticate to the account.

With `authentication: entra`, Microsoft Entra ID (the identity needs the role Storage Blob Data
Contributor, which includes getting user delegation keys). Otherwise the storage account key,
from stack config (`personal-voice:storageAccountKey`, a secret, handed to `configure()`
already decrypted) or from the `AZURE_STORAGE_KEY` environment variable. Either lives only in
the provider host process: nothing here is pickled into state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from provider.authentication import (
    ENTRA_AUTHENTICATION,
    ENTRA_CLIENT_ID_CONFIG,
    KEY_AUTHENTICATION,
    authentication,
    entra_credential,
)
from provider.config import ConfigSource, StackConfig
from provider.errors import ConfigError
from provider.redaction import register_secret
from provider.storage.client import account_name
from provider.validation import Problem

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from provider.storage.client import Credential

STORAGE_KEY_CONFIG = "storageAccountKey"
STORAGE_KEY_ENVIRONMENT_VARIABLE = "AZURE_STORAGE_KEY"

_MISSING_KEY = Problem(
    STORAGE_KEY_CONFIG,
    f"is required when authentication is {KEY_AUTHENTICATION} and the catalog has storage (set it with "
    f"`pulumi config set --secret {STORAGE_KEY_CONFIG} <key>`, or set {STORAGE_KEY_ENVIRONMENT_VARIABLE})",
)


@dataclass(frozen=True)
class StorageSettings:
    account_key: str | None = field(default=None, repr=False)
    entra: bool = False
    entra_client_id: str | None = None

    @classmethod
    def load(cls, source: ConfigSource | None, environ: Mapping[str, str] = os.environ) -> StorageSettings:
        config = StackConfig(source)
        key = config.get(STORAGE_KEY_CONFIG) or environ.get(STORAGE_KEY_ENVIRONMENT_VARIABLE) or None
        register_secret(key)
        return cls(
            account_key=key,
            entra=authentication(config) == ENTRA_AUTHENTICATION,
            entra_client_id=config.get(ENTRA_CLIENT_ID_CONFIG),
        )

    def credential(self, account_url: str) -> Credential:
        if self.entra:
            return self.entra_credential
        from azure.core.credentials import AzureNamedKeyCredential  # as the client, where it is made

        return AzureNamedKeyCredential(account_name(account_url), self.require_key())

    def key_problems(self) -> list[Problem]:
        """The account key that storage with key authentication needs: checked by the program
        at preview (when the catalog has storage) and by the provider host before its first
        request (`require_key`), so both say the same."""
        return [] if self.entra or self.account_key else [_MISSING_KEY]

    def require_key(self) -> str:
        """The key, also under Entra ID for what signs with the key alone (ContainerSas)."""
        if not self.account_key:
            raise ConfigError(f"config {_MISSING_KEY}")
        return self.account_key

    @cached_property
    def entra_credential(self) -> TokenCredential:
        return entra_credential(self.entra_client_id)
