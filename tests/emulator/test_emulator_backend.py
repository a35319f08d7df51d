"""CustomVoiceBackend rules, called directly (no HTTP)."""

import re
import threading
from datetime import datetime

import pytest

from emulator import CustomVoiceBackend
from emulator.errors import ErrorResponse
from emulator.recording import RecordedRequest
from tests.emulator.conftest import PROVISIONING_SECONDS, FakeClock, consent_body, voice_body

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def error_of(call, *args, **kwargs) -> ErrorResponse:
    with pytest.raises(ErrorResponse) as caught:
        call(*args, **kwargs)
    return caught.value


def seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


@pytest.fixture
def backend(slow_backend: CustomVoiceBackend) -> CustomVoiceBackend:
    slow_backend.add_project("proj")
    slow_backend.add_consent("consent", "proj")
    return slow_backend


@pytest.mark.parametrize("good_id", ["abc", "Jessica-PersonalVoice", "a.b_c-d", "A" * 64, "007"])
def test_ids_matching_the_spec_pattern_are_accepted(backend, good_id):
    assert backend.create_project(good_id, {"kind": "PersonalVoice"})["id"] == good_id


@pytest.mark.parametrize("bad_id", ["ab", "A" * 65, "-abc", "abc-", "ab c", "abc/d", "ünï"])
def test_ids_breaking_the_spec_pattern_are_bad_arguments(backend, bad_id):
    error = error_of(backend.create_project, bad_id, {"kind": "PersonalVoice"})
    assert (error.status, error.code, error.target) == (400, "BadArgument", "id")


def test_ids_are_case_sensitive(backend):
    backend.create_personal_voice("Voice", voice_body())
    backend.create_personal_voice("voice", voice_body())
    assert {v["id"] for v in backend.list_personal_voices()} == {"Voice", "voice"}
    assert error_of(backend.get_personal_voice, "VOICE").status == 404


def test_project_needs_a_known_kind_and_a_fresh_id(backend):
    assert error_of(backend.create_project, "proj2", {}).target == "kind"
    assert error_of(backend.create_project, "proj2", {"kind": "Robot"}).target == "kind"
    clash = error_of(backend.create_project, "proj", {"kind": "PersonalVoice"})
    assert (clash.status, clash.code, clash.target) == (409, "Conflict", "id")


def test_project_renders_the_spec_fields(backend):
    project = backend.create_project("proj2", {"kind": "ProfessionalVoice", "description": "d", "locale": "en-US"})
    assert set(project) == {"id", "description", "locale", "kind", "createdDateTime"}
    assert TIMESTAMP.match(project["createdDateTime"])


@pytest.mark.parametrize("missing", ["projectId", "voiceTalentName", "companyName", "locale", "audioUrl"])
def test_consent_requires_its_fields(backend, missing):
    payload = {k: v for k, v in consent_body().items() if k != missing}
    error = error_of(backend.create_consent, "consent2", payload)
    assert (error.status, error.code, error.target) == (400, "BadArgument", missing)


def test_consent_audio_url_must_be_absolute_http_and_is_never_echoed(backend):
    assert error_of(backend.create_consent, "consent2", consent_body(audioUrl="/relative.wav")).target == "audioUrl"
    assert error_of(backend.create_consent, "consent2", consent_body(audioUrl="ftp://host/a.wav")).target == "audioUrl"
    created = backend.create_consent("consent2", consent_body())
    assert "audioUrl" not in created.resource and "audioUrl" not in backend.get_consent("consent2")


def test_consent_needs_an_existing_project(backend):
    error = error_of(backend.create_consent, "consent2", consent_body("nowhere"))
    assert (error.status, error.code, error.target) == (400, "BadRequest", "projectId")


def test_voice_create_answers_not_started_with_a_speaker_profile_and_no_audios(backend):
    created = backend.create_personal_voice("Voice1", voice_body(description="narrator"))
    voice = created.resource
    assert voice["status"] == "NotStarted"
    assert re.fullmatch(r"[0-9a-f-]{36}", voice["speakerProfileId"])
    assert "audios" not in voice  # as in every spec example: the SAS URL is never echoed
    assert voice["description"] == "narrator"
    assert voice["createdDateTime"] == voice["lastActionDateTime"]
    assert created.operation_id and backend.get_operation(created.operation_id)["status"] == "NotStarted"


@pytest.mark.parametrize(
    ("audios", "target"),
    [
        (None, "audios"),
        ({"extensions": [".wav"]}, "audios.containerUrl"),
        ({"containerUrl": "not a url", "extensions": [".wav"]}, "audios.containerUrl"),
        ({"containerUrl": "https://contoso.blob.core.windows.net/c"}, "audios.extensions"),
        ({"containerUrl": "https://contoso.blob.core.windows.net/c", "extensions": []}, "audios.extensions"),
    ],
)
def test_voice_audios_are_validated(backend, audios, target):
    error = error_of(backend.create_personal_voice, "Voice1", voice_body(audios=audios))
    assert (error.status, error.code, error.target) == (400, "BadArgument", target)


