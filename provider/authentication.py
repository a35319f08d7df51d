"""How the provider host authenticates to Azure: the `authentication` config, one rule for the
Speech resource and the storage account alike, and the Microsoft Entra ID credential."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from provider.config import StackConfig

if TYPE_CHECKING:
    from azure.core.credentials import AccessToken, TokenCredential

AUTHENTICATION_CONFIG = "authentication"
KEY_AUTHENTICATION = "key"
ENTRA_AUTHENTICATION = "entra"
ENTRA_CLIENT_ID_CONFIG = "entraClientId"
AUTHENTICATIONS = {
    KEY_AUTHENTICATION: "the Speech key, and the storage account key",
    ENTRA_AUTHENTICATION: "Microsoft Entra ID",
}


def authentication(config: StackConfig) -> str:
    return config.choice(AUTHENTICATION_CONFIG, KEY_AUTHENTICATION, AUTHENTICATIONS)


def entra_credential(client_id: str | None) -> TokenCredential:
    """`client_id`: a user-assigned managed identity's (or a workload identity's). Callers keep
    the credential (it caches its tokens) and build it only in the provider host."""
    # Imported here: azure.identity is slow to import and only Entra stacks need it.
    from azure.identity import DefaultAzureCredential

    chosen = {"managed_identity_client_id": client_id} if client_id else {}
    return TokenReuse(DefaultAzureCredential(exclude_interactive_browser_credential=True, **chosen))


class TokenReuse:
    """Hands out a token again until shortly before it expires. Most of DefaultAzureCredential's
    credentials cache their tokens, but AzureCliCredential (a pipeline's `azure/login`) starts
    `az` on every call, which would be once per request."""

    RENEW_BEFORE_SECONDS = 300

    def __init__(self, credential: TokenCredential) -> None:
        self._credential = credential
        self._tokens: dict[tuple[str, ...], AccessToken] = {}
        self._lock = threading.Lock()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        if claims or tenant_id or enable_cae or kwargs:  # a claims challenge, another tenant: fresh
            return self._credential.get_token(
                *scopes, claims=claims, tenant_id=tenant_id, enable_cae=enable_cae, **kwargs
            )
        with self._lock:
            token = self._tokens.get(scopes)
            if token is None or token.expires_on - time.time() < self.RENEW_BEFORE_SECONDS:
                # Imported here, as azure.identity is: the program imports this module for its names.
                from azure.core.exceptions import ClientAuthenticationError

                try:
                    token = self._tokens[scopes] = self._credential.get_token(*scopes)
                except ClientAuthenticationError:
                    # A pipeline's sign-in cannot renew once GitHub's OIDC assertion (5 minutes)
                    # has expired: the token it has is still good until it expires.
                    if token is None or token.expires_on <= time.time():
                        raise
            return token
