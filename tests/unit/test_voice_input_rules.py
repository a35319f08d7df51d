"""A personal voice's inputs at check: every field's problem named as the user reads it, and the
inputs stored as the diff will compare them."""

from pathlib import Path
from typing import Any

from pulumi.output import Unknown

from provider.personal_voice import PersonalVoiceProvider
from provider.prompt_files import PromptFile, content_sha256
from tests.audio import write_wav
from tests.conftest import CONTAINER, voice_inputs

provider = PersonalVoiceProvider()


def failures(news: dict[str, Any]) -> dict[str, str]:
    return {f.property: f.reason for f in provider.check({}, news).failures}


def file_inputs(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    files = [PromptFile.of(write_wav(tmp_path / "a.wav", 6)).as_input()]
    inputs = {**voice_inputs(**changes), "audioFiles": files}
    del inputs["audios"]
    return inputs


def test_the_optional_texts_are_checked_each_under_its_own_name():
    news = voice_inputs(description=7, displayName="x" * 257, promptAudioSha256=["not", "text"])
    assert failures(news) == {
        "description": "must be a string, got int",
        "displayName": "is 257 characters long; at most 256",
        "promptAudioSha256": "must be a string, got list",
    }
    assert failures(voice_inputs(description="d" * 1025)) == {"description": "is 1025 characters long; at most 1024"}


def test_an_api_version_the_client_does_not_speak_is_refused():
    assert failures(voice_inputs(apiVersion="2020-01-01")) == {
        "apiVersion": "'2020-01-01' is not one of 2023-12-01-preview, 2024-02-01-preview, 2026-01-01"
    }
    assert failures(voice_inputs(apiVersion="2023-12-01-preview")) == {}


def test_the_seed_document_post_takes_a_container_only(tmp_path):
    assert failures(voice_inputs(createRequest="seed-document-post")) == {}
    assert failures(file_inputs(tmp_path, createRequest="seed-document-post")) == {
        "createRequest": "seed-document-post takes audios (a container), not audioFiles"
    }


def test_a_prefix_that_is_no_text_is_refused():
    assert failures(voice_inputs(audios_prefix=3)) == {"audios.prefix": "must be a string, got int"}


def test_a_bad_extension_is_reported_not_stumbled_over():
    result = provider.check({}, voice_inputs(audios_extensions=[".WAV", 3]))
    assert {f.property: f.reason for f in result.failures} == {
        "audios.extensions[1]": "3 is not a file extension such as '.wav'"
    }
    assert result.inputs["audios"]["extensions"] == [".WAV", 3]


def test_a_file_path_unknown_at_preview_still_gives_the_content_digest(tmp_path):
    news = file_inputs(tmp_path)
    news["audioFiles"][0]["path"] = Unknown()
    result = provider.check({}, news)
    assert result.failures == []
    assert result.inputs["promptAudioSha256"] == content_sha256(news["audioFiles"])


def test_no_digest_is_made_of_files_with_problems(tmp_path):
    news = file_inputs(tmp_path)
    news["audioFiles"][0]["path"] = str(tmp_path / "gone.wav")
    result = provider.check({}, news)
    assert [f.property for f in result.failures] == ["audioFiles[0].path"]
    assert "promptAudioSha256" not in result.inputs


def test_mint_read_sas_must_be_a_boolean():
    assert failures(voice_inputs(mintReadSas="yes")) == {"mintReadSas": "must be true or false"}


def test_mint_read_sas_is_for_a_container_url_without_a_sas(tmp_path):
    assert failures(voice_inputs(mintReadSas=True, audios_containerUrl=CONTAINER)) == {}
    assert failures(voice_inputs(mintReadSas=False)) == {}
    assert failures(voice_inputs(mintReadSas=True)) == {
        "audios.containerUrl": "with mintReadSas, give the container URL without a SAS"
    }
    assert failures(file_inputs(tmp_path, mintReadSas=True)) == {
        "mintReadSas": "is for audios in a container, not audioFiles"
    }
    assert failures(file_inputs(tmp_path, mintReadSas=False)) == {}
