"""Where the published specs decide what the emulator answers beyond their examples:
PersonalVoices_Post, BaseModels_List, x-ms-error-code per version, fields per version, the
full status enum, and the seed document's create only on purpose."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator import CustomVoiceBackend, EmulatorServer
from tests.audio import mp3_bytes, wav_bytes
from tests.emulator.conftest import (
    ENDPOINT,
    KEY,
    PROVISIONING_SECONDS,
    Api,
    FakeClock,
    consent_body,
    voice_body,
    wait_for_port,
)

REPOSITORY = Path(__file__).resolve().parents[2]
VOICE_FIELDS = {"projectId": "proj", "consentId": "consent"}


def post_voice(
    files: list[tuple[str, bytes]],
    *,
    field: str = "audiodata",
    headers: dict[str, str] | None = None,
    voice_id: str = "Voice1",
    **fields: str,
) -> requests.Response:
    # Text fields as parts too, so that a request without files is still multipart/form-data.
    parts: list[tuple[str, tuple[str | None, Any]]] = [(k, (None, v)) for k, v in {**VOICE_FIELDS, **fields}.items()]
    parts += [(field, (name, data)) for name, data in files]
    return requests.post(
        f"{ENDPOINT}/customvoice/personalvoices/{voice_id}",
        params={"api-version": "2026-01-01"},
        headers={"Ocp-Apim-Subscription-Key": KEY, **(headers or {})},
        files=parts,
        timeout=5,
    )


def error_of(response: requests.Response) -> tuple[int, str, Any]:
    error = response.json()["error"]
    return response.status_code, error["code"], error.get("target")


# PersonalVoices_Post


def test_a_multipart_voice_answers_like_the_json_create_and_progresses(ready: CustomVoiceBackend, clock: FakeClock):
    created = post_voice([("a.wav", wav_bytes(6)), ("b.mp3", mp3_bytes(7))], description="from files")
    assert created.status_code == 201
    assert {"Operation-Id", "Operation-Location"} <= set(created.headers)
    voice = created.json()
    assert (voice["status"], voice["description"], voice["consentId"]) == ("NotStarted", "from files", "consent")
    assert "audios" not in voice
    clock.advance(PROVISIONING_SECONDS)
    assert ready.get_personal_voice("Voice1")["status"] == "Succeeded"


@pytest.mark.parametrize("field", ["audiodata", "audioData", "AUDIODATA"])
def test_the_file_field_is_found_in_any_case(ready: CustomVoiceBackend, field: str):
    assert post_voice([("a.wav", wav_bytes(6))], field=field).status_code == 201


def test_one_usable_file_is_enough_and_none_fails_the_voice_with_data_not_enough(
    ready: CustomVoiceBackend, clock: FakeClock
):
    assert post_voice([("short.wav", wav_bytes(2)), ("good.wav", wav_bytes(6))]).status_code == 201
    assert post_voice([("short.wav", wav_bytes(2)), ("8k.wav", wav_bytes(6, rate=8000))], voice_id="Voice2").ok
    clock.advance(PROVISIONING_SECONDS)
    assert ready.get_personal_voice("Voice1")["status"] == "Succeeded"
    failed = ready.get_personal_voice("Voice2")
    assert (failed["status"], failed["properties"]["failureReason"]) == ("Failed", "DataNotEnough")


def test_requests_without_a_recording_or_with_one_that_is_not_audio_are_bad_arguments(ready: CustomVoiceBackend):
    assert error_of(post_voice([])) == (400, "BadArgument", "audiodata")
    assert error_of(post_voice([("notes.txt", b"not audio")], field="audioData")) == (400, "BadArgument", "audioData")
    assert error_of(post_voice([("a.wav", wav_bytes(6))], consentId="")) == (400, "BadArgument", "consentId")
    assert ready.list_personal_voices() == []


def test_state_rules_and_fail_voice_apply_as_to_the_json_create(ready: CustomVoiceBackend, clock: FakeClock):
    assert error_of(post_voice([("a.wav", wav_bytes(6))], consentId="nobody")) == (400, "BadRequest", "consentId")
    ready.fail_voice("Voice1", "SpeakerVerificationFailed")
    assert post_voice([("a.wav", wav_bytes(6))]).status_code == 201
    assert post_voice([("a.wav", wav_bytes(6))]).status_code == 409
    clock.advance(PROVISIONING_SECONDS)
    assert ready.get_personal_voice("Voice1")["properties"]["failureReason"] == "SpeakerVerificationFailed"


def test_an_operation_id_retry_needs_the_same_files(ready: CustomVoiceBackend):
    headers = {"Operation-Id": "voice-upload-1"}
    first = post_voice([("a.wav", wav_bytes(6))], headers=headers)
    again = post_voice([("a.wav", wav_bytes(6))], headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["speakerProfileId"] == first.json()["speakerProfileId"]
    other = post_voice([("a.wav", wav_bytes(7))], headers=headers)
    assert error_of(other) == (400, "BadRequest", "Operation-Id")


# BaseModels_List


def test_base_models_are_listed(api: Api, emulator: CustomVoiceBackend):
    listed = api.call("GET", "basemodels").json()
    assert [m["name"] for m in listed["value"]] == ["DragonLatestNeural", "PhoenixLatestNeural", "PhoenixV2Neural"]
    assert all(m["capabilities"] == ["PersonalVoice"] and m["releaseDateTime"] for m in listed["value"])


def test_base_models_are_configurable():
    own = {"name": "MyNeural", "releaseDateTime": "2026-01-01T00:00:00.000Z", "capabilities": ["PersonalVoice"]}
    with EmulatorServer(CustomVoiceBackend(keys=[KEY], base_models=[own])) as server:
        assert Api(base=server.url).call("GET", "basemodels").json() == {"value": [own]}


def test_the_module_takes_base_models_from_a_file_and_the_seed_form_only_when_told(tmp_path: Path):
    models = tmp_path / "models.json"
    models.write_text(json.dumps([{"name": "OnlyNeural", "releaseDateTime": "2026-01-01T00:00:00.000Z"}]))
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--key", KEY, "--base-models", str(models)]
        + ["--accept-seed-create-form", "--port-file", str(port_file)],
        cwd=REPOSITORY,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{wait_for_port(port_file, process)}"
        api = Api(base=base, api_version="2023-12-01-preview")
        assert [m["name"] for m in api.call("GET", "basemodels").json()["value"]] == ["OnlyNeural"]
        api.call("PUT", "projects/proj", json={"kind": "PersonalVoice"})
        api.call("PUT", "consents/consent", json=consent_body())
        seeded = api.call("POST", "personalvoices", json={**voice_body(), "id": "Seeded"})
        assert seeded.status_code == 201
    finally:
        process.terminate()
        process.wait(timeout=10)


# Per version: x-ms-error-code, fields, statuses


@pytest.mark.parametrize(
    ("version", "declared"), [("2023-12-01-preview", False), ("2024-02-01-preview", True), ("2026-01-01", True)]
)
def test_x_ms_error_code_is_sent_where_the_versions_spec_declares_it(emulator: CustomVoiceBackend, version, declared):
    missing = Api(api_version=version).call("GET", "personalvoices/Nobody")
    assert missing.status_code == 404
    assert missing.headers.get("x-ms-error-code") == ("NotFound" if declared else None)


def test_fields_appear_only_in_the_versions_whose_schema_has_them(ready: CustomVoiceBackend, clock: FakeClock):
    ready.create_project("Localised", {"kind": "PersonalVoice", "locale": "en-US"})
    ready.fail_consent("failing", "AudioAndScriptNotMatch")
    ready.create_consent("failing", consent_body())
    clock.advance(PROVISIONING_SECONDS)
    for version, has_locale, has_properties in (
        ("2023-12-01-preview", False, False),
        ("2024-02-01-preview", False, True),
        ("2026-01-01", True, True),
    ):
        api = Api(api_version=version)
        assert ("locale" in api.call("GET", "projects/Localised").json()) is has_locale
        assert ("properties" in api.call("GET", "consents/failing").json()) is has_properties
        listed = api.call("GET", "consents").json()["value"]
        assert any("properties" in consent for consent in listed) is has_properties


@pytest.mark.parametrize("status", ["Disabling", "Disabled", "Failed", "Running"])
def test_a_resource_may_be_put_in_any_status_of_the_spec_later(ready: CustomVoiceBackend, status: str):
    created = ready.create_personal_voice("Voice1", voice_body())
    ready.set_status("personalvoices", "Voice1", status, "Internal" if status == "Failed" else None)
    voice = Api().call("GET", "personalvoices/Voice1").json()
    assert voice["status"] == status
    assert voice["createdDateTime"] == created.resource["createdDateTime"]
    with pytest.raises(ValueError, match="status must be one of"):
        ready.set_status("consents", "consent", "Paused")
