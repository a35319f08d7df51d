"""check and diff: pure logic, no requests."""

from pulumi.output import Unknown

from provider.personal_voice import PersonalVoiceProvider
from tests.conftest import CONTAINER, voice_inputs

provider = PersonalVoiceProvider()


def failures(news):
    return {f.property: f.reason for f in provider.check({}, news).failures}


def test_valid_inputs_pass_and_extensions_are_normalised():
    result = provider.check({}, {**voice_inputs(audios_extensions=["*.wav", "WAV", ".mp3"]), "speakerProfileId": None})
    assert result.failures == []
    assert result.inputs["audios"]["extensions"] == [".mp3", ".wav"]
    assert "speakerProfileId" not in result.inputs


def test_every_problem_is_reported_at_once_naming_its_field():
    news = voice_inputs(
        voiceId="-bad-",
        projectId=None,
        endpoint="https://eastus.api.cognitive.microsoft.com/customvoice",
        audios_containerUrl="http://contoso.blob.core.windows.net/voices",
        audios_extensions=[],
    )
    found = failures(news)
    assert set(found) == {"voiceId", "projectId", "endpoint", "audios.containerUrl", "audios.extensions"}
    assert "not a valid id" in found["voiceId"]
    assert found["projectId"] == "is required"
    assert "https" in found["audios.containerUrl"]


def test_missing_audios():
    news = voice_inputs()
    del news["audios"]
    assert failures(news) == {"audios": "is required: {containerUrl, prefix?, extensions}, or audioFiles"}


def test_unknown_values_during_preview_are_not_errors():
    news = voice_inputs(projectId=Unknown(), audios_containerUrl=Unknown())
    assert provider.check({}, news).failures == []


def test_no_change():
    olds = {**voice_inputs(), "speakerProfileId": "x", "__provider": "old-pickle"}
    result = provider.diff("Jessica", olds, {**voice_inputs(), "__provider": "new-pickle"})
    assert result.changes is False and result.replaces == []


def test_a_prefix_change_replaces_deleting_first_since_the_id_stays():
    result = provider.diff("Jessica", voice_inputs(), voice_inputs(audios_prefix="jessica-v2/"))
    assert result.changes is True
    assert result.replaces == ["audios"]
    assert result.delete_before_replace is True


def test_ids_are_case_sensitive_and_a_new_id_needs_no_delete_first():
    result = provider.diff("Jessica", voice_inputs(), voice_inputs(voiceId="jessica"))
    assert result.replaces == ["voiceId"]
    assert result.delete_before_replace is False


def test_every_request_body_field_replaces():
    for changed in (
        {"projectId": "proj2"},
        {"consentId": "consent2"},
        {"description": "new"},
        {"displayName": "new"},
        {"endpoint": "https://westeurope.api.cognitive.microsoft.com"},
        {"audios_containerUrl": "https://contoso.blob.core.windows.net/other?sig=x"},
        {"audios_extensions": [".mp3"]},
    ):
        assert provider.diff("Jessica", voice_inputs(), voice_inputs(**changed)).replaces, changed


def test_rotating_only_the_sas_token_updates_in_place():
    rotated = voice_inputs(audios_containerUrl=f"{CONTAINER}?sv=2025&sp=rl&sig=bmV3c2lnbmF0dXJl")
    result = provider.diff("Jessica", voice_inputs(), rotated)
    assert result.changes is True
    assert result.replaces == []


def test_a_sas_still_unknown_in_preview_is_not_a_replacement():
    result = provider.diff("Jessica", voice_inputs(), voice_inputs(audios_containerUrl=Unknown()))
    assert result.changes is True and result.replaces == []


def test_changing_the_api_version_updates_in_place():
    result = provider.diff("Jessica", voice_inputs(), voice_inputs(apiVersion="2023-12-01-preview"))
    assert result.changes is True and result.replaces == []


def test_an_absent_prefix_equals_an_empty_one():
    result = provider.diff("Jessica", voice_inputs(audios_prefix=None), voice_inputs(audios_prefix=""))
    assert result.changes is False


def test_the_same_id_at_another_endpoint_spelling_is_deleted_first():
    """Otherwise the new voice would adopt the old one, and the old one's delete remove it."""
    result = provider.diff(
        "Jessica", voice_inputs(), voice_inputs(endpoint="https://contoso.cognitiveservices.azure.com")
    )
    assert result.replaces == ["endpoint"] and result.delete_before_replace is True


def test_endpoints_are_normalised_so_a_trailing_slash_is_no_change():
    checked = provider.check({}, voice_inputs(endpoint="HTTPS://EastUS.api.cognitive.microsoft.com/"))
    assert checked.inputs["endpoint"] == "https://eastus.api.cognitive.microsoft.com"
    assert provider.diff("Jessica", voice_inputs(), checked.inputs).changes is False
