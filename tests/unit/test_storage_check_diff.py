"""check and diff of the storage resources, and their settings: no storage involved."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import rpc

from provider.blob_container import BlobContainerProvider
from provider.container_sas import ContainerSasProvider, renewal_due
from provider.errors import ConfigError
from provider.hashing import file_sha256
from provider.prompt_audio import PromptAudioProvider
from provider.prompt_files import PromptFile, content_sha256
from provider.redaction import redact
from provider.storage.client import account_name
from provider.storage.sas import PERMISSIONS
from provider.storage.settings import StorageSettings
from tests.audio import write_wav

ACCOUNT_URL = "https://contoso.blob.core.windows.net"
LOCAL_ACCOUNT_URL = "http://127.0.0.1:10000/devstoreaccount1"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def failed_fields(result) -> list[str]:
    return sorted(failure.property for failure in result.failures)


@pytest.mark.parametrize(
    ("url", "name"),
    [(ACCOUNT_URL, "contoso"), (LOCAL_ACCOUNT_URL, "devstoreaccount1"), ("http://localhost:1/dev/", "dev")],
)
def test_account_name_comes_from_the_host_or_a_local_emulator_path(url, name):
    assert account_name(url) == name


# BlobContainer


def test_container_check_accepts_an_account_and_a_name_and_drops_a_trailing_slash():
    result = BlobContainerProvider().check({}, {"accountUrl": f"{LOCAL_ACCOUNT_URL}/", "containerName": "prompt-audio"})
    assert result.failures == []
    assert result.inputs == {"accountUrl": LOCAL_ACCOUNT_URL, "containerName": "prompt-audio"}


@pytest.mark.parametrize(
    "account_url",
    [
        "http://contoso.blob.core.windows.net",
        f"{ACCOUNT_URL}/path",
        f"{ACCOUNT_URL}?sv=1&sig=x",
        "http://127.0.0.1:10000",
        "contoso",
        None,
    ],
)
@pytest.mark.parametrize("container_name", ["Prompt", "ab", "a--b", "-ab", "x" * 64, None])
def test_container_check_reports_both_bad_inputs_at_once(account_url, container_name):
    result = BlobContainerProvider().check({}, {"accountUrl": account_url, "containerName": container_name})
    assert failed_fields(result) == ["accountUrl", "containerName"]


def test_container_check_leaves_unknown_values_alone():
    result = BlobContainerProvider().check({}, {"accountUrl": rpc.UNKNOWN, "containerName": rpc.UNKNOWN})
    assert result.failures == []


def test_container_diff_replaces_on_a_new_account_or_name_only():
    provider = BlobContainerProvider()
    olds = {"accountUrl": ACCOUNT_URL, "containerName": "voices", "containerUrl": f"{ACCOUNT_URL}/voices"}
    same = provider.diff("id", olds, {"accountUrl": ACCOUNT_URL, "containerName": "voices"})
    assert (same.changes, same.replaces) == (False, [])
    renamed = provider.diff("id", olds, {"accountUrl": ACCOUNT_URL, "containerName": "voices2"})
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == (True, ["containerName"], None)
    unknown = provider.diff("id", olds, {"accountUrl": rpc.UNKNOWN, "containerName": "voices"})
    assert unknown.replaces == ["accountUrl"]


# PromptAudio


@pytest.fixture
def wavs(tmp_path: Path) -> list[Path]:
    return [write_wav(tmp_path / "a.wav", 0.5), write_wav(tmp_path / "b.wav", 0.7)]


def audio_inputs(paths: list[Path], **changes: Any) -> dict[str, Any]:
    return {
        "accountUrl": ACCOUNT_URL,
        "containerName": "voices",
        "prefix": "jessica/",
        "files": [{"name": p.name, "path": str(p), "sha256": file_sha256(p)} for p in paths],
        **changes,
    }


def test_prompt_audio_check_adds_a_content_digest_over_names_and_hashes(wavs):
    result = PromptAudioProvider().check({}, audio_inputs(wavs))
    assert result.failures == []
    assert result.inputs["contentSha256"] == content_sha256(result.inputs["files"])
    reversed_order = PromptAudioProvider().check({}, audio_inputs(wavs[::-1]))
    assert reversed_order.inputs["contentSha256"] == result.inputs["contentSha256"]
    files = [{**f, "path": "/elsewhere"} for f in result.inputs["files"]]
    assert content_sha256(files) == result.inputs["contentSha256"]


def test_prompt_audio_file_hashes_at_preview_time(wavs):
    file = PromptFile.of(wavs[0])
    assert (file.name, file.path, file.sha256) == ("a.wav", str(wavs[0]), file_sha256(wavs[0]))
    assert PromptFile.of(wavs[0], name="take1.wav").name == "take1.wav"


def test_prompt_audio_check_reports_every_bad_input(wavs, tmp_path: Path):
    good = audio_inputs(wavs)["files"]
    files = [
        good[0],
        {**good[1], "name": "a.wav"},
        {"name": "../up.wav", "path": str(tmp_path / "missing.wav"), "sha256": "ABC"},
        "not a mapping",
    ]
    result = PromptAudioProvider().check(
        {}, audio_inputs(wavs, accountUrl="ftp://x", containerName="X", prefix="/jessica", files=files)
    )
    assert failed_fields(result) == [
        "accountUrl",
        "containerName",
        "files[1].name",
        "files[2].name",
        "files[2].path",
        "files[2].sha256",
        "files[3]",
        "prefix",
    ]
    assert "contentSha256" not in result.inputs
    assert failed_fields(PromptAudioProvider().check({}, audio_inputs([], files=[]))) == ["files"]


def test_prompt_audio_check_with_unknown_files_has_no_digest_yet(wavs):
    result = PromptAudioProvider().check({}, audio_inputs(wavs, files=rpc.UNKNOWN, containerName=rpc.UNKNOWN))
    assert result.failures == [] and "contentSha256" not in result.inputs


def test_prompt_audio_diff(wavs, tmp_path: Path):
    provider = PromptAudioProvider()
    olds = provider.check({}, audio_inputs(wavs)).inputs

    def diff(**changes: Any):
        return provider.diff("id", olds, provider.check({}, audio_inputs(wavs, **changes)).inputs)

    assert (diff().changes, diff().stables) == (False, ["contentSha256"])
    moved = write_wav(tmp_path / "moved" / "a.wav", 0.5)
    moved_files = [{**audio_inputs(wavs)["files"][0], "path": str(moved)}, audio_inputs(wavs)["files"][1]]
    assert diff(files=moved_files).changes is False  # the same content elsewhere on disk
    new_take = write_wav(tmp_path / "a2.wav", 0.9)
    recorded = audio_inputs([new_take, wavs[1]])["files"]
    recorded[0]["name"] = "a.wav"
    for changed in (diff(files=recorded), diff(prefix="mark/"), diff(files=audio_inputs(wavs[:1])["files"])):
        assert (changed.changes, changed.replaces) == (True, [])
    assert diff(containerName="voices2").replaces == ["containerName"]
    assert provider.diff("id", olds, {**olds, "files": rpc.UNKNOWN, "contentSha256": None}).changes is True


# ContainerSas


def sas_inputs(**changes: Any) -> dict[str, Any]:
    return {"accountUrl": ACCOUNT_URL, "containerName": "voices", **changes}


def sas_outputs(expires_in: timedelta, **changes: Any) -> dict[str, Any]:
    expires = (datetime.now(UTC) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"lifetimeDays": 30, "renewWithinDays": 7, "permissions": PERMISSIONS, "token": "sv=x&sig=y"}
    return {**sas_inputs(), **base, "expiresOn": expires, **changes}


def test_sas_check_fills_the_defaults_and_takes_whole_floats():
    result = ContainerSasProvider().check({}, sas_inputs(lifetimeDays=90.0, renewWithinDays=None))
    assert result.failures == []
    assert result.inputs == sas_inputs(lifetimeDays=90, renewWithinDays=7)
    assert isinstance(result.inputs["lifetimeDays"], int)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"lifetimeDays": 0, "renewWithinDays": -1}, ["lifetimeDays", "renewWithinDays"]),
        ({"lifetimeDays": 1.5, "renewWithinDays": True}, ["lifetimeDays", "renewWithinDays"]),
        ({"lifetimeDays": 7, "renewWithinDays": 7}, ["renewWithinDays"]),
        ({"accountUrl": "http://example.com", "containerName": "A_B"}, ["accountUrl", "containerName"]),
    ],
)
def test_sas_check_reports_every_bad_input(changes, fields):
    assert failed_fields(ContainerSasProvider().check({}, sas_inputs(**changes))) == fields


def test_renewal_is_due_within_the_window_or_when_the_expiry_is_unreadable():
    assert renewal_due("2030-01-10T00:00:00Z", 7, NOW) is False
    assert renewal_due("2030-01-08T00:00:00Z", 7, NOW) is True
    assert renewal_due("2030-01-08T00:00:01Z", 7, NOW) is False
    assert renewal_due(None, 7, NOW) is True
    assert renewal_due("2030-01-10T00:00:00Z", rpc.UNKNOWN, NOW) is True


def test_sas_diff_is_stable_until_renewal_is_due():
    provider = ContainerSasProvider()
    fresh = provider.diff("id", sas_outputs(timedelta(days=29)), provider.check({}, sas_inputs()).inputs)
    assert (fresh.changes, fresh.replaces, sorted(fresh.stables or [])) == (
        False,
        [],
        ["expiresOn", "permissions", "token"],
    )
    expiring = provider.diff("id", sas_outputs(timedelta(days=3)), provider.check({}, sas_inputs()).inputs)
    assert (expiring.changes, expiring.replaces, expiring.stables) == (True, [], [])


@pytest.mark.parametrize(
    ("olds", "news"),
    [
        ({}, {"lifetimeDays": 60}),
        ({"permissions": "racwdl"}, {}),
        ({}, {"renewWithinDays": 3}),
    ],
    ids=["lifetime", "permissions", "renewal-window"],
)
def test_sas_diff_updates_in_place_on_lifetime_permissions_or_window(olds, news):
    provider = ContainerSasProvider()
    result = provider.diff("id", sas_outputs(timedelta(days=29), **olds), provider.check({}, sas_inputs(**news)).inputs)
    assert (result.changes, result.replaces) == (True, [])


def test_sas_diff_replaces_for_another_container():
    provider = ContainerSasProvider()
    result = provider.diff("id", sas_outputs(timedelta(days=29)), sas_inputs(containerName="other"))
    assert result.replaces == ["containerName"]


def test_a_new_renewal_window_alone_keeps_the_token_and_needs_no_key():
    olds = sas_outputs(timedelta(days=29))
    provider = ContainerSasProvider()
    provider.configure(ConfigureRequest(Config({}, "personal-voice")))
    updated = provider.update("id", olds, provider.check({}, sas_inputs(renewWithinDays=3)).inputs).outs or {}
    assert (updated["token"], updated["expiresOn"], updated["renewWithinDays"]) == (olds["token"], olds["expiresOn"], 3)


def test_signing_needs_the_storage_key(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_KEY", raising=False)
    provider = ContainerSasProvider()
    provider.configure(ConfigureRequest(Config({}, "personal-voice")))
    with pytest.raises(ConfigError, match="pulumi config set --secret storageAccountKey"):
        provider.create(provider.check({}, sas_inputs()).inputs)


def test_the_storage_key_comes_from_config_or_the_environment_and_is_redacted():
    from_config = StorageSettings.load(Config({"personal-voice:storageAccountKey": "a2V5LWZyb20tY29uZmln"}, "p"), {})
    assert from_config.account_key == "a2V5LWZyb20tY29uZmln"
    assert "a2V5LWZyb20tY29uZmln" not in repr(from_config)
    from_env = StorageSettings.load(None, {"AZURE_STORAGE_KEY": "a2V5LWZyb20tZW52"})
    assert from_env.account_key == "a2V5LWZyb20tZW52"
    assert redact("key a2V5LWZyb20tZW52 and a2V5LWZyb20tY29uZmln") == "key *** and ***"


def test_with_entra_the_storage_resources_use_entra_and_need_no_key(monkeypatch):
    built: list[str | None] = []

    def entra_credential(client_id: str | None) -> str:
        built.append(client_id)
        return "token"

    monkeypatch.setattr("provider.storage.settings.entra_credential", entra_credential)
    config = {"personal-voice:authentication": "entra", "personal-voice:entraClientId": "0f0f"}
    settings = StorageSettings.load(Config(config, "personal-voice"), {})
    assert settings.entra and settings.account_key is None
    assert settings.credential("https://contoso.blob.core.windows.net") == "token"
    assert settings.credential("https://contoso.blob.core.windows.net") == "token"
    assert built == ["0f0f"]  # one credential, kept: it caches its tokens
    keyed = StorageSettings.load(Config({"personal-voice:storageAccountKey": "a2V5"}, "personal-voice"), {})
    named = keyed.credential("https://contoso.blob.core.windows.net")
    assert not keyed.entra
    assert isinstance(named, AzureNamedKeyCredential) and tuple(named.named_key) == ("contoso", "a2V5")
