"""Prompt files as resource inputs: how they are declared, checked, digested and read back,
and the messages a user reads when one is wrong."""

import hashlib
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from provider.errors import ProviderError, Refused
from provider.hashing import file_sha256
from provider.prompt_audio import PromptAudioProvider
from provider.prompt_files import PromptFile, any_unknown, check_prompt_files, content_sha256, read_verified

ACCOUNT_URL = "https://contoso.blob.core.windows.net"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "a.wav"
    path.write_bytes(b"a recording")
    return path


def good(path: Path, name: str = "a.wav") -> dict[str, str]:
    return {"name": name, "path": str(path), "sha256": file_sha256(path)}


def problems(files: Any) -> dict[str, str]:
    return {p.field: p.reason for p in check_prompt_files("files", files)}


def test_a_file_in_the_project_keeps_its_relative_path_and_is_named_after_it(tmp_path: Path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "take1.wav").write_bytes(b"take one")
    file = PromptFile.in_project("audio/take1.wav", tmp_path)
    assert file.as_input() == {
        "name": "take1.wav",
        "path": "audio/take1.wav",
        "sha256": file_sha256(tmp_path / "audio" / "take1.wav"),
    }


def test_the_content_digest_is_the_sha256_of_the_sorted_compact_name_hash_pairs():
    """Existing stacks hold this digest (and voices depend on it): its formula is a contract."""
    files = [{"name": "b.wav", "sha256": "2" * 64}, {"name": "a.wav", "sha256": "1" * 64}]
    expected = f'[["a.wav","{"1" * 64}"],["b.wav","{"2" * 64}"]]'
    assert content_sha256(files) == hashlib.sha256(expected.encode()).hexdigest()


def test_renaming_a_file_changes_the_content_digest():
    assert content_sha256([{"name": "a.wav", "sha256": "1" * 64}]) != content_sha256(
        [{"name": "b.wav", "sha256": "1" * 64}]
    )


@pytest.mark.parametrize("files", [[], None, "a.wav"])
def test_files_must_be_a_non_empty_list(files: Any):
    assert problems(files) == {"files": "must list at least one file, each {name, path, sha256}"}


def test_every_bad_entry_is_named_even_after_one_that_is_no_mapping(tmp_path: Path):
    missing = str(tmp_path / "missing.wav")
    assert problems(["a.wav", {"name": "b.wav", "path": missing, "sha256": "ABC"}]) == {
        "files[0]": "must be {name, path, sha256}",
        "files[1].path": f"no such file: {missing!r}",
        "files[1].sha256": "must be the file's SHA-256: 64 lower-case hex digits",
    }


@pytest.mark.parametrize("name", [None, "", 42])
def test_a_file_needs_a_name(recording: Path, name: Any):
    assert problems([{**good(recording), "name": name}]) == {
        "files[0].name": "is required: the file's name (under the prefix, for a container)"
    }


@pytest.mark.parametrize("name", ["a\\b.wav", "a//b.wav", "./a.wav", "../a.wav", "a/", "/a.wav"])
def test_a_name_must_be_a_blob_name(recording: Path, name: str):
    assert problems([{**good(recording), "name": name}]) == {
        "files[0].name": f"{name!r} is not a blob name: '/'-separated, no empty, '.' or '..' parts, no '\\'"
    }


@pytest.mark.parametrize("name", ["a.b.wav", "take..1.wav", "jessica/a.wav"])
def test_dots_inside_a_name_and_folders_are_fine(recording: Path, name: str):
    assert problems([{**good(recording), "name": name}]) == {}


def test_a_name_declared_twice_is_named(recording: Path):
    assert problems([good(recording), good(recording)]) == {"files[1].name": "'a.wav' is declared twice"}


def test_any_unknown_name_or_hash_makes_the_digest_unknown(recording: Path):
    assert any_unknown([good(recording)]) is False
    assert any_unknown(rpc.UNKNOWN) is True
    assert any_unknown([good(recording), rpc.UNKNOWN]) is True
    assert any_unknown([{**good(recording), "name": rpc.UNKNOWN}]) is True
    assert any_unknown([{**good(recording), "sha256": rpc.UNKNOWN}]) is True
    assert any_unknown([{**good(recording), "path": rpc.UNKNOWN}]) is False  # the path is not digested


def test_a_file_that_cannot_be_read_names_its_path(tmp_path: Path):
    missing = tmp_path / "gone.wav"
    with pytest.raises(ProviderError) as failed:
        read_verified({"path": str(missing), "sha256": "0" * 64})
    assert str(failed.value) == f"Reading prompt audio file {str(missing)!r} failed: No such file or directory"


def test_a_file_changed_since_the_preview_names_its_path(recording: Path):
    with pytest.raises(Refused) as refused:
        read_verified({"path": str(recording), "sha256": "0" * 64})
    assert str(refused.value) == (
        f"{str(recording)!r} changed after the preview computed its hash; run `pulumi up` again"
    )
    assert read_verified(good(recording)) == b"a recording"


# PromptAudio's check of its prefix and its digest


def audio_inputs(recording: Path, **changes: Any) -> dict[str, Any]:
    inputs = {"accountUrl": ACCOUNT_URL, "containerName": "voices", "files": [good(recording)], **changes}
    return {k: v for k, v in inputs.items() if v is not None}


def test_no_prefix_is_the_empty_prefix(recording: Path):
    result = PromptAudioProvider().check({}, audio_inputs(recording))
    assert result.failures == [] and result.inputs["prefix"] == ""


@pytest.mark.parametrize(
    ("prefix", "reason"),
    [
        (5, "must be a string, got int"),
        ("/jessica/", "'/jessica/' must not start with '/' or hold '\\' (blob names use '/')"),
        ("jessica\\", "'jessica\\\\' must not start with '/' or hold '\\' (blob names use '/')"),
    ],
)
def test_a_bad_prefix_is_named_with_its_reason(recording: Path, prefix: Any, reason: str):
    result = PromptAudioProvider().check({}, audio_inputs(recording, prefix=prefix))
    assert [(f.property, f.reason) for f in result.failures] == [("prefix", reason)]


@pytest.mark.parametrize("unknown", ["accountUrl", "containerName"])
def test_the_digest_is_known_at_preview_beside_an_unknown_account_or_container(recording: Path, unknown: str):
    result = PromptAudioProvider().check({}, audio_inputs(recording, **{unknown: rpc.UNKNOWN}))
    assert result.failures == []
    assert result.inputs["contentSha256"] == content_sha256([good(recording)])


def test_the_digest_is_known_at_preview_when_only_a_path_is_unknown(recording: Path):
    files = [{**good(recording), "path": rpc.UNKNOWN}]
    result = PromptAudioProvider().check({}, audio_inputs(recording, files=files))
    assert result.failures == []
    assert result.inputs["contentSha256"] == content_sha256([good(recording)])
