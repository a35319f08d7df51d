"""Microsoft Entra ID tokens on the wire: what a request carries, what no message may show, and
what the user reads when no token comes."""

import secrets
import time
from typing import Any

import pytest
import responses
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from provider.errors import ConfigError
from provider.redaction import redact
from provider.speech.auth import COGNITIVE_SERVICES_SCOPE, BearerTokenAuth, SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient

ENDPOINT = "https://contoso-speech.cognitiveservices.azure.com"


class FixedCredential:
    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **_options: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


class NoIdentity:
    def get_token(self, *scopes: str, **_options: Any) -> AccessToken:
        raise ClientAuthenticationError("ManagedIdentityCredential: no identity assigned")


def test_a_token_sent_once_is_redacted_from_any_text_after():
    token = f"opaque~{secrets.token_hex(12)}"
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/customvoice/personalvoices/Jessica", status=404)
        with CustomVoiceClient(ENDPOINT, BearerTokenAuth(FixedCredential(token))) as client:
            assert client.get(PERSONAL_VOICE, "Jessica") is None
        [call] = mock.calls
    assert call.request.headers["Authorization"] == f"Bearer {token}"
    assert token not in redact(f"the service echoed {token} back")


def test_no_token_is_one_clear_line_saying_where_to_look():
    with CustomVoiceClient(ENDPOINT, BearerTokenAuth(NoIdentity())) as client, pytest.raises(ConfigError) as raised:
        client.get(PERSONAL_VOICE, "Jessica")
    assert str(raised.value) == (
        f"Microsoft Entra ID gave no token for {COGNITIVE_SERVICES_SCOPE}: ManagedIdentityCredential: no identity "
        "assigned. Check the identity the provider runs as (managed identity, workload identity, AZURE_* "
        "environment variables or `az login`)"
    )


def test_the_key_auth_repr_shows_no_key():
    key = secrets.token_hex(16)
    assert repr(SubscriptionKeyAuth(key)) == "SubscriptionKeyAuth(***)"
