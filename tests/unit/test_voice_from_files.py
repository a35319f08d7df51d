"""A personal voice whose recordings are sent with its create (PersonalVoices_Post), with no
storage account: check, diff and the create against the emulator's `responses` front."""

from pathlib import Path
from typing import Any

import pytest

from provider.errors import Refused
from provider.prompt_files import PromptFile, content_sha256
from provider.speech.adoption import ResourceFailed
from tests.audio import write_wav
from tests.conftest import voice_inputs

VOICE_PATH = "/customvoice/personalvoices/Jessica"


def file_inputs(tmp_path: Path, *takes: tuple[str, float], **changes: Any) -> dict[str, Any]:
    files = [PromptFile.of(write_wav(tmp_path / name, seconds)).as_input() for name, seconds in takes]
    inputs = {**voice_inputs(**changes), "audioFiles": files}
    del inputs["audios"]
    return inputs


def checked(provider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert result.failures == []
    return result.inputs


def writes(backend):
    return [(r.method, r.path) for r in backend.requests if r.is_write]


def test_check_derives_the_content_digest_from_the_files(tmp_path, provider):
    inputs = checked(provider, {**file_inputs(tmp_path, ("a.wav", 6), ("b.wav", 7)), "promptAudioSha256": "given"})
    assert inputs["promptAudioSha256"] == content_sha256(inputs["audioFiles"])


def test_check_refuses_both_sources_a_missing_file_and_a_bad_create_request(tmp_path, provider):
    news = {**file_inputs(tmp_path, ("a.wav", 6)), "audios": voice_inputs()["audios"], "createRequest": "seed"}
    news["audioFiles"].append({"name": "b.wav", "path": str(tmp_path / "gone.wav"), "sha256": "0" * 64})
    found = {f.property: f.reason for f in provider.check({}, news).failures}
    assert found["audios"] == "give audios or audioFiles, not both"
    assert found["audioFiles[1].path"].startswith("no such file")
    assert "is not one of spec, seed-document-post" in found["createRequest"]


def test_a_new_recording_replaces_and_a_moved_file_updates_in_place(tmp_path, provider):
    before = checked(provider, file_inputs(tmp_path, ("a.wav", 6)))
    moved_to = tmp_path / "moved"
    moved_to.mkdir()
    moved = checked(provider, file_inputs(moved_to, ("a.wav", 6)))
    assert provider.diff("Jessica", before, moved).replaces == []
    assert provider.diff("Jessica", before, moved).changes is True
    retaken = checked(provider, file_inputs(moved_to, ("a.wav", 8)))
    assert provider.diff("Jessica", before, retaken).replaces == ["promptAudioSha256"]


def test_the_files_go_with_a_multipart_create_and_no_storage_is_involved(backend, provider, tmp_path):
    inputs = checked(provider, file_inputs(tmp_path, ("a.wav", 6), ("b.wav", 7)))
    result = provider.create(inputs)
    assert result.outs["status"] == "Succeeded" and result.outs["speakerProfileId"]
    assert "containerUrlWithoutSas" not in result.outs
    assert writes(backend) == [("POST", VOICE_PATH)]
    assert provider.read("Jessica", result.outs).outs["speakerProfileId"] == result.outs["speakerProfileId"]


def test_a_file_changed_after_the_preview_is_refused_before_anything_is_sent(backend, provider, tmp_path):
    inputs = checked(provider, file_inputs(tmp_path, ("a.wav", 6)))
    write_wav(tmp_path / "a.wav", 9)
    with pytest.raises(Refused, match="changed after the preview computed its hash"):
        provider.create(inputs)
    assert writes(backend) == []


def test_audio_the_service_cannot_use_fails_the_voice_and_leaves_none(backend, provider, tmp_path):
    inputs = checked(provider, file_inputs(tmp_path, ("short.wav", 2)))
    with pytest.raises(ResourceFailed, match="DataNotEnough.*was deleted"):
        provider.create(inputs)
    assert backend.list_personal_voices() == []


def test_an_existing_voice_of_the_same_declaration_is_adopted(backend, provider, tmp_path):
    first = provider.create(checked(provider, file_inputs(tmp_path, ("a.wav", 6))))
    backend.clear_requests()
    again = provider.create(checked(provider, file_inputs(tmp_path, ("a.wav", 6))))
    assert again.outs["speakerProfileId"] == first.outs["speakerProfileId"]
    assert writes(backend) == [("POST", "/customvoice/personalvoices/Jessica")]  # refused: the id is taken
    assert [v["speakerProfileId"] for v in backend.list_personal_voices()] == [first.outs["speakerProfileId"]]
