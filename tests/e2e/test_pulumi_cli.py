"""pulumi preview / up / refresh / destroy, for real, against the emulator's HTTP server."""

import json
import re

import pytest

from tests.e2e.catalogs import CATALOG, VOICE_TYPE, edited, profile_ids, voice_ids_in_state
from tests.e2e.conftest import SAS_SIGNATURES, Project, sas_token

pytestmark = pytest.mark.e2e


def test_the_whole_lifecycle_with_the_current_api_version(project: Project) -> None:
    project.write_catalog(CATALOG)

    # up from nothing: every declared voice, and only those, exist with a speakerProfileId.
    project.pulumi("up", "--yes")
    first = profile_ids(project)
    service = project.voices_in_service()
    assert set(first) == set(service) == {"JessicaVoice", "MarkVoice"}
    assert all(first[v] == service[v]["speakerProfileId"] for v in first)
    assert project.outputs()["voices"]["JessicaVoice"]["status"] == "Succeeded"

    # Unchanged: preview sends no writes, and a second up changes nothing.
    project.backend.clear_requests()
    project.pulumi("preview", "--expect-no-changes")
    assert project.writes_seen() == []
    project.pulumi("up", "--yes", "--expect-no-changes")
    assert profile_ids(project) == first

    # A new prefix replaces the voice; the preview names the property.
    moved = edited(lambda c: c["voices"][0]["audios"].update(prefix="jessica-v2/"))
    project.write_catalog(moved)
    preview = project.pulumi("preview", "--diff").stdout
    assert f"+-{VOICE_TYPE}: (replace)" in preview
    assert re.search(r'~ prefix\s*: "jessica/" => "jessica-v2/"', preview)
    project.pulumi("up", "--yes")
    second = profile_ids(project)
    assert second["JessicaVoice"] != first["JessicaVoice"]
    assert second["MarkVoice"] == first["MarkVoice"]
    # The service does not echo audios (no spec example does); state holds what was sent.
    shown = json.loads(project.pulumi("stack", "export", "--show-secrets").stdout)["deployment"]["resources"]
    jessica = next(r for r in shown if r["type"] == VOICE_TYPE and r["id"] == "JessicaVoice")
    assert jessica["inputs"]["audios"]["prefix"] == "jessica-v2/"

    # Rotating only the SAS token changes no resource: it is config, joined by the provider host at create.
    project.pulumi("config", "set", "--secret", "sasToken", sas_token(SAS_SIGNATURES[1]))
    preview = project.pulumi("preview", "--diff").stdout
    assert "(update)" not in preview and "(replace)" not in preview
    project.backend.clear_requests()
    project.pulumi("up", "--yes")
    assert profile_ids(project) == second
    assert project.writes_seen() == []

    # Ids are case-sensitive: a new case is a new voice, replacing the old one.
    recased = edited(lambda c: c["voices"][0].update(id="jessicavoice"))
    recased["voices"][0]["audios"]["prefix"] = "jessica-v2/"
    project.write_catalog(recased)
    preview = project.pulumi("preview", "--diff").stdout
    assert f"+-{VOICE_TYPE}: (replace)" in preview
    assert re.search(r'~ voiceId\s*: "JessicaVoice" => "jessicavoice"', preview)
    project.pulumi("up", "--yes")
    assert set(project.voices_in_service()) == {"jessicavoice", "MarkVoice"}

    # Deleted out of band: refresh drops it from state, up recreates it.
    project.backend.delete_personal_voice("MarkVoice")
    project.pulumi("refresh", "--yes")
    assert voice_ids_in_state(project) == {"jessicavoice"}
    project.pulumi("up", "--yes")
    assert "MarkVoice" in project.voices_in_service()

    # Removed from the catalog: up deletes it in the service.
    recased["voices"] = recased["voices"][:1]
    project.write_catalog(recased)
    project.pulumi("up", "--yes")
    assert set(project.voices_in_service()) == {"jessicavoice"}

    project.pulumi("destroy", "--yes")
    assert project.voices_in_service() == {}
    assert project.backend.list_projects() == [] and project.backend.list_consents() == []


def test_the_seed_api_version_creates_with_put_and_goes_through_the_same_cycle(project: Project) -> None:
    project.pulumi("config", "set", "apiVersion", "2023-12-01-preview")
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    assert ("PUT", "/customvoice/personalvoices/JessicaVoice") in project.writes_seen()
    assert ("POST", "/customvoice/personalvoices") not in project.writes_seen()
    assert set(profile_ids(project)) == set(project.voices_in_service())

    project.backend.delete_personal_voice("JessicaVoice")
    project.pulumi("refresh", "--yes")
    project.pulumi("up", "--yes")
    assert set(project.voices_in_service()) == {"JessicaVoice", "MarkVoice"}

    project.pulumi("destroy", "--yes")
    assert project.voices_in_service() == {}
