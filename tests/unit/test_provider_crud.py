"""create, read, update and delete against the emulator's `responses` front."""

import base64
from typing import Any

import pytest

from provider.errors import ConfigError
from provider.speech.adoption import ResourceConflict, ResourceFailed
from provider.speech.errors import CustomVoiceApiError
from provider.speech.polling import PollTimeout
from tests.conftest import CONTAINER, ENDPOINT, KEY, SAS, SAS_SIGNATURE, configured_provider, voice_inputs


def writes(backend):
    return [(r.method, r.path) for r in backend.requests if r.is_write]


def test_create_waits_for_succeeded_and_returns_the_speaker_profile_id(backend, provider):
    result = provider.create(voice_inputs())
    assert result.id == "Jessica"
    assert result.outs["status"] == "Succeeded"
    assert result.outs["speakerProfileId"]
    assert result.outs["containerUrlWithoutSas"] == CONTAINER
    assert result.outs["voiceId"] == "Jessica" and result.outs["projectId"] == "proj"
    assert writes(backend) == [("PUT", "/customvoice/personalvoices/Jessica")]


def test_every_api_version_creates_with_the_specs_put(backend, provider):
    result = provider.create(voice_inputs(apiVersion="2023-12-01-preview"))
    assert result.outs["status"] == "Succeeded"
    assert writes(backend) == [("PUT", "/customvoice/personalvoices/Jessica")]
    assert [r.query["api-version"] for r in backend.requests if r.is_write] == ["2023-12-01-preview"]


def test_the_seed_documents_post_only_when_asked_for_and_where_accepted(backend, provider):
    inputs = voice_inputs(apiVersion="2023-12-01-preview", createRequest="seed-document-post")
    with pytest.raises(CustomVoiceApiError) as refused:
        provider.create(inputs)
    assert refused.value.status == 405 and backend.list_personal_voices() == []
    backend.accepts_seed_create_form = True
    result = provider.create(inputs)
    assert result.outs["status"] == "Succeeded"
    assert writes(backend)[-1] == ("POST", "/customvoice/personalvoices")
    assert provider.read("Jessica", result.outs).outs["speakerProfileId"] == result.outs["speakerProfileId"]


def test_a_throttled_create_is_retried(backend, provider):
    backend.inject_faults(
        "PUT",
        r".*/personalvoices/.*",
        [(429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "slow down"}})],
    )
    assert provider.create(voice_inputs()).outs["status"] == "Succeeded"
    assert writes(backend) == [("PUT", "/customvoice/personalvoices/Jessica")] * 2


def test_server_errors_until_retries_run_out_fail_with_the_status_and_create_nothing(backend):
    provider = configured_provider(httpRetries="2")
    unavailable: tuple[int, dict[str, str], dict[str, Any]] = (
        503,
        {},
        {"error": {"code": "ServiceUnavailable", "message": "try later"}},
    )
    backend.inject_faults("PUT", r".*/personalvoices/Jessica", [unavailable] * 3)
    with pytest.raises(CustomVoiceApiError) as caught:
        provider.create(voice_inputs())
    assert caught.value.status == 503 and caught.value.code == "ServiceUnavailable"
    assert writes(backend) == [("PUT", "/customvoice/personalvoices/Jessica")] * 3  # PUT is idempotent
    assert backend.list_personal_voices() == []


def test_a_failed_voice_names_the_reason_and_is_not_left_behind(backend, provider):
    backend.fail_voice("Jessica", "SpeakerVerificationFailed")
    with pytest.raises(ResourceFailed, match="SpeakerVerificationFailed"):
        provider.create(voice_inputs())
    assert writes(backend)[-1] == ("DELETE", "/customvoice/personalvoices/Jessica")
    assert provider.read("Jessica", voice_inputs()).id == ""


