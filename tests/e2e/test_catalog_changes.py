"""Catalog edits users make, applied through the real CLI: what each does to the voices in the
service. A `name` given later keeps the voice (an alias, not a new resource); a replaced
project takes its consents and voices along, each recreated in the new project."""

import pytest

from tests.e2e.catalogs import CATALOG, edited, profile_ids
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e


def test_naming_a_voice_later_keeps_it_and_its_speaker_profile_id(project: Project):
    project.write_catalog(edited(lambda c: [voice.pop("name") for voice in c["voices"]] and None))
    project.pulumi("up", "--yes")
    before = profile_ids(project)

    project.write_catalog(CATALOG)  # the same voices, now with names
    preview = project.pulumi("preview", "--diff")
    assert "replace" not in preview.stdout and "delete" not in preview.stdout
    project.pulumi("up", "--yes")

    assert profile_ids(project) == before
    assert {v: voice["speakerProfileId"] for v, voice in project.voices_in_service().items()} == before
    project.pulumi("preview", "--expect-no-changes")


def test_a_replaced_project_takes_its_consents_and_voices_along(project: Project):
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    before = profile_ids(project)
    consent_created = project.backend.get_consent("jessica-consent")["createdDateTime"]

    project.write_catalog(edited(lambda c: c["projects"][0].update(description="Contoso's narrators")))
    project.pulumi("up", "--yes")

    after = profile_ids(project)
    assert set(after) == set(before)
    assert all(after[voice_id] != before[voice_id] for voice_id in before)
    [project_in_service] = project.backend.list_projects()
    assert project_in_service["description"] == "Contoso's narrators"
    assert project.backend.get_consent("jessica-consent")["createdDateTime"] != consent_created
    assert {v: voice["speakerProfileId"] for v, voice in project.voices_in_service().items()} == after
    project.pulumi("preview", "--expect-no-changes")
