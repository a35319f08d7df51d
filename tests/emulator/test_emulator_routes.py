"""Every route through the `responses` front, with plain `requests`."""

import time

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from emulator import CustomVoiceBackend, mock_custom_voice
from emulator.routes import UNAUTHORIZED_MESSAGE
from tests.emulator.conftest import ENDPOINT, PROVISIONING_SECONDS, Api, FakeClock, consent_body, voice_body

OPERATION_LOCATION = ENDPOINT + "/customvoice/operations/{}?api-version={}"


def test_project_put_get_list_delete(api: Api):
    created = api.call("PUT", "projects/proj", json={"kind": "PersonalVoice", "description": "demo"})
    assert created.status_code == 201 and "Operation-Location" not in created.headers
    assert created.json()["kind"] == "PersonalVoice"
    assert api.call("GET", "projects/proj").json() == created.json()
    assert api.call("GET", "projects").json() == {"value": [created.json()]}
    assert api.call("DELETE", "projects/proj").status_code == 204
    assert api.call("GET", "projects/proj").status_code == 404


def test_project_errors(api: Api):
    api.create_project()
    conflict = api.create_project()
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "Conflict"
    assert api.call("PUT", "projects/proj2", json={"kind": "Robot"}).json()["error"]["target"] == "kind"
    assert api.call("DELETE", "projects/nowhere").status_code == 404
    assert api.call("DELETE", "projects/proj", params={"forceDelete": "maybe"}).status_code == 400


@pytest.mark.parametrize("force", [None, "true", "false"])
def test_project_delete_cascades_with_or_without_force(api: Api, ready: CustomVoiceBackend, force):
    assert api.create_voice().status_code == 201
    params = {"forceDelete": force} if force else None
    assert api.call("DELETE", "projects/proj", params=params).status_code == 204
    assert api.call("GET", "personalvoices/Voice1").status_code == 404
    assert api.call("GET", "consents/consent").status_code == 404


def test_missing_id_is_404_with_the_error_body(api: Api):
    response = api.call("GET", "personalvoices/Nobody")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "NotFound", "message": "The personal voice 'Nobody' does not exist."}}
    assert response.headers["x-ms-error-code"] == "NotFound"


def test_consent_create_is_long_running_and_never_echoes_the_audio_url(api: Api, clock: FakeClock):
    api.create_project()
    created = api.create_consent()
    assert created.status_code == 201
    operation_id = created.headers["Operation-Id"]
    assert created.headers["Operation-Location"] == OPERATION_LOCATION.format(operation_id, "2026-01-01")
    consent = created.json()
    assert consent["status"] == "NotStarted" and "audioUrl" not in consent
    clock.advance(PROVISIONING_SECONDS)
    assert api.call("GET", "consents/consent").json()["status"] == "Succeeded"
    assert api.call("GET", f"operations/{operation_id}").json()["status"] == "Succeeded"
    assert [c["id"] for c in api.call("GET", "consents").json()["value"]] == ["consent"]
    assert api.call("DELETE", "consents/consent").status_code == 204
    assert api.call("DELETE", "consents/consent").status_code == 404


def test_consent_errors(api: Api):
    missing_project = api.create_consent()
    assert missing_project.status_code == 400 and missing_project.json()["error"]["target"] == "projectId"
    api.create_project()
    bad_url = api.call("PUT", "consents/consent", json=consent_body(audioUrl="consent.wav"))
    assert bad_url.json()["error"] == {
        "code": "BadArgument",
        "message": "The property 'audioUrl' must be an absolute http(s) URL.",
        "target": "audioUrl",
    }


def test_voice_put_get_list_delete(api: Api, ready: CustomVoiceBackend, clock: FakeClock):
    created = api.create_voice(description="narrator")
    assert created.status_code == 201
    voice = created.json()
    assert voice["status"] == "NotStarted" and voice["speakerProfileId"]
    assert "audios" not in voice
    operation_id = created.headers["Operation-Id"]
    assert created.headers["Operation-Location"] == OPERATION_LOCATION.format(operation_id, "2026-01-01")
    clock.advance(PROVISIONING_SECONDS / 2)
    operation = api.call("GET", f"operations/{operation_id}").json()
    assert operation == {"id": operation_id, "status": "Running"}
    clock.advance(PROVISIONING_SECONDS / 2)
    fetched = api.call("GET", "personalvoices/Voice1").json()
    assert fetched["status"] == "Succeeded" and fetched["speakerProfileId"] == voice["speakerProfileId"]
    assert api.call("GET", "personalvoices").json() == {"value": [fetched]}
    deleted = api.call("DELETE", "personalvoices/Voice1")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.call("DELETE", "personalvoices/Voice1").status_code == 404


