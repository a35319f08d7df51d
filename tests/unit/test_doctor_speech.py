"""scripts/doctor's checks of the Speech resource, against the emulator (its `responses` front,
and its HTTP server where Entra ID tokens come from its managed identity endpoint): each passes
or fails as it would against Azure, and each failure says what to do."""

import socket
from collections.abc import Iterator

import pytest

from doctor.results import CheckResult, Status
from doctor.service_config import ServiceConfig, check_service_config
from doctor.speech_checks import UNCREATABLE_ID, check_region, check_speech_resource
from emulator import CustomVoiceBackend, EmulatorServer, mock_custom_voice
from emulator.identity import SPEECH_CONTRIBUTOR, SPEECH_USER, TOKEN_PATH
from provider.speech.settings import SpeechSettings
from tests.conftest import KEY
from tests.identity import refuse_all_but_loopback, use_managed_identity

CUSTOM_ENDPOINT = "https://contoso-speech.cognitiveservices.azure.com"
REGIONAL_ENDPOINT = "https://westeurope.api.cognitive.microsoft.com"
READER_CLIENT_ID = "5eaded00-0000-4000-8000-000000000001"
VERSION = "2026-01-01"
MODEL = "DragonLatestNeural"


def service_of(endpoint: str, **config: str) -> ServiceConfig:
    """The stack config as the doctor reads it, checked by its rules."""
    source = {f"personal-voice:{key}": value for key, value in {"speechEndpoint": endpoint, **config}.items()}
    checked = check_service_config(source, {}, "mine")
    assert checked.service is not None, [result.line() for result in checked.results]
    return checked.service


def run(service: ServiceConfig, versions: tuple[str, ...] = (VERSION,), models: tuple[str, ...] = (MODEL,)):
    return check_speech_resource(service, versions, models, "mine")


def summary(results: list[CheckResult]) -> list[tuple[str, str]]:
    return [(result.status.value, result.check) for result in results]


