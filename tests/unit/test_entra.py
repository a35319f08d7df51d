"""Microsoft Entra ID instead of the Speech key: BearerTokenAuth against the emulator, the
settings that choose it, check()'s endpoint rule, and DefaultAzureCredential end to end over
the emulator's managed identity endpoint."""

import ipaddress
import time
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from pulumi.dynamic import Config

from emulator import CustomVoiceBackend, EmulatorServer, mock_custom_voice
from emulator.identity import SPEECH_CONTRIBUTOR, SPEECH_USER, TOKEN_PATH
from provider.authentication import TokenReuse
from provider.errors import ConfigError
from provider.speech.auth import COGNITIVE_SERVICES_SCOPE, BearerTokenAuth, SubscriptionKeyAuth
from provider.speech.client import PERSONAL_VOICE, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.speech.settings import SpeechSettings
from tests.conftest import CONTAINER, ENDPOINT, KEY, configured_provider, voice_inputs
from tests.identity import refuse_all_but_loopback, use_managed_identity

CUSTOM_ENDPOINT = "https://contoso-speech.cognitiveservices.azure.com"
VOICE_BODY = {
    "projectId": "proj",
    "consentId": "consent",
    "audios": {"containerUrl": CONTAINER, "prefix": "jessica/", "extensions": [".wav"]},
}


class MintedCredential:
    """A TokenCredential handing out tokens the emulator's `mint_token` makes."""

    def __init__(self, backend: CustomVoiceBackend, **mint: Any) -> None:
        self.backend = backend
        self.mint = mint
        self.issued: list[str] = []
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **_options: Any) -> AccessToken:
        self.scopes.append(scopes)
        self.issued.append(self.backend.mint_token(**self.mint))
        return AccessToken(self.issued[-1], int(time.time()) + 3600)


def ready_backend() -> CustomVoiceBackend:
    backend = CustomVoiceBackend(keys=[KEY])
    backend.enable_entra()
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    return backend


@pytest.fixture
def entra_backend() -> Iterator[CustomVoiceBackend]:
    with mock_custom_voice(CUSTOM_ENDPOINT, backend=ready_backend()) as backend:
        yield backend


def bearer_client(credential: Any, endpoint: str = CUSTOM_ENDPOINT) -> CustomVoiceClient:
    return CustomVoiceClient(endpoint, BearerTokenAuth(credential), backoff_factor=0)


# BearerTokenAuth against the responses front


def test_a_contributor_token_creates_and_reads_a_voice(entra_backend):
    credential = MintedCredential(entra_backend, roles=[SPEECH_CONTRIBUTOR])
    with bearer_client(credential) as client:
        client.create(PERSONAL_VOICE, "Jessica", VOICE_BODY)
        assert (client.get(PERSONAL_VOICE, "Jessica") or {}).get("status") == "Succeeded"
    assert credential.scopes == [(COGNITIVE_SERVICES_SCOPE,)] * 2  # asked once per request


def test_the_key_keeps_working_beside_entra(entra_backend):
    with CustomVoiceClient(CUSTOM_ENDPOINT, SubscriptionKeyAuth(KEY), backoff_factor=0) as client:
        client.create(PERSONAL_VOICE, "Jessica", VOICE_BODY)
    assert "Jessica" in {voice["id"] for voice in entra_backend.list_personal_voices()}


@pytest.mark.parametrize(
    ("mint", "reason"),
    [
        ({"expires_in": -60}, "expired"),
        ({"audience": "https://storage.azure.com"}, "another resource"),
    ],
)
def test_a_bad_token_is_401_and_the_token_is_in_no_message(entra_backend, mint, reason):
    credential = MintedCredential(entra_backend, **mint)
    with bearer_client(credential) as client, pytest.raises(CustomVoiceApiError) as raised:
        client.get(PERSONAL_VOICE, "Jessica")
    assert (raised.value.status, raised.value.code) == (401, "Unauthorized")
    assert reason in raised.value.message
    assert credential.issued[0] not in str(raised.value)


def test_a_token_of_another_tenant_is_401(entra_backend):
    stranger = CustomVoiceBackend()
    stranger.enable_entra()
    with bearer_client(MintedCredential(stranger)) as client, pytest.raises(CustomVoiceApiError) as raised:
        client.get(PERSONAL_VOICE, "Jessica")
    assert raised.value.status == 401


