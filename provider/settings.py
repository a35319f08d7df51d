"""What the provider host needs beyond resource inputs: credentials and timing knobs.

They come from stack config (handed to `configure()` already decrypted) or from the
environment, and live only in the provider host process: nothing here is pickled into
state.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import requests
from azure.core.credentials import TokenCredential

from provider.auth import BearerTokenAuth, SubscriptionKeyAuth
from provider.errors import CustomVoiceError
from provider.polling import PollSettings
from provider.redaction import register_secret
from provider.validation import Problem, check_entra_endpoint

# The Pulumi project name, and so the namespace of this project's config keys.
CONFIG_NAMESPACE = "personal-voice"
KEY_CONFIG = "speechKey"
KEY_ENVIRONMENT_VARIABLE = "AZURE_SPEECH_KEY"
AUTHENTICATION_CONFIG = "authentication"
KEY_AUTHENTICATION = "key"
ENTRA_AUTHENTICATION = "entra"
ENTRA_CLIENT_ID_CONFIG = "entraClientId"


class ConfigSource(Protocol):
    def get(self, key: str) -> Any: ...


@dataclass(frozen=True)
class ProviderSettings:
    speech_key: str | None = field(default=None, repr=False)
    authentication: str = KEY_AUTHENTICATION
    # A user-assigned managed identity's (or a workload identity's) client id.
    entra_client_id: str | None = None
    create_timeout_seconds: float = 600.0
    poll_interval_seconds: float = 1.0
    retries: int = 4
    backoff_factor: float = 0.5

    @classmethod
    def load(cls, config: ConfigSource | None, environ: Mapping[str, str] = os.environ) -> "ProviderSettings":
        def setting(name: str) -> Any:
            value = config.get(f"{CONFIG_NAMESPACE}:{name}") if config is not None else None
            return value if value not in (None, "") else None

        key = setting(KEY_CONFIG) or environ.get(KEY_ENVIRONMENT_VARIABLE) or None
        register_secret(key)
        authentication = str(setting(AUTHENTICATION_CONFIG) or KEY_AUTHENTICATION)
        if authentication not in (KEY_AUTHENTICATION, ENTRA_AUTHENTICATION):
            raise CustomVoiceError(
                f"config {AUTHENTICATION_CONFIG} is {authentication!r}; "
                f"use {KEY_AUTHENTICATION!r} (the Speech key) or {ENTRA_AUTHENTICATION!r} (Microsoft Entra ID)"
            )
        defaults = cls()
        return cls(
            speech_key=key,
            authentication=authentication,
            entra_client_id=setting(ENTRA_CLIENT_ID_CONFIG),
            create_timeout_seconds=_number(
                "createTimeoutSeconds", setting("createTimeoutSeconds"), defaults.create_timeout_seconds, above=0
            ),
            # Above 0: an interval of 0 would poll in a busy loop until the timeout.
            poll_interval_seconds=_number(
                "pollIntervalSeconds", setting("pollIntervalSeconds"), defaults.poll_interval_seconds, above=0
            ),
            retries=int(_number("httpRetries", setting("httpRetries"), defaults.retries, at_least=0, at_most=20)),
            backoff_factor=_number(
                "retryBackoffSeconds", setting("retryBackoffSeconds"), defaults.backoff_factor, at_least=0, at_most=60
            ),
        )

    def auth(self) -> requests.auth.AuthBase:
        if self.authentication == ENTRA_AUTHENTICATION:
            return BearerTokenAuth(self._entra_credential)
        if not self.speech_key:
            raise CustomVoiceError(
                f"No Speech key: set it with `pulumi config set --secret {KEY_CONFIG} <key>` "
                f"or in the {KEY_ENVIRONMENT_VARIABLE} environment variable"
            )
        return SubscriptionKeyAuth(self.speech_key)

    def endpoint_problems(self, endpoint: object) -> list[Problem]:
        """What the authentication method asks of a resource's endpoint, checked before any request."""
        if self.authentication == ENTRA_AUTHENTICATION:
            return check_entra_endpoint("endpoint", endpoint)
        return []

    @cached_property
    def _entra_credential(self) -> TokenCredential:
        # Built on first use, so only in the provider host, and once there: the credential
        # caches its tokens. Imported here as azure.identity is slow to import and only Entra
        # stacks need it.
        from azure.identity import DefaultAzureCredential

        client_id = {"managed_identity_client_id": self.entra_client_id} if self.entra_client_id else {}
        return DefaultAzureCredential(exclude_interactive_browser_credential=True, **client_id)

    def poll(self) -> PollSettings:
        return PollSettings(
            timeout_seconds=self.create_timeout_seconds,
            initial_interval=self.poll_interval_seconds,
            max_interval=max(10.0, self.poll_interval_seconds),
        )


def _number(
    key: str,
    value: Any,
    default: float,
    *,
    above: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CustomVoiceError(f"config {key}: {value!r} is not a number") from None
    if above is not None and number <= above:
        raise CustomVoiceError(f"config {key}: {value!r} must be greater than {above:g}")
    if at_least is not None and number < at_least:
        raise CustomVoiceError(f"config {key}: {value!r} must be at least {at_least:g}")
    if at_most is not None and number > at_most:
        raise CustomVoiceError(f"config {key}: {value!r} must be at most {at_most:g}")
    return number
