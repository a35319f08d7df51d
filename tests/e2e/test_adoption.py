"""Bringing an existing project, consent and voice under management without recreating them.

Pulumi's `import` does not reach dynamic providers (the engine's import Read carries no
`__provider`, measured with the `import_` resource option on this CLI), so adoption is the
create path: declared with the id it already has, a resource that matches is taken over.
"""

import copy
from typing import Any

import pytest

from tests.e2e.catalogs import CATALOG, profile_ids
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e

JESSICA_ONLY = {**copy.deepcopy(CATALOG), "voices": copy.deepcopy(CATALOG["voices"][:1])}


def seed_existing(project: Project, consent_id: str) -> str:
    """The catalog's project and consent, and a voice JessicaVoice of `consent_id`."""
    backend = project.backend
    backend.add_project("contoso-personal-voices")
    for consent in {"jessica-consent", consent_id}:
        backend.add_consent(consent, "contoso-personal-voices", voiceTalentName="Jessica Smith", companyName="Contoso")
    created = backend.create_personal_voice(
        "JessicaVoice",
        {
            "projectId": "contoso-personal-voices",
            "consentId": consent_id,
            "audios": {
                "containerUrl": "http://127.0.0.1:10000/devstoreaccount1/voices",
                "prefix": "jessica/",
                "extensions": [".wav"],
            },
        },
    )
    return str(created.resource["speakerProfileId"])


def made_as(voices: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """What a voice was made as (its status moves on with provisioning)."""
    fields = ("speakerProfileId", "projectId", "consentId", "createdDateTime")
    return {voice_id: tuple(voice.get(name) for name in fields) for voice_id, voice in voices.items()}


def test_existing_resources_are_adopted_with_nothing_changed_in_the_service(project: Project) -> None:
    speaker_profile_id = seed_existing(project, "jessica-consent")
    before = made_as(project.voices_in_service())
    project.write_catalog(JESSICA_ONLY)
    project.backend.clear_requests()
    project.pulumi("up", "--yes")
    # Each create went first and was refused (409: the id is taken); then it was adopted.
    assert sorted(project.writes_seen()) == [
        ("PUT", "/customvoice/consents/jessica-consent"),
        ("PUT", "/customvoice/personalvoices/JessicaVoice"),
        ("PUT", "/customvoice/projects/contoso-personal-voices"),
    ]
    assert made_as(project.voices_in_service()) == before
    assert profile_ids(project) == {"JessicaVoice": speaker_profile_id}

    project.pulumi("up", "--yes", "--expect-no-changes")
    # Managed from now on: destroy deletes them.
    project.pulumi("destroy", "--yes")
    assert project.voices_in_service() == {}
    assert project.backend.list_projects() == []


def test_an_existing_voice_that_differs_is_left_alone_and_the_error_says_why(project: Project) -> None:
    speaker_profile_id = seed_existing(project, "someone-elses-consent")
    project.write_catalog(JESSICA_ONLY)
    failed = project.pulumi("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "consentId: declared 'jessica-consent', the service has 'someone-elses-consent'" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr  # an error raised on purpose: one line
    assert project.voices_in_service()["JessicaVoice"]["speakerProfileId"] == speaker_profile_id
