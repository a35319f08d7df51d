"""Shared fixtures: the emulator's `responses` front with a project and a consent ready."""

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.accounts import keys
from provider.personal_voice import PersonalVoiceProvider
from provider.speech import base_models, listing, request_budget
from tests.storage_fixtures import azurite, azurite_entra  # noqa: F401 (fixtures: the session's Azurites)

ENDPOINT = "https://eastus.api.cognitive.microsoft.com"
KEY = "0123456789abcdef0123456789abcdef"
SAS = "sv=2024-11-04&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=c2lnbmF0dXJlc2VjcmV0dmFsdWU%3D"
SAS_SIGNATURE = "c2lnbmF0dXJlc2VjcmV0dmFsdWU"
CONTAINER = "https://contoso.blob.core.windows.net/voices"


@pytest.fixture(autouse=True)
def host_state_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the provider host's shared listings, request budgets, base model
    lists and accounts read from ARM empty: many tests use one endpoint (or account), each
    with a service of its own."""
    monkeypatch.setattr(listing, "_listings", {})
    monkeypatch.setattr(request_budget, "_budgets", {})
    monkeypatch.setattr(base_models, "_listed", {})
    monkeypatch.setattr(keys, "_accounts", {})


@pytest.fixture
def backend() -> Iterator[CustomVoiceBackend]:
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend


def configured_provider(**config: str) -> PersonalVoiceProvider:
    raw = {"speechKey": KEY, "pollIntervalSeconds": "0.001", "retryBackoffSeconds": "0", **config}
    provider = PersonalVoiceProvider()
    provider.configure(ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in raw.items()}, "personal-voice")))
    return provider


@pytest.fixture
def provider() -> PersonalVoiceProvider:
    return configured_provider()


def voice_inputs(**changes: Any) -> dict[str, Any]:
    """Inputs as check() stores them, with `audios_<field>` to change one audios field."""
    audios = {"containerUrl": f"{CONTAINER}?{SAS}", "prefix": "jessica/", "extensions": [".wav"]}
    for key in list(changes):
        if key.startswith("audios_"):
            audios[key.removeprefix("audios_")] = changes.pop(key)
    inputs = {
        "endpoint": ENDPOINT,
        "apiVersion": "2026-01-01",
        "voiceId": "Jessica",
        "projectId": "proj",
        "consentId": "consent",
        "audios": audios,
        **changes,
    }
    return {k: v for k, v in inputs.items() if v is not None}