def test_a_speech_user_reads_but_may_not_create(entra_backend):
    entra_backend.create_personal_voice("Existing", VOICE_BODY)
    with bearer_client(MintedCredential(entra_backend, roles=[SPEECH_USER])) as client:
        assert (client.get(PERSONAL_VOICE, "Existing") or {}).get("id") == "Existing"
        assert [voice["id"] for voice in client.list(PERSONAL_VOICE)] == ["Existing"]
        with pytest.raises(CustomVoiceApiError) as raised:
            client.create(PERSONAL_VOICE, "Jessica", VOICE_BODY)
    assert (raised.value.status, raised.value.code) == (403, "Forbidden")
    assert SPEECH_CONTRIBUTOR in raised.value.message
    assert entra_backend.get_personal_voice("Existing")["id"] == "Existing"
    assert "Jessica" not in {voice["id"] for voice in entra_backend.list_personal_voices()}


def test_the_regional_endpoint_refuses_tokens():
    backend = ready_backend()
    with (
        mock_custom_voice(ENDPOINT, backend=backend),
        bearer_client(MintedCredential(backend), ENDPOINT) as client,
        pytest.raises(CustomVoiceApiError) as raised,
    ):
        client.get(PERSONAL_VOICE, "Jessica")
    assert raised.value.status == 401
    assert "custom subdomain" in raised.value.message


def test_a_credential_that_gives_no_token_is_a_clear_error(entra_backend):
    class Unavailable:
        def get_token(self, *scopes: str, **options: Any) -> AccessToken:
            raise ClientAuthenticationError("ManagedIdentityCredential: no identity assigned")

    with bearer_client(Unavailable()) as client, pytest.raises(ConfigError) as raised:
        client.get(PERSONAL_VOICE, "Jessica")
    assert "Microsoft Entra ID gave no token" in str(raised.value)
    assert "no identity assigned" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert entra_backend.requests == []


def test_the_auth_repr_shows_no_credential():
    assert repr(BearerTokenAuth(MintedCredential(CustomVoiceBackend()))) == (
        f"BearerTokenAuth(scope={COGNITIVE_SERVICES_SCOPE!r})"
    )


# Settings: config chooses the method


@pytest.fixture
def recorded_credentials(monkeypatch) -> list[dict[str, Any]]:
    """The options of every DefaultAzureCredential built."""
    built: list[dict[str, Any]] = []

    def default_azure_credential(**options: Any) -> object:
        built.append(options)
        return object()

    monkeypatch.setattr("azure.identity.DefaultAzureCredential", default_azure_credential)
    return built


def settings(**config: str) -> SpeechSettings:
    raw = {f"personal-voice:{name}": value for name, value in config.items()}
    return SpeechSettings.load(Config(raw, "personal-voice"), environ={})


def test_the_key_is_the_default(recorded_credentials):
    assert isinstance(settings(speechKey=KEY).auth(), SubscriptionKeyAuth)
    assert recorded_credentials == []


def test_entra_uses_one_default_azure_credential_built_on_first_use(recorded_credentials):
    chosen = settings(authentication="entra", speechKey=KEY)
    assert recorded_credentials == []
    first, second = chosen.auth(), chosen.auth()
    assert isinstance(first, BearerTokenAuth) and isinstance(second, BearerTokenAuth)
    assert recorded_credentials == [{"exclude_interactive_browser_credential": True}]


def test_entra_client_id_selects_a_user_assigned_identity(recorded_credentials):
    settings(authentication="entra", entraClientId="11111111-2222-3333-4444-555555555555").auth()
    assert recorded_credentials == [
        {
            "exclude_interactive_browser_credential": True,
            "managed_identity_client_id": "11111111-2222-3333-4444-555555555555",
        }
    ]


