"""PromptAudio's create, update, read and delete against the session's Azurite: which blobs it
writes (content, content type, hash metadata), which it leaves alone, what state it returns,
and what its errors say."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import ContainerClient
from pulumi.dynamic import Config, ConfigureRequest, CreateResult, ReadResult, UpdateResult

from provider.errors import Refused
from provider.hashing import file_sha256
from provider.prompt_audio import SHA256_METADATA, PromptAudioProvider
from provider.prompt_files import content_sha256
from provider.storage.client import StorageError
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

WRONG_KEY = "d3Jvbmcta2V5LXdyb25nLWtleQ=="


def provider_with(key: str = ACCOUNT_KEY) -> PromptAudioProvider:
    provider = PromptAudioProvider()
    provider.configure(ConfigureRequest(Config({"personal-voice:storageAccountKey": key}, "personal-voice")))
    return provider


@pytest.fixture
def container(azurite: Azurite) -> Iterator[ContainerClient]:
    container = azurite.new_container()
    yield container
    if container.exists():
        container.delete_container()


@pytest.fixture
def recordings(tmp_path: Path) -> dict[str, Path]:
    """Three small local files with different content (the resource never parses them)."""
    paths = {}
    for name in ("a.wav", "b.wav", "c.wav"):
        paths[name] = tmp_path / name
        paths[name].write_bytes(f"recording {name}".encode())
    return paths


def file_input(name: str, path: Path) -> dict[str, str]:
    return {"name": name, "path": str(path), "sha256": file_sha256(path)}


def props_for(container: ContainerClient, files: dict[str, Path], prefix: str = "jessica/") -> dict[str, Any]:
    return {
        "accountUrl": container.url.rsplit("/", 1)[0],
        "containerName": container.container_name,
        "prefix": prefix,
        "files": [file_input(name, path) for name, path in files.items()],
    }


def outs(result: CreateResult | UpdateResult | ReadResult) -> dict[str, Any]:
    assert result.outs is not None
    return result.outs


def blobs(container: ContainerClient) -> dict[str, str | None]:
    return {b.name: (b.metadata or {}).get(SHA256_METADATA) for b in container.list_blobs(include=["metadata"])}


def etag(container: ContainerClient, name: str) -> str:
    return str(container.get_blob_client(name).get_blob_properties().etag)


def test_create_uploads_each_file_with_its_hash_and_returns_exactly_the_state(container, recordings):
    props = props_for(container, {"a.wav": recordings["a.wav"], "b.wav": recordings["b.wav"]})
    created = provider_with().create(props)
    assert created.id == f"{container.container_name}/jessica/"
    assert outs(created) == {
        "accountUrl": props["accountUrl"],
        "containerName": container.container_name,
        "prefix": "jessica/",
        "files": props["files"],
        "contentSha256": content_sha256(props["files"]),
    }
    assert blobs(container) == {
        "jessica/a.wav": file_sha256(recordings["a.wav"]),
        "jessica/b.wav": file_sha256(recordings["b.wav"]),
    }
    assert container.download_blob("jessica/a.wav").readall() == b"recording a.wav"


def test_the_state_keeps_name_path_and_hash_of_each_file_only(container, recordings):
    props = props_for(container, {"a.wav": recordings["a.wav"]})
    props["files"] = [{**props["files"][0], "note": "not part of the state"}]
    [stored] = outs(provider_with().create(props))["files"]
    assert stored == file_input("a.wav", recordings["a.wav"])


def test_the_content_type_follows_the_blob_name(container, tmp_path: Path):
    files = {}
    for name in ("take.wav", "take.mp3", "take.unknownext"):
        files[name] = tmp_path / name
        files[name].write_bytes(name.encode())
    provider_with().create(props_for(container, files, prefix=""))

    def content_type(name: str) -> str:
        return container.get_blob_client(name).get_blob_properties().content_settings.content_type

    assert content_type("take.wav") in ("audio/wav", "audio/x-wav")
    assert content_type("take.mp3") == "audio/mpeg"
    assert content_type("take.unknownext") == "application/octet-stream"


def test_update_uploads_new_and_changed_files_deletes_removed_ones_and_leaves_the_rest(container, recordings):
    provider = provider_with()
    olds = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"], "b.wav": recordings["b.wav"]})))
    untouched = etag(container, "jessica/a.wav")
    recordings["b.wav"].write_bytes(b"b, recorded again")
    news = props_for(
        container, {"a.wav": recordings["a.wav"], "b.wav": recordings["b.wav"], "c.wav": recordings["c.wav"]}
    )
    updated = outs(provider.update("id", olds, news))
    assert updated == {**news, "contentSha256": content_sha256(news["files"])}
    assert blobs(container) == {
        "jessica/a.wav": file_sha256(recordings["a.wav"]),
        "jessica/b.wav": file_sha256(recordings["b.wav"]),
        "jessica/c.wav": file_sha256(recordings["c.wav"]),
    }
    assert container.download_blob("jessica/b.wav").readall() == b"b, recorded again"
    assert etag(container, "jessica/a.wav") == untouched  # the same content is not sent again

    fewer = props_for(container, {"c.wav": recordings["c.wav"]})
    provider.update("id", updated, fewer)
    assert blobs(container) == {"jessica/c.wav": file_sha256(recordings["c.wav"])}


def test_update_to_a_new_prefix_moves_every_blob(container, recordings):
    provider = provider_with()
    olds = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"]})))
    news = props_for(container, {"a.wav": recordings["a.wav"]}, prefix="mark/")
    assert outs(provider.update("id", olds, news))["prefix"] == "mark/"
    assert blobs(container) == {"mark/a.wav": file_sha256(recordings["a.wav"])}


def test_update_of_a_blob_already_gone_still_succeeds(container, recordings):
    provider = provider_with()
    olds = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"], "b.wav": recordings["b.wav"]})))
    container.delete_blob("jessica/b.wav")
    provider.update("id", olds, props_for(container, {"a.wav": recordings["a.wav"]}))
    assert list(blobs(container)) == ["jessica/a.wav"]


def test_read_keeps_the_files_whose_blob_has_the_declared_hash(container, recordings):
    provider = provider_with()
    props = outs(provider.create(props_for(container, {n: recordings[n] for n in ("a.wav", "b.wav", "c.wav")})))
    container.delete_blob("jessica/b.wav")
    container.upload_blob("jessica/c.wav", b"replaced behind the stack", overwrite=True)  # no hash metadata
    container.upload_blob("jessica/other.wav", b"not declared")
    read = provider.read("the-id", props)
    assert read.id == "the-id"
    kept = [file_input("a.wav", recordings["a.wav"])]
    assert outs(read) == {
        "accountUrl": props["accountUrl"],
        "containerName": container.container_name,
        "prefix": "jessica/",
        "files": kept,
        "contentSha256": content_sha256(kept),
    }


def test_read_with_no_prefix_finds_blobs_at_the_top_of_the_container(container, recordings):
    provider = provider_with()
    props = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"]}, prefix="")))
    assert provider.read("the-id", props).id == "the-id"
    assert outs(provider.read("the-id", props))["files"] == props["files"]


def test_read_of_blobs_all_gone_or_changed_is_gone(container, recordings):
    provider = provider_with()
    props = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"]})))
    container.upload_blob("jessica/a.wav", b"someone else's", overwrite=True, metadata={SHA256_METADATA: "0" * 64})
    gone = provider.read("the-id", props)
    assert (gone.id, gone.outs) == ("", {})


def test_read_of_a_missing_container_is_gone(azurite: Azurite, recordings):
    missing = azurite.new_container(create=False)
    gone = provider_with().read("the-id", props_for(missing, {"a.wav": recordings["a.wav"]}))
    assert (gone.id, gone.outs) == ("", {})


def test_delete_removes_its_own_blobs_only_and_tolerates_missing_ones(container, recordings):
    provider = provider_with()
    props = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"], "b.wav": recordings["b.wav"]})))
    container.upload_blob("jessica/someone-elses.wav", b"kept")
    container.delete_blob("jessica/b.wav")
    provider.delete("id", props)
    assert blobs(container) == {"jessica/someone-elses.wav": None}


def test_a_blob_the_stack_did_not_upload_is_never_overwritten(container, recordings):
    container.upload_blob("jessica/a.wav", b"someone else's recording")
    with pytest.raises(Refused) as refused:
        provider_with().create(props_for(container, {"a.wav": recordings["a.wav"]}))
    assert str(refused.value) == (
        f"{container.url}/jessica/a.wav already exists and was not uploaded by a stack; "
        "rename the file or choose another prefix (the stack never overwrites it)"
    )
    assert container.download_blob("jessica/a.wav").readall() == b"someone else's recording"


def test_a_blob_with_metadata_but_no_hash_is_not_the_stacks_either(container, recordings):
    container.upload_blob("jessica/a.wav", b"someone else's recording", metadata={"owner": "mark"})
    with pytest.raises(Refused, match="was not uploaded by a stack"):
        provider_with().create(props_for(container, {"a.wav": recordings["a.wav"]}))


def test_a_file_changed_since_the_preview_is_refused_before_any_upload(container, recordings):
    props = props_for(container, {"a.wav": recordings["a.wav"]})
    recordings["a.wav"].write_bytes(b"a new take")
    with pytest.raises(Refused, match="changed after the preview computed its hash"):
        provider_with().create(props)
    assert blobs(container) == {}


def test_storage_errors_say_what_failed_and_where(container, recordings):
    good = provider_with()
    props = outs(good.create(props_for(container, {"a.wav": recordings["a.wav"]})))
    wrong = provider_with(WRONG_KEY)
    where = f"{container.url}/jessica/a.wav"
    with pytest.raises(StorageError) as uploading:
        wrong.create(props_for(container, {"a.wav": recordings["a.wav"]}))
    assert str(uploading.value).startswith(f"Uploading {str(recordings['a.wav'])!r} to {where} failed: ")
    with pytest.raises(StorageError) as listing:
        wrong.read("id", props)
    assert str(listing.value).startswith(f"Listing {container.url}/jessica/ failed: ")
    with pytest.raises(StorageError) as deleting:
        wrong.delete("id", props)
    assert str(deleting.value).startswith(f"Deleting {where} failed: ")
    assert WRONG_KEY not in str(uploading.value) + str(listing.value) + str(deleting.value)


def test_read_asks_for_metadata_as_the_blob_rest_api_spells_it(container, recordings, monkeypatch):
    """The SDK sends `include` as given; List Blobs documents the lower-case `metadata`, and
    Azurite's leniency about case is no promise of the service's."""
    asked: list[Any] = []
    original = ContainerClient.list_blobs

    def recorded(self: ContainerClient, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("include"))
        return original(self, *args, **kwargs)

    provider = provider_with()
    props = outs(provider.create(props_for(container, {"a.wav": recordings["a.wav"]})))
    monkeypatch.setattr(ContainerClient, "list_blobs", recorded)
    provider.read("the-id", props)
    assert asked == [["metadata"]]
