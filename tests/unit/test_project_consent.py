"""Project and Consent providers against the emulator's `responses` front."""

import wave
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.consent import ConsentProvider
from provider.errors import Refused
from provider.project import ProjectProvider
from provider.speech.adoption import ResourceConflict, ResourceFailed
from provider.speech.errors import CustomVoiceApiError
from tests.conftest import ENDPOINT, KEY, SAS, SAS_SIGNATURE

RECORDING_URL = "https://contoso.blob.core.windows.net/consents/jessica.wav"


def configured(provider):
    config = {"speechKey": KEY, "pollIntervalSeconds": "0.001", "retryBackoffSeconds": "0"}
    provider.configure(
        ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in config.items()}, "personal-voice"))
    )
    return provider


@pytest.fixture
def service():
    backend = CustomVoiceBackend(keys=[KEY])
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend


def project_inputs(**changes: Any) -> dict[str, Any]:
    return {"endpoint": ENDPOINT, "apiVersion": "2026-01-01", "projectId": "proj", "description": "demo", **changes}


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


def write_wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(2)
        output.setframerate(rate)
        output.writeframes(b"\x00\x01" * int(seconds * rate))
    return path


# -- Project ---------------------------------------------------------------------------


def test_project_is_created_with_kind_personal_voice(service):
    result = configured(ProjectProvider()).create(project_inputs())
    assert result.id == "proj"
    assert result.outs["kind"] == "PersonalVoice" and result.outs["createdDateTime"]
    assert service.get_project("proj")["description"] == "demo"


def test_project_check_names_each_bad_field():
    failures = ProjectProvider().check(
        {}, project_inputs(projectId="x", endpoint="http://example.com", forceDelete="yes")
    )
    assert {f.property for f in failures.failures} == {"projectId", "endpoint", "forceDelete"}


def test_project_changes_replace_except_api_version_and_force_delete():
    provider = ProjectProvider()
    assert provider.diff("proj", project_inputs(), project_inputs(description="new")).replaces == ["description"]
    in_place = provider.diff(
        "proj", project_inputs(), project_inputs(forceDelete=True, apiVersion="2024-02-01-preview")
    )
    assert in_place.changes and in_place.replaces == []


def test_an_existing_matching_project_is_adopted_and_a_different_one_is_a_conflict(service):
    service.add_project("proj", description="demo")
    assert configured(ProjectProvider()).create(project_inputs()).id == "proj"
    with pytest.raises(ResourceConflict, match="description: declared 'other', the service has 'demo'"):
        configured(ProjectProvider()).create(project_inputs(description="other"))


def test_a_project_still_holding_what_the_stack_does_not_manage_is_kept(service):
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    service.add_consent("someone-elses", "proj")
    with pytest.raises(Refused, match="still holds consent 'someone-elses'.*forceDelete"):
        provider.delete("proj", project_inputs())
    assert [c["id"] for c in service.list_consents()] == ["someone-elses"]
    assert not [r for r in service.requests if r.method == "DELETE"]


def test_force_delete_deletes_the_project_with_what_it_holds(service):
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    service.add_consent("someone-elses", "proj")
    provider.delete("proj", project_inputs(forceDelete=True))
    [delete] = [r for r in service.requests if r.method == "DELETE"]
    assert delete.query["forceDelete"] == "true"
    assert service.list_projects() == [] and service.list_consents() == []
    provider.delete("proj", project_inputs())  # already gone counts as deleted


# -- Consent ---------------------------------------------------------------------------


def test_consent_from_a_url_waits_for_succeeded(service):
    service.add_project("proj")
    result = configured(ConsentProvider()).create(consent_inputs())
    assert result.outs["status"] == "Succeeded"
    assert result.outs["audioUrlWithoutSas"] == RECORDING_URL
    assert [(r.method, r.path) for r in service.requests if r.is_write] == [("PUT", "/customvoice/consents/consent")]


def test_consent_check_reports_every_problem():
    news = consent_inputs(consentId="-", locale="english", companyName=None, audioFile="recording.wav")
    failures = {f.property: f.reason for f in ConsentProvider().check({}, news).failures}
    assert set(failures) == {"consentId", "locale", "companyName", "audioUrl"}
    assert "exactly one of audioUrl and audioFile" in failures["audioUrl"]


def test_consent_check_hashes_the_local_recording(tmp_path):
    recording = write_wav(tmp_path / "consent.wav")
    checked = ConsentProvider().check({}, consent_inputs(audioUrl=None, audioFile=str(recording)))
    assert checked.failures == []
    assert len(checked.inputs["audioSha256"]) == 64
    missing = ConsentProvider().check({}, consent_inputs(audioUrl=None, audioFile=str(tmp_path / "nope.wav")))
    assert [f.property for f in missing.failures] == ["audioFile"]


def test_a_new_recording_replaces_the_consent_and_a_rotated_sas_does_not():
    provider = ConsentProvider()
    olds = consent_inputs(audioUrl=None, audioFile="a.wav", audioSha256="1" * 64)
    assert provider.diff("consent", olds, {**olds, "audioSha256": "2" * 64}).replaces == ["audioSha256"]
    moved = provider.diff("consent", olds, {**olds, "audioFile": "b.wav"})
    assert moved.changes and moved.replaces == []
    rotated = provider.diff("consent", consent_inputs(), consent_inputs(audioUrl=f"{RECORDING_URL}?sig=bmV3"))
    assert rotated.changes and rotated.replaces == []


def test_a_failed_consent_names_the_reason_and_is_deleted(service):
    service.add_project("proj")
    service.fail_consent("consent", "AudioAndScriptNotMatch")
    with pytest.raises(ResourceFailed, match="AudioAndScriptNotMatch"):
        configured(ConsentProvider()).create(consent_inputs())
    assert service.list_consents() == []


def test_consent_in_a_missing_project_is_refused_by_the_service(service):
    with pytest.raises(CustomVoiceApiError) as caught:
        configured(ConsentProvider()).create(consent_inputs())
    assert caught.value.status == 400 and SAS_SIGNATURE not in str(caught.value)
