"""The Project provider's own rules against the emulator's `responses` front: what check
keeps and refuses, what the create sends, and when a delete is refused or forced."""

from typing import Any

import pytest

from emulator import CustomVoiceBackend
from provider.errors import Refused
from provider.project import ProjectProvider
from provider.speech.adoption import ResourceConflict
from tests.conftest import ENDPOINT, configured_provider, voice_inputs
from tests.unit.test_project_consent import configured, project_inputs, service  # noqa: F401 (a fixture)


def failures(news: dict[str, Any]) -> list[str]:
    return [f"{failure.property}: {failure.reason}" for failure in ProjectProvider().check({}, news).failures]


def test_check_keeps_the_declared_inputs_only():
    news = {**project_inputs(displayName="Demo", forceDelete=False), "kind": "Other", "description": None}
    result = ProjectProvider().check({}, news)
    assert result.failures == []
    assert result.inputs == {
        "endpoint": ENDPOINT,
        "apiVersion": "2026-01-01",
        "projectId": "proj",
        "displayName": "Demo",
        "forceDelete": False,
    }


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"forceDelete": "yes"}, "forceDelete: must be true or false"),
        ({"forceDelete": 1}, "forceDelete: must be true or false"),
        ({"description": "x" * 1025}, "description: is 1025 characters long; at most 1024"),
        ({"displayName": "x" * 257}, "displayName: is 257 characters long; at most 256"),
        ({"displayName": 3}, "displayName: must be a string, got int"),
        ({"apiVersion": "2020-01-01"}, "apiVersion: '2020-01-01' is not one of"),
        ({"projectId": None}, "projectId: is required"),
        ({"endpoint": None}, "endpoint: is required"),
    ],
)
def test_check_refuses_each_bad_field_with_its_reason(changes: dict[str, Any], problem: str):
    [failure] = failures(project_inputs(**changes))
    assert failure.startswith(problem)


def test_a_new_project_is_personal_voice_with_only_the_texts_given(service: CustomVoiceBackend):  # noqa: F811
    configured(ProjectProvider()).create(project_inputs(description=None, displayName="Demo"))
    project = service.get_project("proj")
    assert project["kind"] == "PersonalVoice"
    assert project["displayName"] == "Demo"
    assert "description" not in project
    configured(ProjectProvider()).create(project_inputs(projectId="proj2"))
    assert service.get_project("proj2")["description"] == "demo"
    assert "displayName" not in service.get_project("proj2")


def test_a_project_of_another_kind_is_not_adopted(service: CustomVoiceBackend):  # noqa: F811
    service.add_project("proj", kind="ProfessionalVoice", description="demo")
    with pytest.raises(ResourceConflict, match="kind: declared 'PersonalVoice', the service has 'ProfessionalVoice'"):
        configured(ProjectProvider()).create(project_inputs())


def test_an_empty_project_is_deleted_without_forcing(service: CustomVoiceBackend):  # noqa: F811
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    provider.delete("proj", project_inputs(forceDelete=False))
    [delete] = [r for r in service.requests if r.method == "DELETE"]
    assert delete.path == "/customvoice/projects/proj"
    assert "forceDelete" not in delete.query
    assert service.list_projects() == []


def test_what_other_projects_hold_does_not_keep_a_project(service: CustomVoiceBackend):  # noqa: F811
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    service.add_project("neighbour")
    service.add_consent("their-consent", "neighbour")
    configured_provider().create(voice_inputs(projectId="neighbour", consentId="their-consent", voiceId="theirs"))
    provider.delete("proj", project_inputs())
    assert [project["id"] for project in service.list_projects()] == ["neighbour"]
    assert [voice["id"] for voice in service.list_personal_voices()] == ["theirs"]


def test_a_project_without_its_id_in_state_is_deleted_by_its_resource_id(service: CustomVoiceBackend):  # noqa: F811
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    service.add_project("neighbour")
    service.add_consent("their-consent", "neighbour")
    props = {key: value for key, value in project_inputs().items() if key != "projectId"}
    provider.delete("proj", props)
    assert [project["id"] for project in service.list_projects()] == ["neighbour"]


def test_the_refusal_names_everything_left_in_the_project(service: CustomVoiceBackend):  # noqa: F811
    provider = configured(ProjectProvider())
    provider.create(project_inputs())
    service.add_consent("consent1", "proj")
    service.add_consent("consent2", "proj")
    configured_provider().create(voice_inputs(projectId="proj", consentId="consent1", voiceId="voice1"))
    with pytest.raises(Refused) as refused:
        provider.delete("proj", project_inputs())
    message = str(refused.value)
    assert message.startswith(
        "Project 'proj' still holds consent 'consent1', consent 'consent2', personal voice 'voice1'"
    )
    assert message.endswith(
        ", which this stack does not manage; deleting the project would delete them. Delete them first, "
        "or set forceDelete: true on the project to delete them with it"
    )
    assert service.get_project("proj")


def test_delete_params_force_only_when_asked():
    provider = ProjectProvider()
    assert provider.delete_params({"forceDelete": True}) == {"forceDelete": "true"}
    assert provider.delete_params({"forceDelete": False}) is None
    assert provider.delete_params({}) is None
