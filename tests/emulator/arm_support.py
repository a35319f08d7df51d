"""What the ARM front's tests share: a token credential of the emulated tenant, the SDK client, and
an account body."""

from __future__ import annotations

import time
from typing import Any

from azure.core.credentials import AccessToken
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import Account, AccountProperties, Sku

from emulator import CustomVoiceBackend
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, MANAGEMENT_AUDIENCE

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
GROUP = "voices-rg"
API_VERSION = "2025-09-01"


class MintedCredential:
    """A TokenCredential whose tokens the backend's tenant mints, as Entra ID would."""

    def __init__(
        self,
        backend: CustomVoiceBackend,
        roles: tuple[str, ...] = (COGNITIVE_SERVICES_CONTRIBUTOR,),
        audience: str = MANAGEMENT_AUDIENCE,
    ) -> None:
        self._backend, self._roles, self._audience = backend, roles, audience

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = self._backend.mint_token(roles=self._roles, audience=self._audience)
        return AccessToken(token, int(time.time()) + 3600)


def management_client(credential: Any, **kwargs: Any) -> CognitiveServicesManagementClient:
    """The official client; its polling waits what the emulator's Retry-After says (1 s at most here)."""
    return CognitiveServicesManagementClient(credential, SUBSCRIPTION, polling_interval=0.05, **kwargs)


def speech_account(location: str = "eastus", subdomain: str | None = "contoso-voices", **properties: Any) -> Account:
    return Account(
        location=location,
        kind="SpeechServices",
        sku=Sku(name="S0"),
        tags={"team": "voices"},
        properties=AccountProperties(custom_sub_domain_name=subdomain, **properties),
    )


def account_path(name: str, group: str = GROUP, subscription: str = SUBSCRIPTION) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{name}"


def account_body(
    location: str = "eastus", subdomain: str | None = "contoso-voices", **properties: Any
) -> dict[str, Any]:
    props: dict[str, Any] = {**properties}
    if subdomain is not None:
        props["customSubDomainName"] = subdomain
    return {"location": location, "kind": "SpeechServices", "sku": {"name": "S0"}, "properties": props}
