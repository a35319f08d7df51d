"""A voice's base model: checked against the service's list when the voice is created or given
another one, the list asked once per host, never at preview."""

import pytest

from provider.personal_voice import PersonalVoiceProvider
from provider.speech.auth import SubscriptionKeyAuth
from provider.speech.base_models import UnknownBaseModel
from provider.speech.client import CustomVoiceClient
from tests.conftest import ENDPOINT, KEY, voice_inputs

BASE_MODELS = "/customvoice/basemodels"


def asked_for_base_models(backend) -> int:
    return sum(1 for r in backend.requests if r.path == BASE_MODELS)


def test_a_base_model_the_service_does_not_list_fails_the_create_before_anything_is_sent(backend, provider):
    with pytest.raises(UnknownBaseModel) as raised:
        provider.create(voice_inputs(baseModel="NoSuchNeural"))
    assert str(raised.value) == (
        "Personal voice 'Jessica': baseModel 'NoSuchNeural' is not one the service lists at "
        f"{ENDPOINT}; use one of DragonLatestNeural, PhoenixLatestNeural, PhoenixV2Neural"
    )
    assert [r for r in backend.requests if r.is_write] == []
    assert backend.list_personal_voices() == []


def test_the_list_is_asked_once_per_host_and_the_base_model_is_an_output(backend, provider):
    first = provider.create(voice_inputs(baseModel="PhoenixV2Neural"))
    provider.create(voice_inputs(voiceId="Mark", baseModel="DragonLatestNeural"))
    assert asked_for_base_models(backend) == 1
    assert first.outs["baseModel"] == "PhoenixV2Neural"


def test_another_base_model_is_an_update_in_place_checked_against_the_list(backend, provider):
    created = provider.create(voice_inputs(baseModel="DragonLatestNeural"))
    olds = created.outs
    news = {**provider.check(olds, voice_inputs(baseModel="PhoenixLatestNeural")).inputs}
    diff = provider.diff("Jessica", olds, news)
    assert diff.changes and not diff.replaces
    updated = provider.update("Jessica", olds, news)
    assert updated.outs["baseModel"] == "PhoenixLatestNeural"
    assert updated.outs["speakerProfileId"] == olds["speakerProfileId"]
    with pytest.raises(UnknownBaseModel, match="'Nope1'"):
        provider.update("Jessica", olds, {**news, "baseModel": "Nope1"})


def test_preview_asks_nothing_and_a_malformed_name_is_a_check_failure(backend, provider: PersonalVoiceProvider):
    checked = provider.check({}, voice_inputs(baseModel="Dragon Neural!"))
    assert [f.property for f in checked.failures] == ["baseModel"]
    provider.check({}, voice_inputs(baseModel="UnlistedNeural"))
    assert backend.requests == []


def test_the_preview_versions_bare_array_is_read_too(backend):
    backend.inject_faults("GET", BASE_MODELS, [(200, {}, [{"name": "OldNeural", "description": "x"}])])
    with CustomVoiceClient(ENDPOINT, SubscriptionKeyAuth(KEY), api_version="2024-02-01-preview") as client:
        assert client.list_base_models() == ("OldNeural",)