def test_voice_errors(api: Api, ready: CustomVoiceBackend):
    assert api.create_voice(audios={"containerUrl": "https://x.example/c", "extensions": []}).status_code == 400
    assert api.create_voice(consentId="nobody").json()["error"]["code"] == "BadRequest"
    api.create_voice()
    assert api.create_voice().status_code == 409


def test_the_seed_form_is_refused_as_azure_would_unless_enabled(ready: CustomVoiceBackend):
    refused = Api(api_version="2023-12-01-preview").call("POST", "personalvoices", json={**voice_body(), "id": "V1"})
    assert refused.status_code == 405 and refused.json()["error"]["code"] == "BadRequest"
    assert ready.list_personal_voices() == []


def test_seed_form_posts_the_id_in_the_body_for_2023_12_01_preview(ready: CustomVoiceBackend):
    ready.accepts_seed_create_form = True
    seed_api = Api(api_version="2023-12-01-preview")
    created = seed_api.call("POST", "personalvoices", json={**voice_body(), "id": "JessicaPersonalVoiceId"})
    assert created.status_code == 201
    assert created.json()["id"] == "JessicaPersonalVoiceId"
    assert created.headers["Operation-Location"].endswith("?api-version=2023-12-01-preview")
    assert "x-ms-error-code" not in seed_api.call("GET", "personalvoices/Nobody").headers
    assert seed_api.call("POST", "personalvoices", json=voice_body()).json()["error"]["target"] == "id"
    later = Api().call("POST", "personalvoices", json={**voice_body(), "id": "Other"})
    assert later.status_code == 405


def test_put_form_works_for_every_supported_version(ready: CustomVoiceBackend):
    for index, version in enumerate(("2023-12-01-preview", "2024-02-01-preview", "2026-01-01")):
        assert Api(api_version=version).create_voice(f"Voice{index}").status_code == 201


def test_client_operation_id_is_honoured_and_reuse_for_another_request_is_400(api: Api, ready: CustomVoiceBackend):
    headers = {"Operation-Id": "my-operation-1"}
    created = api.call("PUT", "personalvoices/Voice1", json=voice_body(), headers=headers)
    assert created.headers["Operation-Id"] == "my-operation-1"
    assert created.headers["Operation-Location"] == OPERATION_LOCATION.format("my-operation-1", "2026-01-01")
    retried = api.call("PUT", "personalvoices/Voice1", json=voice_body(), headers=headers)
    assert retried.status_code == 201 and retried.json()["speakerProfileId"] == created.json()["speakerProfileId"]
    reused = api.call("PUT", "personalvoices/Voice2", json=voice_body(), headers=headers)
    assert reused.status_code == 400 and reused.json()["error"]["target"] == "Operation-Id"


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_unauthorized_without_a_valid_key(emulator: CustomVoiceBackend, key):
    response = Api(key=key).call("GET", "projects")
    assert response.status_code == 401
    # The Speech front end answers it, before the service: its code is the status, no x-ms-error-code.
    assert response.json() == {"error": {"code": "401", "message": UNAUTHORIZED_MESSAGE}}
    assert "x-ms-error-code" not in response.headers


def test_api_version_is_required_and_must_be_supported(emulator: CustomVoiceBackend):
    missing = Api(api_version=None).call("GET", "projects")
    unknown = Api(api_version="2020-01-01").call("GET", "projects")
    assert (missing.status_code, unknown.status_code) == (400, 400)
    assert missing.json()["error"]["target"] == unknown.json()["error"]["target"] == "api-version"
    assert "x-ms-error-code" not in unknown.headers


def test_unknown_paths_methods_bodies_and_multipart(api: Api, ready: CustomVoiceBackend):
    assert api.call("GET", "models").status_code == 404
    assert api.call("PATCH", "projects/proj").status_code == 405
    not_json = requests.put(
        f"{ENDPOINT}/customvoice/projects/proj2?api-version=2026-01-01",
        data=b"{not json",
        headers={"Ocp-Apim-Subscription-Key": api.key or ""},
        timeout=5,
    )
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "BadRequest"
    multipart = api.call("POST", "personalvoices/Voice1")
    assert multipart.status_code == 415 and multipart.json()["error"]["code"] == "UnsupportedMediaType"


