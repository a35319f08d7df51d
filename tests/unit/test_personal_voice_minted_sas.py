"""A personal voice whose container URL carries no SAS (`mintReadSas`): the provider signs a
read+list SAS that lasts the create and no longer, sends it, redacts it, and keeps it nowhere.
Also what the voice's outputs show of where its audio lay, and when its base model is asked."""

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.personal_voice import PersonalVoiceProvider
from provider.redaction import redact
from provider.speech.base_models import UnknownBaseModel
from tests.conftest import CONTAINER, ENDPOINT, KEY, configured_provider, voice_inputs

STORAGE_KEY = base64.b64encode(b"s" * 64).decode()


class SeenAudios:
    """The `audios` of every create, as the service got them (it reads no storage here)."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def __call__(self, audios: Any) -> None:
        self.seen.append(dict(audios))


@pytest.fixture
def seen() -> Iterator[tuple[CustomVoiceBackend, SeenAudios]]:
    inspector = SeenAudios()
    backend = CustomVoiceBackend(keys=[KEY], audio_inspector=inspector)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend, inspector


def test_the_minted_sas_reads_and_lists_for_the_create_timeout_and_is_redacted(
    seen: tuple[CustomVoiceBackend, SeenAudios],
):
    _, inspector = seen
    provider = configured_provider(storageAccountKey=STORAGE_KEY, createTimeoutSeconds="1800")
    before = datetime.now(UTC).replace(microsecond=0)
    result = provider.create(voice_inputs(audios_containerUrl=CONTAINER, mintReadSas=True))

    [audios] = inspector.seen
    base, _, token = audios["containerUrl"].partition("?")
    assert base == CONTAINER
    signed = {name: values[0] for name, values in parse_qs(token).items()}
    assert (signed["sp"], signed["spr"], signed["sr"]) == ("rl", "https", "c")
    expiry = datetime.strptime(signed["se"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    lasts = timedelta(seconds=1800) + timedelta(minutes=15)
    assert before + lasts <= expiry <= datetime.now(UTC) + lasts
    assert (audios["prefix"], audios["extensions"]) == ("jessica/", [".wav"])

    assert redact(f"echoed {signed['sig']}") == "echoed ***"
    outs = result.outs or {}
    assert outs["audios"]["containerUrl"] == CONTAINER  # the token is kept nowhere
    assert outs["containerUrlWithoutSas"] == CONTAINER
    assert outs["mintReadSas"] is True


def test_a_declared_sas_is_sent_as_it_is(seen: tuple[CustomVoiceBackend, SeenAudios]):
    _, inspector = seen
    provider = configured_provider(storageAccountKey=STORAGE_KEY)
    declared = voice_inputs()["audios"]["containerUrl"]
    provider.create(voice_inputs())
    assert inspector.seen[0]["containerUrl"] == declared


def test_minting_needs_the_storage_key(seen: tuple[CustomVoiceBackend, SeenAudios], monkeypatch: pytest.MonkeyPatch):
    backend, _ = seen
    monkeypatch.delenv("AZURE_STORAGE_KEY", raising=False)
    with pytest.raises(Exception, match="config storageAccountKey: is required"):
        configured_provider().create(voice_inputs(audios_containerUrl=CONTAINER, mintReadSas=True))
    assert backend.list_personal_voices() == []


def test_a_voice_made_from_files_shows_no_container():
    assert PersonalVoiceProvider().extra_outputs({"voiceId": "Jessica", "audioFiles": []}) == {}
    assert PersonalVoiceProvider().extra_outputs(voice_inputs()) == {"containerUrlWithoutSas": CONTAINER}


def test_an_update_that_keeps_or_drops_the_base_model_asks_no_list(backend: CustomVoiceBackend):
    provider = configured_provider()
    created = provider.create(voice_inputs(baseModel="DragonLatestNeural")).outs or {}
    backend.clear_requests()
    news = provider.check(created, voice_inputs(baseModel="DragonLatestNeural", description="same voice")).inputs or {}
    provider.update("Jessica", created, {**news, "apiVersion": "2024-02-01-preview"})
    provider.update("Jessica", created, {k: v for k, v in news.items() if k != "baseModel"})
    assert [r for r in backend.requests if r.path == "/customvoice/basemodels"] == []


def test_an_unlisted_base_model_at_update_names_the_voice(backend: CustomVoiceBackend):
    provider = configured_provider()
    created = provider.create(voice_inputs(baseModel="DragonLatestNeural")).outs or {}
    with pytest.raises(UnknownBaseModel) as raised:
        provider.update("Jessica", created, {**created, "baseModel": "Nope1"})
    assert str(raised.value).startswith("Personal voice 'Jessica': baseModel 'Nope1' is not one the service lists")
