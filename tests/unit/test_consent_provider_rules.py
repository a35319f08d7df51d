"""The Consent provider's check, field by field, and its create from a local recording, against
the emulator's `responses` front."""

from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import rpc

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.consent import ConsentProvider
from provider.errors import Refused
from provider.hashing import file_sha256
from tests.audio import write_wav
from tests.conftest import ENDPOINT, KEY, SAS

RECORDING_URL = "https://contoso.blob.core.windows.net/consents/jessica.wav"


def consent_inputs(**changes: Any) -> dict[str, Any]:
    inputs = {
        "endpoint": ENDPOINT,
        "apiVersion": "2026-01-01",
        "consentId": "consent",
        "projectId": "proj",
        "voiceTalentName": "Jessica Smith",
        "companyName": "Contoso",
        "locale": "en-US",
        "audioUrl": f"{RECORDING_URL}?{SAS}",
        **changes,
    }
    return {k: v for k, v in inputs.items() if v is not None}


def failures(**changes: Any) -> dict[str, str]:
    result = ConsentProvider().check({}, consent_inputs(**changes))
    return {f.property: f.reason for f in result.failures}


def configured() -> ConsentProvider:
    config = {"speechKey": KEY, "pollIntervalSeconds": "0.001", "retryBackoffSeconds": "0"}
    provider = ConsentProvider()
    provider.configure(
        ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in config.items()}, "personal-voice"))
    )
    return provider


@pytest.fixture
def service():
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "jessica-consent.wav", 1.0)


# check


def test_a_good_consent_from_a_url_passes_check_unchanged():
    result = ConsentProvider().check({}, consent_inputs(description="demo", displayName="Jessica"))
    assert result.failures == []
    assert result.inputs == consent_inputs(description="demo", displayName="Jessica")


def test_each_bad_field_is_named_with_its_reason_and_none_hides_another():
    assert failures(endpoint="http://example.com", consentId="-", projectId="-", apiVersion="2020-01-01") == {
        "endpoint": "must use https (plain http is allowed only for loopback addresses)",
        "consentId": failures(consentId="-")["consentId"],
        "projectId": failures(projectId="-")["projectId"],
        "apiVersion": failures(apiVersion="2020-01-01")["apiVersion"],
    }
    assert failures(projectId="-")["projectId"].startswith("'-' is not a valid id")
    assert failures(apiVersion="2020-01-01")["apiVersion"].startswith("'2020-01-01' is not one of ")


@pytest.mark.parametrize("field", ["voiceTalentName", "companyName", "locale"])
def test_a_required_text_that_is_missing_or_empty_is_required(field: str):
    assert failures(**{field: ""}) == {field: "is required"}
    news = {k: v for k, v in consent_inputs().items() if k != field}
    assert {f.property: f.reason for f in ConsentProvider().check({}, news).failures} == {field: "is required"}


@pytest.mark.parametrize("field", ["voiceTalentName", "companyName", "description", "displayName"])
def test_a_text_field_must_be_a_string(field: str):
    assert failures(**{field: 42}) == {field: "must be a string, got int"}


def test_a_given_audio_sha256_is_never_taken_as_given():
    assert "audioSha256" not in ConsentProvider().check({}, consent_inputs(audioSha256="1" * 64)).inputs


def test_a_given_audio_sha256_is_replaced_by_the_recordings_own(recording: Path):
    news = consent_inputs(audioUrl=None, audioFile=str(recording), audioSha256="1" * 64)
    assert ConsentProvider().check({}, news).inputs["audioSha256"] == file_sha256(recording)


def test_the_recording_must_be_given_one_way_exactly(recording: Path):
    reason = "give exactly one of audioUrl and audioFile (the consent recording)"
    assert failures(audioFile=str(recording)) == {"audioUrl": reason}
    assert failures(audioUrl=None) == {"audioUrl": reason}


def test_a_recording_url_may_carry_a_sas_but_must_be_https():
    assert failures(audioUrl=f"{RECORDING_URL}?{SAS}") == {}
    assert failures(audioUrl="ftp://contoso/jessica.wav") == {"audioUrl": "must be an absolute https:// URL"}
    assert failures(audioUrl=42) == {"audioUrl": "must be a string, got int"}


def test_a_missing_recording_file_is_named(tmp_path: Path):
    missing = tmp_path / "nope.wav"
    assert failures(audioUrl=None, audioFile=str(missing)) == {"audioFile": f"no such file: {missing}"}


def test_a_recording_file_not_known_at_preview_is_hashed_later():
    result = ConsentProvider().check({}, consent_inputs(audioUrl=None, audioFile=rpc.UNKNOWN))
    assert result.failures == []
    assert "audioSha256" not in result.inputs


# create from a local recording


def test_a_consent_from_a_file_is_uploaded_with_its_fields(service: CustomVoiceBackend, recording: Path):
    provider = configured()
    news = consent_inputs(audioUrl=None, audioFile=str(recording), description="demo", displayName="Jessica")
    props = provider.check({}, news).inputs
    result = provider.create(props)
    assert result.id == "consent"
    assert result.outs is not None and result.outs["status"] == "Succeeded"
    assert "audioUrlWithoutSas" not in result.outs
    assert [(r.method, r.path) for r in service.requests if r.is_write] == [("POST", "/customvoice/consents/consent")]
    stored = service.get_consent("consent")
    assert (stored["projectId"], stored["voiceTalentName"], stored["companyName"], stored["locale"]) == (
        "proj",
        "Jessica Smith",
        "Contoso",
        "en-US",
    )
    assert (stored["description"], stored["displayName"]) == ("demo", "Jessica")


def test_a_consent_from_a_url_sends_its_description_and_display_name(service: CustomVoiceBackend):
    configured().create(consent_inputs(description="demo", displayName="Jessica"))
    stored = service.get_consent("consent")
    assert (stored["description"], stored["displayName"]) == ("demo", "Jessica")


def test_a_recording_changed_since_the_preview_is_refused_before_anything_is_sent(
    service: CustomVoiceBackend, recording: Path
):
    provider = configured()
    props = provider.check({}, consent_inputs(audioUrl=None, audioFile=str(recording))).inputs
    write_wav(recording, 2.0)
    with pytest.raises(Refused, match="changed after the preview computed its hash"):
        provider.create(props)
    assert [r for r in service.requests if r.is_write] == []
    assert service.list_consents() == []
