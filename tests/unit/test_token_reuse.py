"""When `provider.authentication.TokenReuse` hands out a token again and when it asks its
credential for a new one, at the edges of the renewal window and of the token's life; and
the authentication config's choices."""

from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from provider import authentication
from provider.authentication import TokenReuse
from provider.config import StackConfig
from provider.errors import ConfigError

NOW = 1_900_000_000.0
SCOPE = "https://cognitiveservices.azure.com/.default"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(authentication, "time", clock)
    return clock


class Credential:
    """Hands out tokens living `lifetime` seconds from the clock's now; refuses once `refusing`."""

    def __init__(self, clock: Clock, lifetime: float) -> None:
        self.clock, self.lifetime, self.refusing = clock, lifetime, False
        self.calls: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        self.calls.append((scopes, options))
        if self.refusing:
            raise ClientAuthenticationError("AADSTS700024: Client assertion is not within its valid time range")
        return AccessToken(f"token-{len(self.calls)}", int(self.clock.now + self.lifetime))


def test_a_token_with_exactly_the_renewal_margin_left_is_reused(clock: Clock):
    credential = Credential(clock, lifetime=1000)
    reuse = TokenReuse(credential)
    assert reuse.get_token(SCOPE).token == "token-1"
    clock.now += 1000 - TokenReuse.RENEW_BEFORE_SECONDS
    assert reuse.get_token(SCOPE).token == "token-1"
    clock.now += 1
    assert reuse.get_token(SCOPE).token == "token-2"
    assert credential.calls == [((SCOPE,), {}), ((SCOPE,), {})]


def test_a_token_that_cannot_be_renewed_serves_up_to_its_last_second_and_not_at_it(clock: Clock):
    credential = Credential(clock, lifetime=100)
    reuse = TokenReuse(credential)
    reuse.get_token(SCOPE)
    credential.refusing = True
    clock.now += 99
    assert reuse.get_token(SCOPE).token == "token-1"
    clock.now += 1
    with pytest.raises(ClientAuthenticationError, match="AADSTS700024"):
        reuse.get_token(SCOPE)


def test_a_first_token_that_is_refused_is_an_error(clock: Clock):
    credential = Credential(clock, lifetime=3600)
    credential.refusing = True
    with pytest.raises(ClientAuthenticationError):
        TokenReuse(credential).get_token(SCOPE)


def test_a_renewed_token_is_kept_for_the_next_call(clock: Clock):
    credential = Credential(clock, lifetime=400)
    reuse = TokenReuse(credential)
    reuse.get_token(SCOPE)
    clock.now += 200
    assert reuse.get_token(SCOPE).token == "token-2"
    assert reuse.get_token(SCOPE).token == "token-2"
    assert len(credential.calls) == 2


@pytest.mark.parametrize(
    "options",
    [
        {"claims": '{"access_token":{}}'},
        {"tenant_id": "other-tenant"},
        {"enable_cae": True},
        {"timeout": 5},
    ],
)
def test_a_challenge_another_tenant_or_any_option_gets_a_fresh_token_with_every_option(
    clock: Clock, options: dict[str, Any]
):
    credential = Credential(clock, lifetime=3600)
    reuse = TokenReuse(credential)
    reuse.get_token(SCOPE)
    assert reuse.get_token(SCOPE, **options).token == "token-2"
    expected = {"claims": None, "tenant_id": None, "enable_cae": False, **options}
    assert credential.calls[1] == ((SCOPE,), expected)
    assert reuse.get_token(SCOPE).token == "token-1"  # the reused token is not replaced by it


def test_tokens_are_kept_per_scope_set(clock: Clock):
    credential = Credential(clock, lifetime=3600)
    reuse = TokenReuse(credential)
    assert reuse.get_token(SCOPE).token == "token-1"
    assert reuse.get_token(SCOPE, "other").token == "token-2"
    assert reuse.get_token(SCOPE).token == "token-1"


@pytest.mark.parametrize(("value", "chosen"), [(None, "key"), ("key", "key"), ("entra", "entra")])
def test_the_authentication_config_defaults_to_the_key(value: str | None, chosen: str):
    source = {} if value is None else {"personal-voice:authentication": value}
    assert authentication.authentication(StackConfig(source)) == chosen


def test_another_authentication_is_refused_with_both_explained():
    with pytest.raises(ConfigError) as refused:
        authentication.authentication(StackConfig({"personal-voice:authentication": "Entra"}))
    assert str(refused.value) == (
        "config authentication is 'Entra'; use 'key' (the Speech key, and the storage account key) "
        "or 'entra' (Microsoft Entra ID)"
    )


def test_the_entra_credential_reuses_tokens_of_a_default_azure_credential(monkeypatch: pytest.MonkeyPatch):
    built: list[dict[str, Any]] = []

    def default_azure_credential(**options: Any) -> object:
        built.append(options)
        return object()

    monkeypatch.setattr("azure.identity.DefaultAzureCredential", default_azure_credential)
    assert isinstance(authentication.entra_credential(None), TokenReuse)
    assert isinstance(authentication.entra_credential("client-1"), TokenReuse)
    assert built == [
        {"exclude_interactive_browser_credential": True},
        {"exclude_interactive_browser_credential": True, "managed_identity_client_id": "client-1"},
    ]
