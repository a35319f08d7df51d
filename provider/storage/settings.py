"""What the storage providers need beyond resource inputs: the storage account key.

It comes from stack config (`personal-voice:storageAccountKey`, a secret, handed to
`configure()` already decrypted) or from the `AZURE_STORAGE_KEY` environment variable, and
lives only in the provider host process: nothing here is pickled into state.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from provider.config import ConfigSource, StackConfig
from provider.errors import ConfigError
from provider.redaction import register_secret

STORAGE_KEY_CONFIG = "storageAccountKey"
STORAGE_KEY_ENVIRONMENT_VARIABLE = "AZURE_STORAGE_KEY"


@dataclass(frozen=True)
class StorageSettings:
    account_key: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, source: ConfigSource | None, environ: Mapping[str, str] = os.environ) -> "StorageSettings":
        key = StackConfig(source).get(STORAGE_KEY_CONFIG) or environ.get(STORAGE_KEY_ENVIRONMENT_VARIABLE) or None
        register_secret(key)
        return cls(account_key=key)

    def require_key(self) -> str:
        if not self.account_key:
            raise ConfigError(
                "No storage account key: set it with "
                f"`pulumi config set --secret {STORAGE_KEY_CONFIG} <key>` "
                f"or in the {STORAGE_KEY_ENVIRONMENT_VARIABLE} environment variable"
            )
        return self.account_key
