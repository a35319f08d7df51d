"""A voice from local recordings and no storage account, through the real CLI: the files go
with the create (PersonalVoices_Post), and a new recording shows in preview as a replacement."""

import copy

import pytest

from tests.audio import write_wav
from tests.e2e.catalogs import CATALOG, profile_ids
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e

TAKES = ("audio/jessica-1.wav", "audio/jessica-2.wav")


def catalog_with_local_files() -> dict:
    catalog = copy.deepcopy(CATALOG)
    jessica = catalog["voices"][0]
    jessica["audios"] = {"extensions": [".wav"], "files": list(TAKES)}
    catalog["voices"] = [jessica]
    return catalog


def test_local_recordings_are_sent_with_the_create_and_a_new_one_replaces(project: Project) -> None:
    (project.directory / "audio").mkdir()
    for take in TAKES:
        write_wav(project.directory / take, seconds=6)
    project.write_catalog(catalog_with_local_files())

    project.pulumi("up", "--yes")
    assert ("POST", "/customvoice/personalvoices/JessicaVoice") in project.writes_seen()
    first = profile_ids(project)["JessicaVoice"]
    assert project.voices_in_service()["JessicaVoice"]["status"] == "Succeeded"
    project.pulumi("up", "--yes", "--expect-no-changes")

    write_wav(project.directory / TAKES[1], seconds=8)
    preview = project.pulumi("preview", "--diff")
    assert "+-pulumi-python:dynamic/customvoice:PersonalVoice: (replace)" in preview.stdout
    assert "promptAudioSha256" in preview.stdout
    project.pulumi("up", "--yes")
    assert profile_ids(project)["JessicaVoice"] != first
    assert set(project.voices_in_service()) == {"JessicaVoice"}

    project.pulumi("destroy", "--yes")
    assert project.voices_in_service() == {}