def test_voice_needs_a_personal_voice_project_and_a_succeeded_consent_of_that_project(backend):
    backend.add_project("pro", kind="ProfessionalVoice")
    backend.add_consent("pro-consent", "pro")
    backend.add_project("other")
    backend.add_consent("other-consent", "other")
    backend.add_consent("pending", "proj", status="Running")
    cases = [
        ({"projectId": "nowhere"}, "projectId"),
        ({"projectId": "pro", "consentId": "pro-consent"}, "projectId"),
        ({"consentId": "nobody"}, "consentId"),
        ({"consentId": "other-consent"}, "consentId"),
        ({"consentId": "pending"}, "consentId"),
    ]
    for changes, target in cases:
        error = error_of(backend.create_personal_voice, "Voice1", voice_body(**changes))
        assert (error.status, error.code, error.target) == (400, "BadRequest", target), changes
    assert backend.list_personal_voices() == []


def test_voice_body_id_must_match_the_path(backend):
    assert error_of(backend.create_personal_voice, "Voice1", voice_body(id="Voice2")).target == "id"


def test_status_progresses_with_the_clock_and_the_operation_mirrors_it(backend, clock: FakeClock):
    operation_id = backend.create_personal_voice("Voice1", voice_body()).operation_id
    seen = []
    for step in (0.0, PROVISIONING_SECONDS / 2 - 0.1, 0.1, PROVISIONING_SECONDS / 2 - 0.1, 0.1):
        clock.advance(step)
        seen.append((backend.get_personal_voice("Voice1")["status"], backend.get_operation(operation_id)["status"]))
    assert seen == [
        ("NotStarted", "NotStarted"),
        ("NotStarted", "NotStarted"),
        ("Running", "Running"),
        ("Running", "Running"),
        ("Succeeded", "Succeeded"),
    ]
    voice = backend.get_personal_voice("Voice1")
    assert seconds_between(voice["createdDateTime"], voice["lastActionDateTime"]) == PROVISIONING_SECONDS
    assert "properties" not in voice


def test_consents_progress_too(backend, clock: FakeClock):
    backend.create_consent("consent2", consent_body())
    assert backend.get_consent("consent2")["status"] == "NotStarted"
    clock.advance(PROVISIONING_SECONDS)
    assert backend.get_consent("consent2")["status"] == "Succeeded"


def test_zero_provisioning_answers_not_started_then_succeeded():
    backend = CustomVoiceBackend(clock=FakeClock())
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    assert backend.create_personal_voice("Voice1", voice_body()).resource["status"] == "NotStarted"
    assert backend.get_personal_voice("Voice1")["status"] == "Succeeded"


def test_fail_voice_fails_the_next_create_once_provisioning_completes(backend, clock: FakeClock):
    backend.fail_voice("Voice1", "SpeakerVerificationFailed")
    operation_id = backend.create_personal_voice("Voice1", voice_body()).operation_id
    clock.advance(PROVISIONING_SECONDS / 2)
    assert backend.get_personal_voice("Voice1")["status"] == "Running"
    clock.advance(PROVISIONING_SECONDS / 2)
    voice = backend.get_personal_voice("Voice1")
    assert (voice["status"], voice["properties"]) == ("Failed", {"failureReason": "SpeakerVerificationFailed"})
    assert backend.get_operation(operation_id)["status"] == "Failed"
    backend.delete_personal_voice("Voice1")
    backend.create_personal_voice("Voice1", voice_body())
    clock.advance(PROVISIONING_SECONDS)
    assert backend.get_personal_voice("Voice1")["status"] == "Succeeded"


def test_fail_consent_fails_the_next_consent_create(backend, clock: FakeClock):
    backend.fail_consent("consent2", "AudioAndScriptNotMatch")
    backend.create_consent("consent2", consent_body())
    clock.advance(PROVISIONING_SECONDS)
    consent = backend.get_consent("consent2")
    assert (consent["status"], consent["properties"]) == ("Failed", {"failureReason": "AudioAndScriptNotMatch"})
    assert error_of(backend.create_personal_voice, "Voice1", voice_body(consentId="consent2")).target == "consentId"


def test_operation_id_retry_replays_and_reuse_for_another_request_is_rejected(backend):
    first = backend.create_personal_voice("Voice1", voice_body(), operation_id="op-1")
    again = backend.create_personal_voice("Voice1", voice_body(), operation_id="op-1")
    assert first.operation_id == again.operation_id == "op-1"
    assert again.resource["speakerProfileId"] == first.resource["speakerProfileId"]
    reused = error_of(backend.create_personal_voice, "Voice2", voice_body(), operation_id="op-1")
    assert (reused.status, reused.code, reused.target) == (400, "BadRequest", "Operation-Id")
    assert error_of(backend.create_personal_voice, "Voice1", voice_body()).status == 409
    assert error_of(backend.create_personal_voice, "Voice3", voice_body(), operation_id="bad id").code == "BadArgument"


