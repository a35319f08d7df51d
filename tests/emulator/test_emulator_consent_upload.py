"""Consents_Post: the multipart consent create, through the `responses` front."""

import pytest
import requests

from emulator import CustomVoiceBackend
from tests.audio import mp3_bytes, wav_bytes
from tests.emulator.conftest import ENDPOINT, KEY, PROVISIONING_SECONDS, Api, FakeClock

FIELDS = {
    "projectId": "proj",
    "voiceTalentName": "Jessica Smith",
    "companyName": "Contoso",
    "locale": "en-US",
    "description": "Consent for Jessica voice",
}


def upload(
    consent_id: str = "Jessica",
    fields: dict[str, str] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    return requests.post(
        f"{ENDPOINT}/customvoice/consents/{consent_id}",
        params={"api-version": "2026-01-01"},
        headers={"Ocp-Apim-Subscription-Key": KEY, **(headers or {})},
        data=FIELDS if fields is None else fields,
        files={"audiodata": ("consent.wav", wav_bytes(1.0), "audio/wav")} if files is None else files,
        timeout=5,
    )


@pytest.fixture
def project(emulator: CustomVoiceBackend) -> CustomVoiceBackend:
    emulator.add_project("proj")
    return emulator


def test_upload_answers_like_the_spec_example_and_progresses(project: CustomVoiceBackend, clock: FakeClock):
    created = upload(headers={"Operation-Id": "070f7986-ef17-41d0-ba2b-907f0f28e314"})
    assert created.status_code == 201
    assert created.headers["Operation-Id"] == "070f7986-ef17-41d0-ba2b-907f0f28e314"
    assert created.headers["Operation-Location"] == (
        f"{ENDPOINT}/customvoice/operations/070f7986-ef17-41d0-ba2b-907f0f28e314?api-version=2026-01-01"
    )
    body = created.json()
    assert body == {
        "id": "Jessica",
        "description": "Consent for Jessica voice",
        "projectId": "proj",
        "voiceTalentName": "Jessica Smith",
        "companyName": "Contoso",
        "locale": "en-US",
        "status": "NotStarted",
        "createdDateTime": body["createdDateTime"],
        "lastActionDateTime": body["createdDateTime"],
    }
    clock.advance(PROVISIONING_SECONDS)
    assert project.get_consent("Jessica")["status"] == "Succeeded"
    assert Api().call("GET", "operations/070f7986-ef17-41d0-ba2b-907f0f28e314").json()["status"] == "Succeeded"


@pytest.mark.parametrize("field", ["audiodata", "audioData", "AUDIODATA"])
@pytest.mark.parametrize("audio", [wav_bytes(0.5, 24000), mp3_bytes(1.0)], ids=["wav", "mp3"])
def test_the_file_field_is_found_in_any_case_and_may_be_wav_or_mp3(project: CustomVoiceBackend, field, audio):
    assert upload(files={field: ("consent", audio, "application/octet-stream")}).status_code == 201


@pytest.mark.parametrize("field", ["audiodata", "audioData"])
def test_audio_that_is_neither_wav_nor_mp3_is_a_bad_argument_naming_the_field(project: CustomVoiceBackend, field):
    refused = upload(files={field: ("consent.wav", b"RIFF but not really a wave file", "audio/wav")})
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "code": "BadArgument",
        "message": f"The form field '{field}' must be a WAV or MP3 file.",
        "target": field,
    }
    assert project.list_consents() == []


def test_missing_recording_or_field_is_a_bad_argument(project: CustomVoiceBackend):
    no_file = upload(files={"other": ("x.wav", wav_bytes(0.5), "audio/wav")})
    assert (no_file.status_code, no_file.json()["error"]["target"]) == (400, "audiodata")
    no_locale = upload(fields={k: v for k, v in FIELDS.items() if k != "locale"})
    assert (no_locale.status_code, no_locale.json()["error"]["target"]) == (400, "locale")


def test_state_rules_and_fail_consent_apply_as_to_the_json_create(project: CustomVoiceBackend, clock: FakeClock):
    missing_project = upload(fields={**FIELDS, "projectId": "nowhere"})
    assert (missing_project.json()["error"]["code"], missing_project.json()["error"]["target"]) == (
        "BadRequest",
        "projectId",
    )
    project.fail_consent("Jessica", "AudioAndScriptNotMatch")
    assert upload().status_code == 201
    assert upload().status_code == 409
    clock.advance(PROVISIONING_SECONDS)
    failed = project.get_consent("Jessica")
    assert (failed["status"], failed["properties"]) == ("Failed", {"failureReason": "AudioAndScriptNotMatch"})


def test_operation_id_retry_needs_the_same_file(project: CustomVoiceBackend):
    headers = {"Operation-Id": "upload-1"}
    assert upload(headers=headers).status_code == 201
    assert upload(headers=headers).status_code == 201
    other_file = upload(files={"audiodata": ("c.wav", wav_bytes(2.0), "audio/wav")}, headers=headers)
    assert (other_file.status_code, other_file.json()["error"]["target"]) == (400, "Operation-Id")


def test_post_needs_a_multipart_body(project: CustomVoiceBackend):
    as_json = Api().call("POST", "consents/Jessica", json=FIELDS)
    assert as_json.status_code == 415 and as_json.json()["error"]["code"] == "UnsupportedMediaType"
    broken = requests.post(
        f"{ENDPOINT}/customvoice/consents/Jessica?api-version=2026-01-01",
        data=b"no parts here",
        headers={"Ocp-Apim-Subscription-Key": KEY, "Content-Type": "multipart/form-data; boundary=xyz"},
        timeout=5,
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "BadRequest"