def test_pagination_follows_next_link_to_the_end(api: Api, ready: CustomVoiceBackend):
    ready.add_project("proj2")
    ready.add_consent("consent2", "proj2")
    for index in range(5):
        api.create_voice(f"Voice{index}")
    api.create_voice("Other", projectId="proj2", consentId="consent2")
    pages = [api.call("GET", "personalvoices", params={"maxpagesize": "2"}).json()]
    while "nextLink" in pages[-1]:
        assert pages[-1]["nextLink"].startswith(f"{ENDPOINT}/customvoice/personalvoices?skip=")
        pages.append(api.call("GET", pages[-1]["nextLink"]).json())
    assert [len(page["value"]) for page in pages] == [2, 2, 2]
    assert [v["id"] for page in pages for v in page["value"]] == [f"Voice{i}" for i in range(5)] + ["Other"]
    filtered = api.call("GET", "personalvoices", params={"filter": "projectId eq 'proj'", "maxpagesize": "3"}).json()
    assert len(filtered["value"]) == 3 and "filter=projectId%20eq%20%27proj%27" in filtered["nextLink"]
    assert len(api.call("GET", filtered["nextLink"]).json()["value"]) == 2
    assert api.call("GET", "personalvoices", params={"skip": "-1"}).status_code == 400


def test_project_list_filters_by_kind(api: Api):
    api.create_project("personal")
    api.create_project("professional", kind="ProfessionalVoice")
    page = api.call("GET", "projects", params={"filter": "kind eq 'PersonalVoice'"}).json()
    assert [p["id"] for p in page["value"]] == ["personal"]


def test_links_use_the_endpoint_the_client_called(ready: CustomVoiceBackend):
    subdomain = "https://contoso-speech.cognitiveservices.azure.com"
    with mock_custom_voice(subdomain, backend=ready):
        api = Api(base=subdomain)
        created = api.create_voice()
        api.create_voice("Voice2")
        assert created.headers["Operation-Location"].startswith(f"{subdomain}/customvoice/operations/")
        page = api.call("GET", "personalvoices", params={"maxpagesize": "1"}).json()
        assert page["nextLink"].startswith(f"{subdomain}/customvoice/personalvoices?")


def test_faults_are_served_first_one_per_request(api: Api, ready: CustomVoiceBackend):
    throttled = (429, {"Retry-After": "2"}, {"error": {"code": "TooManyRequests", "message": "slow down"}})
    ready.inject_faults("PUT", r"/customvoice/personalvoices/.*", [throttled, (429, {}, None)])
    first, second, third = (api.create_voice() for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"], first.json()) == (429, "2", throttled[2])
    assert (second.status_code, second.content, "Retry-After" in second.headers) == (429, b"", False)
    assert third.status_code == 201
    assert [r.method for r in ready.requests] == ["PUT"] * 3


def test_status_retries_of_a_mounted_urllib3_retry_are_replayed_without_sleeping(api: Api, ready: CustomVoiceBackend):
    unavailable = (503, {"Retry-After": "30"}, {"error": {"code": "ServiceUnavailable", "message": "later"}})
    ready.inject_faults("GET", r"/customvoice/projects/proj", [unavailable] * 2)
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[429, 503])))
    session.headers["Ocp-Apim-Subscription-Key"] = api.key or ""
    url = f"{ENDPOINT}/customvoice/projects/proj?api-version=2026-01-01"
    started = time.monotonic()
    assert session.get(url, timeout=5).status_code == 200
    assert time.monotonic() - started < 5
    ready.inject_faults("GET", r"/customvoice/projects/proj", [unavailable] * 4)
    with pytest.raises(requests.exceptions.RetryError):
        session.get(url, timeout=5)
    assert len(ready.requests) == 3 + 4


def test_control_paths_need_no_key_and_are_not_logged(api: Api, ready: CustomVoiceBackend):
    api.call("GET", "projects", params={"subscription-key": "leaked"})
    log = requests.get(f"{ENDPOINT}/_emulator/requests", timeout=5)
    assert log.status_code == 200
    assert log.json() == [
        {
            "method": "GET",
            "path": "/customvoice/projects",
            "query": {"subscription-key": "REDACTED", "api-version": "2026-01-01"},
            "isWrite": False,
        }
    ]
    assert "leaked" not in log.text and "emulator-key" not in log.text
    assert requests.delete(f"{ENDPOINT}/_emulator/requests", timeout=5).status_code == 204
    assert ready.requests == []
    assert requests.post(f"{ENDPOINT}/_emulator/reset", timeout=5).status_code == 204
    assert ready.list_projects() == []
    assert requests.get(f"{ENDPOINT}/_emulator/reset", timeout=5).status_code == 405


def test_other_urls_are_refused(emulator: CustomVoiceBackend):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://westus.api.cognitive.microsoft.com/customvoice/projects", timeout=5)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{ENDPOINT}/speechtotext/v3.1/models", timeout=5)


@mock_custom_voice()
def test_works_as_a_decorator_with_a_fresh_backend_per_call():
    assert Api().create_project().status_code == 201
    log = requests.get(f"{ENDPOINT}/_emulator/requests", timeout=5).json()
    assert [(r["method"], r["path"]) for r in log] == [("PUT", "/customvoice/projects/proj")]
