"""What a provider's configuration does to the requests it sends: its retry backoff and create
timeout, its request budget, the SAS it is handed, and the optional texts a voice is created with."""

import secrets
from typing import Any

import pytest
import urllib3.util.retry

from emulator import CustomVoiceBackend, EmulatorServer
from provider.redaction import redact
from provider.speech.errors import CustomVoiceApiError
from tests.conftest import CONTAINER, KEY, configured_provider, voice_inputs


def test_the_configured_backoff_and_timeout_bound_the_retries(monkeypatch):
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", lambda seconds: pytest.fail(f"slept {seconds}"))
    backend = CustomVoiceBackend(keys=[KEY])
    busy: tuple[int, dict[str, str], dict[str, Any]] = (
        503,
        {},
        {"error": {"code": "ServiceUnavailable", "message": "busy"}},
    )
    backend.inject_faults("DELETE", r".*/personalvoices/Jessica", [busy] * 3)
    provider = configured_provider(retryBackoffSeconds="60", createTimeoutSeconds="5")
    with EmulatorServer(backend) as server, pytest.raises(CustomVoiceApiError) as late:
        provider.delete("Jessica", voice_inputs(endpoint=server.url))
    assert str(late.value).startswith(
        "Deleting personal voice 'Jessica' failed: the service asked to wait 30 s more, past the 5 s"
    )
    assert len(backend.requests) == 2


def test_the_configured_request_budget_paces_the_providers_requests(backend):
    provider = configured_provider(requestsPer10Seconds="1", createTimeoutSeconds="2")
    provider.delete("Jessica", voice_inputs())
    with pytest.raises(CustomVoiceApiError, match=r"request budget \(requestsPer10Seconds\) needed a wait of"):
        provider.delete("Jessica", voice_inputs())
    assert len(backend.requests) == 1


def test_the_sas_a_voice_is_given_is_redacted_in_any_form_once_used(backend, provider):
    signature = secrets.token_urlsafe(24)
    provider.delete("Jessica", voice_inputs(audios_containerUrl=f"{CONTAINER}?sv=2024-11-04&sp=rl&sig={signature}"))
    assert signature not in redact(f"the storage said: signature {signature} expired")


def test_a_voices_description_and_display_name_are_created_with_it(backend, provider):
    provider.create(voice_inputs(description="Jessica, reading", displayName="Jessica"))
    [voice] = backend.list_personal_voices()
    assert (voice["description"], voice["displayName"]) == ("Jessica, reading", "Jessica")