def test_project_delete_takes_its_consents_and_voices_with_it(backend):
    backend.add_project("other")
    backend.add_consent("other-consent", "other")
    backend.create_personal_voice("Voice1", voice_body())
    backend.delete_project("proj")
    assert [p["id"] for p in backend.list_projects()] == ["other"]
    assert [c["id"] for c in backend.list_consents()] == ["other-consent"]
    assert backend.list_personal_voices() == []


def test_consent_delete_refuses_while_a_voice_uses_it(backend):
    backend.create_personal_voice("Voice1", voice_body())
    assert error_of(backend.delete_consent, "consent").code == "BadRequest"
    backend.delete_personal_voice("Voice1")
    backend.delete_consent("consent")
    missing = error_of(backend.delete_consent, "consent")
    assert (missing.status, missing.code, missing.message) == (404, "NotFound", "The consent 'consent' does not exist.")


def test_filters(backend, clock: FakeClock):
    backend.add_project("pro", kind="ProfessionalVoice", locale="en-GB")
    backend.add_project("other")
    backend.add_consent("other-consent", "other")
    clock.advance(60)
    backend.create_personal_voice("Voice1", voice_body())
    backend.create_personal_voice("Voice2", voice_body(projectId="other", consentId="other-consent"))
    assert [p["id"] for p in backend.list_projects("kind eq 'PersonalVoice'")] == ["proj", "other"]
    assert [p["id"] for p in backend.list_projects("kind ne PersonalVoice and locale eq 'en-GB'")] == ["pro"]
    assert [c["id"] for c in backend.list_consents("projectId eq 'other'")] == ["other-consent"]
    assert [v["id"] for v in backend.list_personal_voices("projectId eq 'other'")] == ["Voice2"]
    cutoff = backend.get_personal_voice("Voice1")["createdDateTime"]
    assert len(backend.list_personal_voices(f"createdDateTime ge {cutoff}")) == 2
    assert backend.list_personal_voices(f"createdDateTime gt {cutoff}") == []
    for bad in ("projectId eq", "status eq 'Succeeded'", "projectId gt 'a'", "createdDateTime gt yesterday"):
        error = error_of(backend.list_personal_voices, bad)
        assert (error.status, error.code, error.target) == (400, "BadArgument", "filter"), bad


def test_seed_creates_catalog_entries_already_succeeded_and_ignores_other_keys():
    backend = CustomVoiceBackend()
    backend.seed(
        projects=[{"id": "proj1", "description": "demo"}, {"id": "proj2", "kind": "ProfessionalVoice", "extra": 1}],
        consents=[
            {
                "id": "consent1",
                "projectId": "proj1",
                "voiceTalentName": "Jessica Smith",
                "companyName": "Contoso",
                "locale": "en-US",
                "audioUrl": "https://example.com/a.wav",
            }
        ],
    )
    assert [(p["id"], p["kind"]) for p in backend.list_projects()] == [
        ("proj1", "PersonalVoice"),
        ("proj2", "ProfessionalVoice"),
    ]
    consent = backend.get_consent("consent1")
    assert consent["status"] == "Succeeded" and consent["voiceTalentName"] == "Jessica Smith"


def test_request_log_redacts_secret_query_values_and_knows_writes(backend):
    backend.record_request("put", "/customvoice/projects/p", {"api-version": "2026-01-01", "subscription-key": "k"})
    [recorded] = backend.requests
    assert (recorded.method, recorded.is_write) == ("PUT", True)
    assert recorded.query == {"api-version": "2026-01-01", "subscription-key": "REDACTED"}


def test_reset_forgets_everything(backend):
    backend.create_personal_voice("Voice1", voice_body())
    backend.record_request("GET", "/x", {})
    backend.inject_faults("GET", "/x", [(500, {}, None)])
    backend.reset()
    assert backend.list_projects() == [] and backend.requests == []
    assert backend.take_fault("GET", "/x") is None


def test_concurrent_creates_of_one_id_make_exactly_one_voice(backend):
    outcomes: list[str] = []

    def create() -> None:
        try:
            backend.create_personal_voice("Voice1", voice_body())
            outcomes.append("created")
        except ErrorResponse as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(outcomes) == ["Conflict"] * 7 + ["created"]


def test_arm_actions_that_only_read_are_no_writes_in_the_log():
    account = "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a"
    assert not RecordedRequest.redacted("POST", f"{account}/listKeys", {}).is_write
    assert not RecordedRequest.redacted("POST", "/subscriptions/s/providers/x/checkDomainAvailability", {}).is_write
    assert RecordedRequest.redacted("POST", f"{account}/regenerateKey", {}).is_write
