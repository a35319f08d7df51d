"""The whole chain from nothing, as the dev stack builds it: a project, consents from local
recordings, prompt audio uploaded to Azurite, and voices in two API versions, each created
with a SAS minted for it; the emulator reads the audio through that SAS as the service does."""

import json
import shutil
from typing import Any

import jsonschema
import pytest
import yaml

from tests.audio import mp3_bytes, write_wav
from tests.e2e.catalogs import VOICE_TYPE, profile_ids
from tests.e2e.conftest import ROOT, Project
from tests.storage_fixtures import Azurite

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("project", ["storage"], indirect=True)]


def dev_catalog(project: Project, azurite: Azurite) -> dict[str, Any]:
    """stacks/dev.yaml, with its audio files, pointed at this test's Azurite, on the Speech
    resource of the project's config (its account is scripts/dev-up's, test_dev_up_twice.py)."""
    shutil.copytree(ROOT / "stacks" / "dev-audio", project.directory / "stacks" / "dev-audio")
    catalog: dict[str, Any] = yaml.safe_load((ROOT / "stacks" / "dev.yaml").read_text())
    catalog["storage"]["accountUrl"] = azurite.account_url
    del catalog["speechAccounts"]
    return catalog


def blobs(azurite: Azurite, container: str) -> set[str]:
    return {blob.name for blob in azurite.service().get_container_client(container).list_blobs()}


def test_from_nothing_to_voices_and_back(project: Project, azurite: Azurite) -> None:
    catalog = dev_catalog(project, azurite)
    project.write_catalog(catalog)

    project.pulumi("up", "--yes")
    first = profile_ids(project)
    service = project.voices_in_service()
    assert set(first) == set(service) == {"JessicaPersonalVoice", "MarkPersonalVoice"}
    assert {v["status"] for v in service.values()} == {"Succeeded"}
    # Mark in the seed document's version, created as every published spec says: PUT.
    assert ("PUT", "/customvoice/personalvoices/MarkPersonalVoice") in project.writes_seen()
    assert ("PUT", "/customvoice/personalvoices/JessicaPersonalVoice") in project.writes_seen()
    assert ("POST", "/customvoice/consents/jessica-consent") in project.writes_seen()  # multipart
    assert blobs(azurite, "prompt-audio") == {"jessica/jessica-prompt.wav", "mark/mark-prompt.wav"}
    assert project.outputs()["consents"] == {"jessica-consent": "Succeeded", "mark-consent": "Succeeded"}
    # The dev stack's real outputs keep the contract apps read.
    jsonschema.validate(project.outputs(), json.loads((ROOT / "schemas" / "stack-outputs.schema.json").read_text()))

    project.pulumi("up", "--yes", "--expect-no-changes")

    # The service read the audio through a SAS minted at create; the stack keeps none.
    resources = json.loads(project.pulumi("stack", "export", "--show-secrets").stdout)["deployment"]["resources"]
    assert not any(r["type"].endswith(":ContainerSas") for r in resources)
    voices = [r for r in resources if r["type"] == VOICE_TYPE]
    assert len(voices) == 2 and not any("sig=" in json.dumps(v) for v in voices)

    # A new recording replaces only that voice, and preview says so before anything happens.
    write_wav(project.directory / "stacks" / "dev-audio" / "jessica-prompt.wav", seconds=7)
    preview = project.pulumi("preview", "--diff").stdout
    assert "promptAudioSha256" in preview
    assert "+-pulumi-python:dynamic/customvoice:PersonalVoice: (replace)" in preview
    project.pulumi("up", "--yes")
    second = profile_ids(project)
    assert second["JessicaPersonalVoice"] != first["JessicaPersonalVoice"]
    assert second["MarkPersonalVoice"] == first["MarkPersonalVoice"]

    project.pulumi("destroy", "--yes")
    assert project.voices_in_service() == {}
    assert project.backend.list_consents() == [] and project.backend.list_projects() == []
    assert "prompt-audio" not in {c.name for c in azurite.service().list_containers()}


def test_a_new_recording_the_service_would_reject_fails_the_preview_and_keeps_the_voice(
    project: Project, azurite: Azurite
) -> None:
    project.write_catalog(dev_catalog(project, azurite))
    project.pulumi("up", "--yes")
    before = profile_ids(project)

    write_wav(project.directory / "stacks" / "dev-audio" / "jessica-prompt.wav", seconds=2)
    failed = project.pulumi("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "audios.files[0]: stacks/dev-audio/jessica-prompt.wav: 2.0 s long" in failed.stdout + failed.stderr
    assert profile_ids(project) == before
    assert set(project.voices_in_service()) == {"JessicaPersonalVoice", "MarkPersonalVoice"}


def test_audio_the_service_cannot_use_fails_the_voice_and_leaves_none(project: Project, azurite: Azurite) -> None:
    """MP3s are not inspected before upload, so this one reaches the service, which reads it
    through the SAS and fails the voice with DataNotEnough."""
    catalog = dev_catalog(project, azurite)
    short = "stacks/dev-audio/too-short.mp3"
    (project.directory / short).write_bytes(mp3_bytes(2))
    catalog["voices"] = catalog["voices"][:1]
    catalog["voices"][0]["audios"].update(files=[short], extensions=[".mp3"])
    project.write_catalog(catalog)

    failed = project.pulumi("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "DataNotEnough" in failed.stdout
    assert project.voices_in_service() == {}
