"""A protected voice (catalog `protect: true`, or config `protectVoices`) through the real CLI:
a change that would replace it or a catalog that drops it fails, and the voice, its
speakerProfileId and the stack's state stay as they were; lifting the protection is a change
of its own, shown and applied like any other."""

import pytest

from tests.e2e.catalogs import edited, profile_ids
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e


def protect_jessica(catalog):
    catalog["voices"][0]["protect"] = True


def test_a_protected_voice_is_neither_replaced_nor_deleted_until_the_catalog_lifts_it(project: Project):
    project.write_catalog(edited(protect_jessica))
    project.pulumi("up", "--yes")
    before = profile_ids(project)

    def replace_jessica(catalog):
        protect_jessica(catalog)
        catalog["voices"][0]["audios"]["prefix"] = "jessica-v2/"

    project.write_catalog(edited(replace_jessica))
    replaced = project.pulumi("up", "--yes", check=False)
    assert replaced.returncode != 0
    assert "marked for protection" in replaced.stdout
    assert profile_ids(project) == before
    assert project.voices_in_service()["JessicaVoice"]["speakerProfileId"] == before["JessicaVoice"]

    project.write_catalog(edited(lambda c: (protect_jessica(c), c["voices"].pop())))
    removed_mark = project.pulumi("up", "--yes")  # Mark is not protected
    assert "MarkVoice" not in project.voices_in_service()
    assert "deleted" in removed_mark.stdout

    project.write_catalog(edited(lambda c: c["voices"].clear()))
    project.env["PV_ALLOW_VOICE_DELETES"] = "1"  # past the deletion guard: only protect stops it
    dropped = project.pulumi("up", "--yes", check=False)
    assert dropped.returncode != 0
    assert "cannot be deleted because it is protected" in " ".join(dropped.stdout.split())
    assert "JessicaVoice" in project.voices_in_service()

    project.write_catalog(edited(lambda c: c["voices"].pop()))  # protection lifted, Jessica kept
    project.pulumi("up", "--yes")
    project.write_catalog(edited(lambda c: c["voices"].clear()))
    project.pulumi("up", "--yes")
    assert project.voices_in_service() == {}


def prefixed(catalog, voice: int, prefix: str):
    catalog["voices"][voice]["audios"]["prefix"] = prefix


def test_the_stacks_protect_voices_covers_every_voice_the_catalog_does_not_free(project: Project):
    project.pulumi("config", "set", "protectVoices", "true")
    mark_freed = edited(lambda c: c["voices"][1].update(protect=False))
    project.write_catalog(mark_freed)
    project.pulumi("up", "--yes")
    before = profile_ids(project)

    project.write_catalog(edited(lambda c: (c["voices"][1].update(protect=False), prefixed(c, 1, "mark-v2/"))))
    project.pulumi("up", "--yes")
    after_mark = profile_ids(project)
    assert after_mark["MarkVoice"] != before["MarkVoice"]

    project.write_catalog(
        edited(lambda c: (c["voices"][1].update(protect=False), prefixed(c, 1, "mark-v2/"), prefixed(c, 0, "j2/")))
    )
    result = project.pulumi("up", "--yes", check=False)
    assert result.returncode != 0
    assert "marked for protection" in result.stdout
    assert profile_ids(project)["JessicaVoice"] == before["JessicaVoice"]
    project.pulumi("config", "set", "protectVoices", "false")  # so the fixture's destroy may end the stack