@pytest.fixture
def backend() -> Iterator[CustomVoiceBackend]:
    with mock_custom_voice(CUSTOM_ENDPOINT, backend=CustomVoiceBackend(keys=[KEY])) as backend:
        yield backend


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection but to loopback is refused (the cloud's metadata endpoint among them)."""
    refuse_all_but_loopback(monkeypatch)


def managed_identity(monkeypatch: pytest.MonkeyPatch, identity_endpoint: str, header: str) -> None:
    """DefaultAzureCredential's token comes from the emulator's managed identity endpoint only."""
    use_managed_identity(monkeypatch, f"{identity_endpoint}{TOKEN_PATH}", header)


@pytest.fixture
def entra_server(monkeypatch, loopback_only) -> Iterator[EmulatorServer]:
    """System-assigned identity: a Speech Contributor; READER_CLIENT_ID: a Speech User."""
    backend = CustomVoiceBackend(keys=[KEY])
    header = backend.enable_entra(roles=[SPEECH_CONTRIBUTOR], user_assigned={READER_CLIENT_ID: [SPEECH_USER]})
    with EmulatorServer(backend) as server:
        managed_identity(monkeypatch, server.url, header)
        yield server


# With the key


def test_a_healthy_resource_passes_every_check_and_nothing_is_created(backend):
    results = run(service_of(CUSTOM_ENDPOINT, speechKey=KEY))

    assert [result.line() for result in results] == [
        "ok    endpoint answers: HTTP 401 to a request without a credential, as a Speech resource answers",
        "ok    credential: the Speech key (config speechKey) is accepted",
        "ok    may write: a create the service must refuse was refused for its content (HTTP 400), not its role",
        "ok    api-version: 2026-01-01 is served",
        "ok    base models: DragonLatestNeural listed by the resource",
    ]
    assert backend.list_projects() == []
    writes = [(request.method, request.path) for request in backend.requests if request.is_write]
    assert writes == [("PUT", f"/customvoice/projects/{UNCREATABLE_ID}")]


def test_a_key_of_another_resource_is_refused_and_later_checks_wait(backend):
    results = run(service_of(CUSTOM_ENDPOINT, speechKey="0ther0resource0key0000000000000"))

    assert summary(results) == [
        ("ok", "endpoint answers"),
        ("FAIL", "credential"),
        ("skip", "may write"),
        ("skip", "api-version"),
    ]
    line = results[1].line()
    assert line.startswith("FAIL  credential: the Speech key (config speechKey) was refused: Reading project")
    assert "Access denied due to invalid subscription key or wrong API endpoint" in line
    assert line.endswith(
        "(HTTP 401, code 401) -> use Key 1 or Key 2 of this very resource (portal: Keys and Endpoint): "
        "`pulumi config set --secret speechKey --stack mine` reads it from standard input"
    )
    assert "0ther0resource0key" not in line
    assert results[2].line() == "skip  may write: not checked: credential failed"


def test_no_key_at_all_names_where_one_goes(backend):
    results = run(service_of(CUSTOM_ENDPOINT))

    assert summary(results)[1] == ("FAIL", "credential")
    assert "config speechKey: is required when authentication is key (set it with `pulumi config set --secret" in (
        results[1].found
    )
    assert "AZURE_SPEECH_KEY" in results[1].found


def test_the_key_from_the_environment_is_named_as_such(backend):
    source = {"personal-voice:speechEndpoint": CUSTOM_ENDPOINT}
    service = check_service_config(source, {"AZURE_SPEECH_KEY": KEY}, "mine").service
    assert service is not None

    assert run(service)[1].found == "the Speech key (AZURE_SPEECH_KEY) is accepted"


def test_an_endpoint_that_does_not_answer_leaves_the_rest_unchecked():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    results = run(service_of(closed, speechKey=KEY))

    assert summary(results) == [("FAIL", "endpoint answers")] + [
        ("skip", name) for name in ("credential", "may write", "api-version")
    ]
    assert results[0].line() == (
        f"FAIL  endpoint answers: {closed} cannot be reached: [Errno 111] Connection refused -> check the URL, "
        "and that this machine's network may reach it (DNS, proxy, firewall)"
    )


def test_a_resource_whose_firewall_refuses_this_network(backend):
    # What the Speech front end answers a network its Networking settings do not allow.
    body = {"error": {"code": "403", "message": "Access denied due to Virtual Network/Firewall rules."}}
    backend.inject_faults("GET", r"/customvoice/projects/.*", [(403, {}, body)])

    results = run(service_of(CUSTOM_ENDPOINT, speechKey=KEY))

    assert summary(results)[0] == ("FAIL", "endpoint answers")
    assert "the resource refuses this network: " in results[0].found
    assert "Virtual Network/Firewall rules. (HTTP 403, code 403)" in results[0].found
    assert results[0].todo.startswith("allow this machine's network in the resource's Networking settings")


def test_an_api_version_the_resource_does_not_serve(backend):
    results = run(service_of(CUSTOM_ENDPOINT, speechKey=KEY), versions=(VERSION, "2022-01-01-preview"))

    assert summary(results)[3:] == [("ok", "api-version"), ("FAIL", "api-version"), ("ok", "base models")]
    assert results[4].found.startswith("2022-01-01-preview is not served: Listing base models failed: The api-version")
    assert "(HTTP 400, code BadArgument, target api-version)" in results[4].found
    assert results[4].todo == "set apiVersion (config, `--stack mine`, or the voice's) to one the resource serves"


def test_a_base_model_the_resource_does_not_list(backend):
    results = run(service_of(CUSTOM_ENDPOINT, speechKey=KEY), models=(MODEL, "PhoenixV9Neural"))

    assert results[-1].line() == (
        "FAIL  base models: PhoenixV9Neural not among the resource's base models (DragonLatestNeural, "
        "PhoenixLatestNeural, PhoenixV2Neural) -> set baseModel (config, or the voice's) to one it lists"
    )


# With Microsoft Entra ID


def test_a_contributor_identity_passes_and_is_named(entra_server):
    results = run(service_of(entra_server.url, authentication="entra"))

    assert {result.status for result in results} == {Status.OK}
    assert results[1].found.startswith("a token of the identity ")
    assert results[1].found.endswith(" for https://cognitiveservices.azure.com is accepted")
    assert entra_server.backend.list_projects() == []


def test_a_speech_user_may_read_but_not_write_and_the_role_is_checked_before_the_request(entra_server):
    results = run(service_of(entra_server.url, authentication="entra", entraClientId=READER_CLIENT_ID))

    assert summary(results) == [
        ("ok", "endpoint answers"),
        ("ok", "credential"),
        ("FAIL", "may write"),
        ("skip", "api-version"),
    ]
    assert f"(client id {READER_CLIENT_ID})" in results[1].found
    assert (
        results[2]
        .line()
        .startswith(
            "FAIL  may write: the identity may only read: a create is refused for its role (Creating project "
            f"'{UNCREATABLE_ID}' failed: The principal"
        )
    )
    assert "(HTTP 403, code Forbidden)" in results[2].found
    assert results[2].todo == (
        "assign it Cognitive Services Speech Contributor on the Speech resource "
        "(Cognitive Services Speech User reads only)"
    )
    # The same request from an identity that may write is refused for its content, not its role.
    assert run(service_of(entra_server.url, authentication="entra"))[2].found.endswith("(HTTP 400), not its role")
    assert entra_server.backend.list_projects() == []


def test_only_a_refusal_of_the_content_shows_the_identity_may_write(backend):
    """A 404, 409 or throttling answer to the create says nothing of the role."""
    backend.inject_faults(
        "PUT", r".*/projects/.*", [(404, {}, {"error": {"code": "NotFound", "message": "no such route"}})]
    )
    results = run(service_of(CUSTOM_ENDPOINT, speechKey=KEY, httpRetries="0"))
    assert summary(results)[2] == ("FAIL", "may write")
    assert "(HTTP 404, code NotFound)" in results[2].found


def test_an_identity_with_no_speech_role(monkeypatch, loopback_only):
    backend = CustomVoiceBackend(keys=[KEY])
    header = backend.enable_entra(roles=[])
    with EmulatorServer(backend) as server:
        managed_identity(monkeypatch, server.url, header)
        results = run(service_of(server.url, authentication="entra"))

    assert summary(results)[1] == ("FAIL", "credential")
    assert "may not read this resource: " in results[1].found and "it has no Speech role" in results[1].found
    assert results[1].todo == "assign it the role Cognitive Services Speech Contributor on the Speech resource"


def test_no_token_from_the_identity(monkeypatch, entra_server):
    monkeypatch.setenv("IDENTITY_HEADER", "not-the-header")

    results = run(service_of(entra_server.url, authentication="entra"))

    assert summary(results)[1] == ("FAIL", "credential")
    assert results[1].found.startswith(
        "Microsoft Entra ID gave no token for https://cognitiveservices.azure.com/.default: "
    )
    assert "not-the-header" not in results[1].line()
    assert results[1].todo.startswith("run where the identity is (managed identity, workload identity")


def test_a_regional_endpoint_with_entra_is_refused_by_the_config_check_before_any_request():
    source = {"personal-voice:speechEndpoint": REGIONAL_ENDPOINT, "personal-voice:authentication": "entra"}
    checked = check_service_config(source, {}, "mine")

    assert checked.service is None and checked.endpoint == REGIONAL_ENDPOINT
    form = checked.results[0]
    assert (form.status, form.check) == (Status.FAIL, "endpoint form")
    assert "is not a custom subdomain endpoint" in form.found
    assert form.todo.startswith("use the resource's custom subdomain, https://{name}.cognitiveservices.azure.com")


def test_and_a_regional_endpoint_refuses_the_token_as_azure_does(monkeypatch):
    """What the service says when a token reaches a regional endpoint anyway."""
    backend = CustomVoiceBackend(keys=[KEY])
    with mock_custom_voice(REGIONAL_ENDPOINT, backend=backend):
        managed_identity(monkeypatch, REGIONAL_ENDPOINT, backend.enable_entra())
        service = ServiceConfig(REGIONAL_ENDPOINT, VERSION, MODEL, SpeechSettings(authentication="entra"), "")
        results = run(service)

    assert summary(results)[:2] == [("ok", "endpoint answers"), ("FAIL", "credential")]
    assert "accepted only on the resource's custom subdomain endpoint" in results[1].found
    assert "(HTTP 401, code Unauthorized)" in results[1].found


# The region, from the endpoint


@pytest.mark.parametrize(
    "endpoint, expected",
    [
        ("https://eastus.api.cognitive.microsoft.com", "ok    region: eastus offers personal voice"),
        (
            "https://westus.api.cognitive.microsoft.com",
            (
                "FAIL  region: westus does not offer personal voice -> create the Speech resource in one of "
                "eastasia, eastus, eastus2, southeastasia, swedencentral, westeurope, westus2"
            ),
        ),
        (
            CUSTOM_ENDPOINT,
            (
                "skip  region: the endpoint (a custom subdomain) does not say its region -> check that the "
                "resource's location (portal: Overview) is one of eastasia, eastus, eastus2, southeastasia, "
                "swedencentral, westeurope, westus2"
            ),
        ),
        ("http://127.0.0.1:8765", "ok    region: a local emulator, in no region"),
    ],
)
def test_the_region_is_told_from_the_endpoint_where_it_can_be(endpoint, expected):
    assert check_region(endpoint).line() == expected