def test_an_existing_matching_voice_is_adopted_when_its_id_is_refused_as_taken(backend, provider):
    first = provider.create(voice_inputs())
    backend.clear_requests()
    adopted = provider.create(voice_inputs(audios_containerUrl=f"{CONTAINER}?sv=2026&sig=b3RoZXJzaWc"))
    assert adopted.outs["speakerProfileId"] == first.outs["speakerProfileId"]
    # The create goes first; the service's 409 sends one look, and the voice is the same one.
    assert [(r.method, r.path) for r in backend.requests] == [
        ("PUT", "/customvoice/personalvoices/Jessica"),
        ("GET", "/customvoice/personalvoices/Jessica"),
    ]
    assert [v["speakerProfileId"] for v in backend.list_personal_voices()] == [first.outs["speakerProfileId"]]


def test_an_existing_different_voice_is_a_conflict_that_says_what_differs(backend, provider):
    backend.add_consent("consent2", "proj")
    provider.create(voice_inputs())
    with pytest.raises(ResourceConflict) as caught:
        provider.create(voice_inputs(consentId="consent2"))
    message = str(caught.value)
    assert "consentId: declared 'consent2', the service has 'consent'" in message
    assert "choose another id" in message
    assert [v["consentId"] for v in backend.list_personal_voices()] == ["consent"]


def test_a_create_answered_200_is_compared_before_it_is_adopted(backend, provider):
    """A service that answers an existing id's PUT with 200 and the resource that has it."""
    backend.add_consent("consent2", "proj")
    theirs = backend.create_personal_voice("Jessica", voice_inputs(consentId="consent2"))
    backend.inject_faults(
        "GET", r".*/personalvoices/Jessica", [(404, {}, {"error": {"code": "NotFound", "message": "gone"}})]
    )
    backend.inject_faults("PUT", r".*/personalvoices/Jessica", [(200, {}, theirs.resource)])
    with pytest.raises(ResourceConflict, match="consentId: declared 'consent', the service has 'consent2'"):
        provider.create(voice_inputs())


def test_ids_differing_only_in_case_are_different_voices(backend, provider):
    upper = provider.create(voice_inputs(voiceId="Jessica"))
    lower = provider.create(voice_inputs(voiceId="jessica"))
    assert upper.outs["speakerProfileId"] != lower.outs["speakerProfileId"]


def test_a_missing_project_is_reported_by_the_service(backend, provider):
    with pytest.raises(CustomVoiceApiError) as caught:
        provider.create(voice_inputs(projectId="nope"))
    assert caught.value.status in (400, 404)
    assert "nope" in str(caught.value)


def test_a_wrong_key_is_a_401_whose_message_holds_no_key(backend):
    provider = configured_provider(speechKey="ffffffffffffffffffffffffffffffff")
    with pytest.raises(CustomVoiceApiError) as caught:
        provider.create(voice_inputs())
    assert caught.value.status == 401
    assert "ffffffffffffffff" not in str(caught.value) and KEY not in str(caught.value)


def test_no_key_at_all_is_a_clear_error_before_any_request(backend, monkeypatch):
    monkeypatch.delenv("AZURE_SPEECH_KEY", raising=False)
    provider = configured_provider(speechKey="")
    with pytest.raises(ConfigError, match="pulumi config set --secret speechKey"):
        provider.create(voice_inputs())
    assert backend.requests == []


def test_the_key_can_come_from_the_environment(backend, monkeypatch):
    monkeypatch.setenv("AZURE_SPEECH_KEY", KEY)
    result = configured_provider(speechKey="").create(voice_inputs())
    assert result.outs is not None and result.outs["status"] == "Succeeded"


def test_a_sas_echoed_in_an_error_is_redacted(backend, provider):
    echo = {"error": {"code": "BadArgument", "message": f"cannot list {CONTAINER}?{SAS}"}}
    backend.inject_faults("PUT", r".*/personalvoices/.*", [(400, {}, echo)])
    with pytest.raises(CustomVoiceApiError) as caught:
        provider.create(voice_inputs())
    assert SAS_SIGNATURE not in str(caught.value)
    assert CONTAINER in str(caught.value)


