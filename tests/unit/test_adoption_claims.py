"""What adoption promises, field by field: a resource found under the declared id is adopted
only when every compared field matches; a Failed leftover is deleted and created again; a
create refused as taken (400 or 409: the spec does not say which) is adopted after one look;
and a project's delete keeps what the stack does not manage, voices as well as consents."""

from typing import Any

import pytest

from emulator import CustomVoiceBackend, mock_custom_voice
from provider.consent import ConsentProvider
from provider.errors import Refused
from provider.project import ProjectProvider
from provider.speech.adoption import ResourceConflict, ResourceFailed
from provider.speech.errors import CustomVoiceApiError
from tests.conftest import CONTAINER, ENDPOINT, KEY, SAS, voice_inputs
from tests.unit.test_project_consent import configured, consent_inputs, project_inputs


@pytest.fixture
def service():
    backend = CustomVoiceBackend(keys=[KEY])
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend


@pytest.mark.parametrize(
    ("changes", "difference"),
    [
        ({"projectId": "proj2", "consentId": "consent2"}, "projectId: declared 'proj2', the service has 'proj'"),
        ({"consentId": "consent-b"}, "consentId: declared 'consent-b', the service has 'consent'"),
        (
            {"audios_containerUrl": f"{CONTAINER}-elsewhere?{SAS}"},
            f"audios.containerUrl: declared '{CONTAINER}-elsewhere', the service has '{CONTAINER}'",
        ),
        ({"audios_prefix": "mark/"}, "audios.prefix: declared 'mark/', the service has 'jessica/'"),
        ({"audios_extensions": [".mp3"]}, "audios.extensions: declared"),
        ({"description": "narrator"}, "description: declared 'narrator', the service has nothing"),
        ({"displayName": "Jessica"}, "displayName: declared 'Jessica', the service has nothing"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_a_voice_differing_in_any_compared_field_is_not_adopted(backend, provider, changes, difference):
    backend.add_consent("consent-b", "proj")
    backend.add_project("proj2")
    backend.add_consent("consent2", "proj2")
    existing = provider.create(voice_inputs())
    # As a service that echoes a voice's audios would answer the look (the emulator never does,
    # as no spec example does; then audios cannot tell two voices apart).
    echoed = {**backend.get_personal_voice("Jessica"), "audios": _payload(voice_inputs())["audios"]}
    assert echoed["speakerProfileId"] == existing.outs["speakerProfileId"]
    backend.inject_faults("GET", r".*/personalvoices/Jessica$", [(200, {}, echoed)])
    with pytest.raises(ResourceConflict) as caught:
        provider.create(voice_inputs(**changes))
    assert difference in str(caught.value)
    assert [(v["projectId"], v["consentId"]) for v in backend.list_personal_voices()] == [("proj", "consent")]


@pytest.mark.parametrize(
    ("changes", "difference"),
    [
        ({"projectId": "proj2"}, "projectId: declared 'proj2', the service has 'proj'"),
        ({"voiceTalentName": "Mark Jones"}, "voiceTalentName: declared 'Mark Jones', the service has 'Jessica Smith'"),
        ({"companyName": "Fabrikam"}, "companyName: declared 'Fabrikam', the service has 'Contoso'"),
        ({"locale": "en-GB"}, "locale: declared 'en-GB', the service has 'en-US'"),
        ({"description": "talent"}, "description: declared 'talent', the service has nothing"),
        ({"displayName": "Jessica"}, "displayName: declared 'Jessica', the service has nothing"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_a_consent_differing_in_any_compared_field_is_not_adopted(service, changes, difference):
    service.add_project("proj")
    service.add_project("proj2")
    configured(ConsentProvider()).create(consent_inputs())
    with pytest.raises(ResourceConflict) as caught:
        configured(ConsentProvider()).create(consent_inputs(**changes))
    assert difference in str(caught.value)
    assert [(c["projectId"], c["voiceTalentName"]) for c in service.list_consents()] == [("proj", "Jessica Smith")]


def test_a_failed_leftover_voice_is_deleted_and_created_again(backend, provider):
    leftover = backend.create_personal_voice("Jessica", _payload(voice_inputs())).resource
    backend.set_status("personalvoices", "Jessica", "Failed", "AudioTooNoisy")
    backend.clear_requests()

    created = provider.create(voice_inputs())

    assert created.outs["status"] == "Succeeded"
    assert created.outs["speakerProfileId"] != leftover["speakerProfileId"]
    writes = [(r.method, r.path) for r in backend.requests if r.is_write]
    assert writes == [
        ("PUT", "/customvoice/personalvoices/Jessica"),
        ("DELETE", "/customvoice/personalvoices/Jessica"),
        ("PUT", "/customvoice/personalvoices/Jessica"),
    ]


@pytest.mark.parametrize("status", [400, 409])
def test_a_create_that_lost_a_race_adopts_the_voice_the_winner_made(backend, provider, status):
    """Another run created the same voice between this run's decision and its PUT."""
    theirs = backend.create_personal_voice("Jessica", _payload(voice_inputs())).resource
    taken = {"error": {"code": "BadRequest" if status == 400 else "Conflict", "message": "id is taken"}}
    backend.inject_faults("PUT", r".*/personalvoices/Jessica", [(status, {}, taken)])
    adopted = provider.create(voice_inputs())
    assert adopted.outs["speakerProfileId"] == theirs["speakerProfileId"]
    assert len(backend.list_personal_voices()) == 1


def test_a_project_still_holding_a_voice_the_stack_does_not_manage_is_kept(backend):
    provider = configured(ProjectProvider())
    backend.create_personal_voice("Theirs", _payload(voice_inputs(voiceId="Theirs")))
    with pytest.raises(Refused, match="personal voice 'Theirs'"):
        provider.delete("proj", project_inputs())
    assert [v["id"] for v in backend.list_personal_voices()] == ["Theirs"]
    assert backend.list_projects() != []


def _payload(inputs: dict[str, Any]) -> dict[str, Any]:
    """The create body the service gets for these inputs (the container URL without its SAS)."""
    audios = {**inputs["audios"], "containerUrl": inputs["audios"]["containerUrl"].split("?")[0]}
    return {"projectId": inputs["projectId"], "consentId": inputs["consentId"], "audios": audios}


def test_a_failed_voice_without_a_reason_says_so(backend, provider):
    failed = {"id": "Jessica", "projectId": "proj", "consentId": "consent", "status": "Failed"}
    # The status is polled by listing (one list serves every voice in flight), or read alone.
    backend.inject_faults("GET", r".*/personalvoices$", [(200, {}, {"value": [failed]})] * 3)
    backend.inject_faults("GET", r".*/personalvoices/Jessica$", [(200, {}, failed)] * 3)
    with pytest.raises(ResourceFailed, match=r"Personal voice 'Jessica' failed: no failureReason given\. "):
        provider.create(voice_inputs())


def test_every_difference_is_named_in_one_refusal(backend, provider):
    provider.create(voice_inputs())
    with pytest.raises(ResourceConflict) as caught:
        provider.create(voice_inputs(description="narrator", displayName="Jessica"))
    assert (
        "differs from the declaration: description: declared 'narrator', the service has nothing; "
        "displayName: declared 'Jessica', the service has nothing. Either choose another id"
    ) in str(caught.value)


def test_a_create_refused_for_another_reason_sends_no_look(backend, provider):
    """Only a taken id (400 or 409) is worth a GET; a 403 or a 500 is the answer."""
    forbidden = {"error": {"code": "Forbidden", "message": "not for you"}}
    backend.inject_faults("PUT", r".*/personalvoices/Jessica", [(403, {}, forbidden)])
    with pytest.raises(CustomVoiceApiError):
        provider.create(voice_inputs())
    assert [(r.method, r.path) for r in backend.requests] == [("PUT", "/customvoice/personalvoices/Jessica")]
