"""What the Custom Voice providers need beyond resource inputs: credentials and timing knobs.

They come from stack config (handed to `configure()` already decrypted) or from the
environment, and live only in the provider host process: nothing here is pickled into
state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from provider.accounts.settings import AccountSettings
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
from provider.speech.polling import PollSettings
from provider.speech.request_budget import REQUEST_BUDGET_CONFIG
from provider.storage.config_sas import ConfigSas
from provider.storage.settings import StorageSettings
from provider.validation import Problem, check_entra_endpoint

if TYPE_CHECKING:
    import requests
    from azure.core.credentials import TokenCredential

KEY_CONFIG = "speechKey"
KEY_ENVIRONMENT_VARIABLE = "AZURE_SPEECH_KEY"
_MISSING_KEY = Problem(
    KEY_CONFIG,
    f"is required when authentication is {KEY_AUTHENTICATION} (set it with `pulumi config set --secret "
    f"{KEY_CONFIG} <key>`, or set {KEY_ENVIRONMENT_VARIABLE})",
)


@dataclass(frozen=True)
class SpeechSettings:
    speech_key: str | None = field(default=None, repr=False)
    authentication: str = KEY_AUTHENTICATION
    # A user-assigned managed identity's (or a workload identity's) client id.
    entra_client_id: str | None = None
    create_timeout_seconds: float = 600.0
    poll_interval_seconds: float = 1.0
    retries: int = 4
    backoff_factor: float = 0.5
    # The Speech resource's quota (S0: 50); 0 sends without a budget.
    requests_per_10_seconds: int = 50
    # For the prompt audio SAS a voice's create mints (`mintReadSas`).
    storage: StorageSettings = field(default_factory=StorageSettings, repr=False)
    # Config sasToken, joined at create to URLs of the container it was issued for.
    sas: ConfigSas = field(default_factory=ConfigSas, repr=False)
    # Azure Resource Manager, for the keys of the accounts resources name (`speechAccountId`).
    accounts: AccountSettings = field(default_factory=AccountSettings, repr=False)

    @classmethod
    def load(cls, source: ConfigSource | None, environ: Mapping[str, str] = os.environ) -> SpeechSettings:
        config = StackConfig(source)
        key = config.get(KEY_CONFIG) or environ.get(KEY_ENVIRONMENT_VARIABLE) or None
        register_secret(key)
        defaults = cls()
        return cls(
            speech_key=key,
            authentication=authentication(config),
            entra_client_id=config.get(ENTRA_CLIENT_ID_CONFIG),
            create_timeout_seconds=config.number("createTimeoutSeconds", defaults.create_timeout_seconds, above=0),
            # Above 0: an interval of 0 would poll in a busy loop until the timeout.
            poll_interval_seconds=config.number("pollIntervalSeconds", defaults.poll_interval_seconds, above=0),
            retries=int(config.number("httpRetries", defaults.retries, at_least=0, at_most=20)),
            backoff_factor=config.number("retryBackoffSeconds", defaults.backoff_factor, at_least=0, at_most=60),
            requests_per_10_seconds=int(
                config.number(REQUEST_BUDGET_CONFIG, defaults.requests_per_10_seconds, at_least=0, at_most=100_000)
            ),
            storage=StorageSettings.load(source, environ),
            sas=ConfigSas.load(source, environ),
            accounts=AccountSettings.load(source),
        )

    def key_problems(self, *, uses_accounts: bool = False) -> list[Problem]:
        """The Speech key that key authentication needs: checked by the program at preview and by
        the provider host before its first request, so both say the same. `uses_accounts`: every
        Speech resource of the stack is an account in it (`speechAccountId`), whose keys the
        provider host gets from Azure Resource Manager; config speechKey is then not asked for."""
        if uses_accounts or self.authentication == ENTRA_AUTHENTICATION or self.speech_key:
            return []
        return [_MISSING_KEY]

    def auth_for(self, endpoint: str, account_id: str | None) -> requests.auth.AuthBase:
        """How requests to a resource's `endpoint` authenticate: with `account_id` (its
        `speechAccountId`) and key authentication, as the account allows (its key from ARM, or
        Entra ID when it has local auth disabled); otherwise as config says (`auth`)."""
        if account_id is None or self.authentication == ENTRA_AUTHENTICATION:
            return self.auth()
        # Imported when a resource of an account calls it: the program never does.
        from provider.accounts.keys import account_auth

        return account_auth(self.accounts, account_id, endpoint)

    def auth(self) -> requests.auth.AuthBase:
        # Imported when a client is made: the program checks these settings and never sends.
        from provider.speech.auth import BearerTokenAuth, SubscriptionKeyAuth

        if self.authentication == ENTRA_AUTHENTICATION:
            return BearerTokenAuth(self._entra_credential)
        if not self.speech_key:
            raise ConfigError(f"config {_MISSING_KEY}")
        return SubscriptionKeyAuth(self.speech_key)

    def endpoint_problems(self, endpoint: object) -> list[Problem]:
        """What the authentication method asks of a resource's endpoint, checked before any request."""
        if self.authentication == ENTRA_AUTHENTICATION:
            return check_entra_endpoint("endpoint", endpoint)
        return []

    @cached_property
    def _entra_credential(self) -> TokenCredential:
        return entra_credential(self.entra_client_id)

    def poll(self) -> PollSettings:
        return PollSettings(
            timeout_seconds=self.create_timeout_seconds,
            initial_interval=self.poll_interval_seconds,
            max_interval=max(10.0, self.poll_interval_seconds),
        )