def test_provisioning_longer_than_the_timeout_fails_with_a_poll_timeout(provider):
    from emulator import CustomVoiceBackend, mock_custom_voice

    slow = CustomVoiceBackend(keys=[KEY], provisioning_seconds=3600)
    slow.add_project("proj")
    slow.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=slow):
        provider = configured_provider(createTimeoutSeconds="0.3", pollIntervalSeconds="0.05")
        with pytest.raises(PollTimeout, match="still"):
            provider.create(voice_inputs())
        # The voice stays; the next `pulumi up` adopts it once it matches.
        assert provider.read("Jessica", voice_inputs()).id == "Jessica"


def test_read_refreshes_service_fields_and_a_vanished_voice_reads_as_gone(backend, provider):
    created = provider.create(voice_inputs())
    read = provider.read("Jessica", created.outs)
    assert read.id == "Jessica"
    assert read.outs["speakerProfileId"] == created.outs["speakerProfileId"]
    provider.delete("Jessica", created.outs)
    assert provider.read("Jessica", created.outs).id == ""


def test_delete_of_a_voice_already_gone_succeeds(backend, provider):
    provider.delete("Jessica", voice_inputs())
    assert writes(backend) == [("DELETE", "/customvoice/personalvoices/Jessica")]


def test_update_for_a_rotated_sas_keeps_the_voice_and_sends_nothing(backend, provider):
    created = provider.create(voice_inputs())
    rotated = voice_inputs(audios_containerUrl=f"{CONTAINER}?sv=2026&sig=bmV3")
    updated = provider.update("Jessica", created.outs, rotated)
    assert updated.outs is not None
    assert updated.outs["speakerProfileId"] == created.outs["speakerProfileId"]
    assert updated.outs["audios"]["containerUrl"].endswith("sig=bmV3")
    assert len(writes(backend)) == 1


def test_a_voice_found_without_audios_is_still_adopted(backend, provider):
    """The spec's examples omit a voice's audios; adoption must not call that a difference."""
    first = provider.create(voice_inputs())
    backend.inject_faults(
        "GET",
        r".*/personalvoices/Jessica",
        [(200, {}, {k: v for k, v in backend.get_personal_voice("Jessica").items() if k != "audios"})],
    )
    assert provider.create(voice_inputs()).outs["speakerProfileId"] == first.outs["speakerProfileId"]


def test_a_failed_voice_whose_cleanup_fails_still_names_the_reason(backend, provider):
    backend.fail_voice("Jessica", "InaccessibleCustomerStorage")
    broken: tuple[int, dict[str, str], dict[str, Any]] = (
        500,
        {},
        {"error": {"code": "InternalServerError", "message": "later"}},
    )
    backend.inject_faults("DELETE", r".*/personalvoices/Jessica", [broken] * 5)
    with pytest.raises(ResourceFailed) as caught:
        provider.create(voice_inputs())
    assert "InaccessibleCustomerStorage" in str(caught.value)
    assert str(caught.value).endswith("delete it in the service, then run `pulumi up` again")


def test_a_configured_provider_pickles_without_its_settings(provider):
    from pulumi.dynamic.dynamic import serialize_provider

    pickled = serialize_provider(provider)
    assert len(pickled) < 200
    assert KEY not in base64.b64decode(pickled).decode("latin-1")


@pytest.mark.parametrize(
    "config, message",
    [
        ({"pollIntervalSeconds": "0"}, "pollIntervalSeconds: '0' must be greater than 0"),
        ({"createTimeoutSeconds": "-5"}, "createTimeoutSeconds: '-5' must be greater than 0"),
        ({"httpRetries": "many"}, "httpRetries: 'many' is not a number"),
        ({"retryBackoffSeconds": "600"}, "retryBackoffSeconds: '600' must be at most 60"),
    ],
)
def test_bad_timing_config_is_refused_naming_the_key(config, message):
    with pytest.raises(ConfigError, match=message):
        configured_provider(**config)
