"""How requests reach the Speech resource authenticated: with its key, or with a Microsoft Entra
ID access token. Neither credential is ever in a repr or an error message."""

import requests
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError

from provider.errors import ConfigError
from provider.redaction import register_secret

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"


class SubscriptionKeyAuth(requests.auth.AuthBase):
    """Speech resource key auth. The key lives only in memory, never in a repr."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Ocp-Apim-Subscription-Key"] = self._key
        return request

    def __repr__(self) -> str:
        return "SubscriptionKeyAuth(***)"


class BearerTokenAuth(requests.auth.AuthBase):
    """Microsoft Entra ID auth: `Authorization: Bearer` with a token from `credential`.

    The token is asked for on every request: the credential (`entra_credential`) reuses it
    and renews it before it expires, so a long create never sends a stale one.
    """

    def __init__(self, credential: TokenCredential, scope: str = COGNITIVE_SERVICES_SCOPE) -> None:
        self._credential = credential
        self._scope = scope

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        try:
            token = self._credential.get_token(self._scope).token
        except ClientAuthenticationError as error:
            raise ConfigError(
                f"Microsoft Entra ID gave no token for {self._scope}: {error.message}. "
                "Check the identity the provider runs as (managed identity, workload identity, "
                "AZURE_* environment variables or `az login`)"
            ) from None
        register_secret(token)
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    def __repr__(self) -> str:
        return f"BearerTokenAuth(scope={self._scope!r})"
