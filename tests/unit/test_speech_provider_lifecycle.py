"""What every Custom Voice provider does with the service's view of a resource: a refresh that
finds it failed or gone, the reason a failed one gives, and which id a read or delete uses."""

from provider.personal_voice import PersonalVoiceProvider
from tests.conftest import voice_inputs


def test_a_voice_found_failed_or_disabled_must_be_replaced():
    provider = PersonalVoiceProvider()
    for status in ("Failed", "Disabling", "Disabled"):
        diff = provider.diff("Jessica", {**voice_inputs(), "status": status}, voice_inputs())
        assert (diff.changes, diff.replaces) == (True, ["status"]), status
    healthy = provider.diff("Jessica", {**voice_inputs(), "status": "Succeeded"}, voice_inputs())
    assert (healthy.changes, healthy.replaces) == (False, [])


def test_a_refresh_shows_why_the_service_failed_a_voice(backend, provider):
    inputs = voice_inputs()
    backend.create_personal_voice("Jessica", {key: inputs[key] for key in ("projectId", "consentId", "audios")})
    backend.set_status("personalvoices", "Jessica", "Failed", "The audio is too noisy")
    read = provider.read("Jessica", inputs)
    assert (read.outs["status"], read.outs["failureReason"]) == ("Failed", "The audio is too noisy")
    assert provider.diff("Jessica", read.outs, voice_inputs()).replaces == ["status"]


def test_a_refresh_of_a_voice_gone_from_the_service_gives_no_outputs(backend, provider):
    read = provider.read("Jessica", voice_inputs())
    assert (read.id, read.outs) == ("", {})


def test_a_state_without_the_voice_id_is_read_and_deleted_by_the_resource_id(backend, provider):
    created = provider.create(voice_inputs())
    state = {key: value for key, value in created.outs.items() if key != "voiceId"}
    assert provider.read("Jessica", state).outs["speakerProfileId"] == created.outs["speakerProfileId"]
    provider.delete("Jessica", state)
    assert backend.list_personal_voices() == []


def test_the_voice_id_of_the_state_names_the_voice_read_and_deleted(backend, provider):
    created = provider.create(voice_inputs())
    assert provider.read("stale", created.outs).outs["speakerProfileId"] == created.outs["speakerProfileId"]
    provider.delete("stale", created.outs)
    assert backend.list_personal_voices() == []