class CountingCredential:
    """Like AzureCliCredential: a new token (from `az`) on every call."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.calls: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        self.calls.append(scopes)
        return AccessToken(f"token-{len(self.calls)}", int(time.time() + self.lifetime))


def test_a_token_is_reused_per_scope_until_it_is_about_to_expire():
    fresh = CountingCredential(lifetime=3600)
    reused = TokenReuse(fresh)
    tokens = [reused.get_token(COGNITIVE_SERVICES_SCOPE).token for _ in range(3)]
    storage = reused.get_token("https://storage.azure.com/.default").token
    assert tokens == ["token-1"] * 3 and storage == "token-2"

    expiring = CountingCredential(lifetime=TokenReuse.RENEW_BEFORE_SECONDS - 1)
    renewed = TokenReuse(expiring)
    assert [renewed.get_token(COGNITIVE_SERVICES_SCOPE).token for _ in range(2)] == ["token-1", "token-2"]


class RefusingAfterFirst(CountingCredential):
    """Like a pipeline's Azure CLI once GitHub's 5-minute OIDC assertion has expired."""

    def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        if self.calls:
            raise ClientAuthenticationError("AADSTS700024: Client assertion is not within its valid time range")
        return super().get_token(*scopes, **options)


def test_a_token_that_cannot_be_renewed_is_used_until_it_expires():
    still_valid = TokenReuse(RefusingAfterFirst(lifetime=TokenReuse.RENEW_BEFORE_SECONDS - 60))
    first = still_valid.get_token(COGNITIVE_SERVICES_SCOPE).token
    assert still_valid.get_token(COGNITIVE_SERVICES_SCOPE).token == first

    expired = TokenReuse(RefusingAfterFirst(lifetime=-1))
    expired.get_token(COGNITIVE_SERVICES_SCOPE)
    with pytest.raises(ClientAuthenticationError, match="AADSTS700024"):
        expired.get_token(COGNITIVE_SERVICES_SCOPE)


def test_a_claims_challenge_always_gets_a_fresh_token():
    fresh = CountingCredential(lifetime=3600)
    reused = TokenReuse(fresh)
    reused.get_token(COGNITIVE_SERVICES_SCOPE)
    assert reused.get_token(COGNITIVE_SERVICES_SCOPE, claims='{"access_token":{}}').token == "token-2"


def test_an_unknown_authentication_is_refused():
    with pytest.raises(ConfigError, match="config authentication is 'aad'; use 'key'"):
        settings(authentication="aad")


# check(): the endpoint Entra needs


def failures(provider, **inputs: Any) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in provider.check({}, voice_inputs(**inputs)).failures]


def test_entra_refuses_a_regional_endpoint_in_check():
    found = failures(configured_provider(authentication="entra"), endpoint=ENDPOINT)
    assert len(found) == 1
    field, reason = found[0]
    assert field == "endpoint"
    assert "https://{name}.cognitiveservices.azure.com" in reason and ENDPOINT in reason


@pytest.mark.parametrize("endpoint", [CUSTOM_ENDPOINT, "http://127.0.0.1:8765", "http://localhost:8765"])
def test_entra_accepts_a_custom_subdomain_or_the_emulator(endpoint):
    assert failures(configured_provider(authentication="entra"), endpoint=endpoint) == []


def test_an_invalid_endpoint_is_reported_once():
    found = failures(configured_provider(authentication="entra"), endpoint="http://contoso.example")
    assert [field for field, _ in found] == ["endpoint"]
    assert "https" in found[0][1]


def test_the_key_works_with_a_regional_endpoint():
    assert failures(configured_provider(), endpoint=ENDPOINT) == []


# DefaultAzureCredential over the emulator's managed identity endpoint (real HTTP)

READER_CLIENT_ID = "0f0f0f0f-1111-2222-3333-444444444444"


@pytest.fixture
def loopback_only(monkeypatch) -> list[str]:
    """Every address a socket connects to; any but loopback is refused (IMDS included)."""
    return refuse_all_but_loopback(monkeypatch)


@pytest.fixture
def managed_identity_server(monkeypatch, loopback_only) -> Iterator[EmulatorServer]:
    backend = ready_backend()
    header = backend.enable_entra(user_assigned={READER_CLIENT_ID: [SPEECH_USER]})
    with EmulatorServer(backend) as server:
        # Production credentials only (environment, workload identity, managed identity): no
        # developer tool (az, azd, pwsh) is ever started, even if the managed identity failed.
        use_managed_identity(monkeypatch, f"{server.url}{TOKEN_PATH}", header)
        yield server


def test_default_azure_credential_creates_a_voice_through_the_provider(managed_identity_server, loopback_only):
    endpoint = managed_identity_server.url
    provider = configured_provider(authentication="entra", speechKey="")
    inputs = voice_inputs(endpoint=endpoint)
    assert provider.check({}, inputs).failures == []
    outs = provider.create(inputs).outs or {}
    assert outs.get("status") == "Succeeded"
    assert managed_identity_server.backend.get_personal_voice("Jessica")["speakerProfileId"] == outs["speakerProfileId"]
    assert (provider.read("Jessica", outs).outs or {}).get("status") == "Succeeded"
    assert loopback_only and all(ipaddress.ip_address(address).is_loopback for address in loopback_only)


def test_entra_client_id_reaches_the_managed_identity_endpoint(managed_identity_server):
    provider = configured_provider(authentication="entra", speechKey="", entraClientId=READER_CLIENT_ID)
    with pytest.raises(CustomVoiceApiError) as raised:
        provider.create(voice_inputs(endpoint=managed_identity_server.url))
    assert (raised.value.status, raised.value.code) == (403, "Forbidden")
