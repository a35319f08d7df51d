"""The Speech key of an account in the stack (`speechAccountId`), got from ARM's listKeys at call
time against the emulator's `responses` front: sent only to the account's own endpoint, read once
per account, read again (once) when a rotation makes it stale, never in outputs; Entra ID tokens
for an account with local auth disabled; and without `speechAccountId`, everything as before."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR
from provider.accounts.client import ArmError
from provider.consent import ConsentProvider
from provider.errors import ConfigError, Refused
from provider.personal_voice import PersonalVoiceProvider
from provider.project import ProjectProvider
from provider.redaction import REDACTED, redact
from provider.speech.base import CustomVoiceResourceProvider
from provider.speech.client import PROJECT
from provider.speech.errors import CustomVoiceApiError
from provider.speech.settings import SpeechSettings
from provider.validation import server_of
from tests.conftest import CONTAINER
from tests.unit.test_speech_account import GROUP, KEY, NAME, SUBSCRIPTION, Arm, body, start_arm

ACCOUNT_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/{NAME}"
)
ENDPOINT = f"https://{NAME}.cognitiveservices.azure.com"
UNAUTHORIZED: tuple[int, dict[str, str], dict[str, Any]] = (
    401,
    {},
    {"error": {"code": "401", "message": "Access denied due to invalid subscription key."}},
)


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    """An identity that may manage accounts and read their keys, but has no Speech role: whatever
    the Speech endpoint takes from it is the account's key, never its token."""
    yield from start_arm(monkeypatch, (COGNITIVE_SERVICES_CONTRIBUTOR,))


@pytest.fixture
def entra_arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    yield from start_arm(monkeypatch, (COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))


def account(arm: Arm, **properties: Any) -> None:
    arm.accounts.put(KEY, body(**properties))
    arm.backend.add_project("proj")
    arm.backend.clear_requests()


def configured(provider: CustomVoiceResourceProvider, **config: str) -> Any:
    """No speechKey anywhere: config has none, and neither has the environment."""
    raw = {"pollIntervalSeconds": "0.001", "retryBackoffSeconds": "0", **config}
    provider.configure(ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in raw.items()}, "personal-voice")))
    return provider


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SPEECH_KEY", raising=False)


def project(**changes: Any) -> dict[str, Any]:
    inputs = {"endpoint": ENDPOINT, "apiVersion": "2026-01-01", "projectId": "voices", "speechAccountId": ACCOUNT_ID}
    inputs.update(changes)
    return {key: value for key, value in inputs.items() if value is not None}


def checked(provider: CustomVoiceResourceProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert [(f.property, f.reason) for f in result.failures or []] == []
    return result.inputs or {}


def arm_calls(arm: Arm) -> list[tuple[str, str]]:
    """ARM's requests, by method and the last segment of the path (GET of the account: its name)."""
    return [(method, path.rsplit("/", 1)[-1]) for method, path in arm.arm_requests()]


def speech_calls(arm: Arm) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in arm.backend.requests if r.path.startswith("/customvoice/")]


def every_text(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from every_text(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from every_text(item)
    else:
        yield str(value)


def holds_a_key(arm: Arm, *values: Any) -> bool:
    keys = arm.accounts.list_keys(KEY).values()
    return any(key in text for value in values for text in every_text(value) for key in keys)


def test_a_project_in_an_account_is_created_with_the_key_list_keys_gives_and_keeps_no_key(arm):
    account(arm)
    provider = configured(ProjectProvider())

    created = provider.create(checked(provider, project()))
    outputs = created.outs or {}
    read = provider.read(created.id, outputs).outs or {}

    assert arm.backend.get_project("voices")["id"] == "voices"
    assert outputs["speechAccountId"] == read["speechAccountId"] == ACCOUNT_ID
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")]
    assert not holds_a_key(arm, outputs, read, provider.check({}, project()).inputs)


def test_one_account_read_serves_every_resource_of_the_account_in_parallel(arm):
    account(arm)
    provider = configured(ProjectProvider())
    inputs = [checked(provider, project(projectId=f"voices-{n}")) for n in range(8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(provider.create, inputs))

    assert {result.id for result in results} == {f"voices-{n}" for n in range(8)}
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")]


def test_the_providers_of_one_host_share_the_account_read(arm):
    account(arm)
    projects, consents = configured(ProjectProvider()), configured(ConsentProvider())
    projects.create(checked(projects, project()))
    consent = {
        "endpoint": ENDPOINT,
        "consentId": "jessica",
        "projectId": "voices",
        "voiceTalentName": "Jessica Smith",
        "companyName": "Contoso",
        "locale": "en-US",
        "audioUrl": "https://contoso.blob.core.windows.net/consents/jessica.wav",
        "speechAccountId": ACCOUNT_ID,
    }
    outputs = consents.create(checked(consents, consent)).outs or {}

    assert outputs["status"] == "Succeeded"
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")]


@pytest.mark.parametrize(
    "endpoint",
    [
        f"{ENDPOINT}.evil.net",  # a look-alike host
        f"https://{NAME}-cognitiveservices.azure.com",
        "https://other-voices.cognitiveservices.azure.com",  # another account's
        f"{ENDPOINT}:8443",  # another port
        f"http://{NAME}.cognitiveservices.azure.com",  # another scheme
        f"https://{NAME}.cognitiveservices.azure.com@evil.net",  # user info: the host is evil.net
        f"https://evil.net@{NAME}.cognitiveservices.azure.com",  # user info in front of the host
    ],
)
def test_a_key_goes_only_to_the_accounts_own_endpoint(arm, endpoint):
    account(arm)
    provider = configured(ProjectProvider())

    # The host's own rule, whatever check() says of the endpoint first.
    with pytest.raises(Refused) as refused:
        provider.create(project(endpoint=endpoint))

    message = str(refused.value)
    assert message == (
        f"speechAccountId: the endpoint of speech account {NAME!r} (resource group {GROUP!r}) is '{ENDPOINT}/', "
        f"not this resource's endpoint {endpoint!r} (same scheme, host and port); its key goes only to the host it "
        "was issued for: give the resource the account's endpoint, or the account that serves this endpoint"
    )
    assert "\n" not in message and not holds_a_key(arm, message)
    assert speech_calls(arm) == []
    assert arm_calls(arm) == [("GET", NAME)]  # no key was even read


def test_an_endpoint_leads_to_the_same_server_whatever_its_spelling_of_the_default_port():
    assert (
        server_of(f"{ENDPOINT}:443")
        == server_of(f"https://{NAME.upper()}.cognitiveservices.azure.com/")
        == (
            "https",
            f"{NAME}.cognitiveservices.azure.com",
            443,
        )
    )
    assert server_of("http://127.0.0.1:8765/") == ("http", "127.0.0.1", 8765)
    assert server_of(f"{ENDPOINT}:8443") != server_of(ENDPOINT)
    assert server_of(f"https://evil.net@{NAME}.cognitiveservices.azure.com") is None
    assert server_of("http://contoso-voices.cognitiveservices.azure.com") is None  # plain http off loopback
    assert server_of(None) is None


@pytest.mark.parametrize(
    "account_id, reason",
    [
        (
            ACCOUNT_ID.replace("Microsoft.CognitiveServices", "Microsoft.Storage").replace(
                "accounts", "storageAccounts"
            ),
            "is not a Speech account's ARM id",
        ),
        (ACCOUNT_ID + "/", "is not a Speech account's ARM id"),
        (ACCOUNT_ID.removeprefix("/"), "is not a Speech account's ARM id"),
        (f"{ACCOUNT_ID}/../other", "is not a Speech account's ARM id"),
        (ACCOUNT_ID.replace(SUBSCRIPTION, "contoso"), "'contoso' is not a subscription id (a GUID)"),
        (ACCOUNT_ID.replace(f"/{GROUP}/", "/voices rg./"), "'voices rg.' is not a resource group name"),
        (ACCOUNT_ID.replace(NAME, "-voices"), "'-voices' is not an account name"),
        (f"{ACCOUNT_ID}\n", "is not a Speech account's ARM id"),
        (42, "must be a string (an account's ARM id), got int"),
    ],
)
def test_a_malformed_account_id_is_refused_naming_the_field_before_any_request(arm, account_id, reason):
    account(arm)
    provider = configured(ProjectProvider())

    failures = provider.check({}, project(speechAccountId=account_id)).failures or []

    assert [failure.property for failure in failures] == ["speechAccountId"]
    assert reason in failures[0].reason and "\n" not in failures[0].reason
    if isinstance(account_id, str):  # and the host's own parse, should anything skip check()
        with pytest.raises(ConfigError) as refused:
            provider.create(project(speechAccountId=account_id))
        assert str(refused.value).startswith("speechAccountId: ") and reason in str(refused.value)
    assert arm.arm_requests() == [] and speech_calls(arm) == []


def test_ids_arm_reads_alike_are_one_account(arm):
    account(arm)
    provider = configured(ProjectProvider())
    provider.create(project(projectId="first"))

    provider.create(project(projectId="second", speechAccountId=ACCOUNT_ID.lower()))

    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")]


def test_an_account_with_local_auth_disabled_is_reached_with_an_entra_id_token(entra_arm):
    account(entra_arm, disableLocalAuth=True)
    provider = configured(ProjectProvider())

    created = provider.create(checked(provider, project()))

    assert created.id == "voices" and entra_arm.backend.get_project("voices")["id"] == "voices"
    assert arm_calls(entra_arm) == [("GET", NAME)]  # no listKeys, which ARM refuses for such an account


def test_a_key_regenerated_between_two_calls_is_read_again_and_the_request_repeated_once(arm):
    account(arm)
    provider = configured(ProjectProvider())
    provider.create(project(projectId="first"))
    arm.accounts.regenerate_key(KEY, {"keyName": "Key1"})

    created = provider.create(project(projectId="second"))

    assert created.id == "second"
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")] * 2
    assert speech_calls(arm).count(("PUT", "/customvoice/projects/second")) == 2  # 401, then 201


def test_a_rotation_seen_by_many_callers_at_once_is_read_once(arm):
    account(arm)
    provider = configured(ProjectProvider())
    # Every client holds the key read before the rotation.
    clients = [provider.client(project(projectId=f"voices-{n}")) for n in range(6)]
    arm.accounts.regenerate_key(KEY, {"keyName": "Key1"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(lambda n: clients[n].create(PROJECT, f"voices-{n}", {"kind": "PersonalVoice"}), range(6))
        )

    assert [answer.resource["id"] for answer in answers] == [f"voices-{n}" for n in range(6)]
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")] * 2


def test_a_401_is_repeated_once_with_a_new_key_and_not_again(arm):
    account(arm)
    provider = configured(ProjectProvider())
    provider.create(project(projectId="first"))
    arm.accounts.regenerate_key(KEY, {"keyName": "Key1"})
    arm.backend.inject_faults("PUT", r"/customvoice/projects/second", [UNAUTHORIZED] * 5)

    with pytest.raises(CustomVoiceApiError) as failed:
        provider.create(project(projectId="second"))

    assert failed.value.status == 401
    assert speech_calls(arm).count(("PUT", "/customvoice/projects/second")) == 2
    assert arm_calls(arm).count(("POST", "listKeys")) == 2
    assert not holds_a_key(arm, str(failed.value))


def test_a_401_to_a_key_arm_still_gives_is_not_repeated(arm):
    account(arm)
    provider = configured(ProjectProvider())
    arm.backend.inject_faults("PUT", r"/customvoice/projects/voices", [UNAUTHORIZED] * 5)

    with pytest.raises(CustomVoiceApiError) as failed:
        provider.create(project())

    assert failed.value.status == 401
    assert speech_calls(arm).count(("PUT", "/customvoice/projects/voices")) == 1
    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys")] * 2


def test_an_identity_that_may_not_list_keys_is_refused_in_one_line(monkeypatch):
    for arm in start_arm(monkeypatch, ("Reader",)):
        account(arm)
        provider = configured(ProjectProvider())
        with pytest.raises(Exception) as failed:
            provider.create(project())
        message = str(failed.value)
        assert message.startswith(f"Listing the keys of speech account {NAME!r} (resource group {GROUP!r}) failed: ")
        assert "(HTTP 403, code AuthorizationFailed)" in message and "\n" not in message
        assert speech_calls(arm) == []


# -- without speechAccountId, and moving to it ------------------------------------------------


PROJECT_STATE: dict[str, Any] = {"endpoint": ENDPOINT, "apiVersion": "2026-01-01", "projectId": "voices"}
CONSENT_STATE: dict[str, Any] = {
    "endpoint": ENDPOINT,
    "apiVersion": "2026-01-01",
    "consentId": "jessica",
    "projectId": "voices",
    "voiceTalentName": "Jessica Smith",
    "companyName": "Contoso",
    "locale": "en-US",
    "audioUrl": "https://contoso.blob.core.windows.net/consents/jessica.wav",
}
VOICE_STATE: dict[str, Any] = {
    "endpoint": ENDPOINT,
    "apiVersion": "2026-01-01",
    "voiceId": "jessica",
    "projectId": "voices",
    "consentId": "jessica",
    "audios": {"containerUrl": CONTAINER, "prefix": "jessica/", "extensions": [".wav"]},
}


@pytest.mark.parametrize(
    "provider, olds",
    [(ProjectProvider(), PROJECT_STATE), (ConsentProvider(), CONSENT_STATE), (PersonalVoiceProvider(), VOICE_STATE)],
)
def test_state_without_the_account_id_previews_no_change_and_moving_to_an_account_is_an_update(provider, olds):
    unchanged = provider.diff("id", olds, provider.check(olds, {**olds, "speechAccountId": None}).inputs or {})
    moved = provider.diff("id", olds, {**olds, "speechAccountId": ACCOUNT_ID})
    unknown = provider.diff("id", olds, {**olds, "speechAccountId": rpc.UNKNOWN})

    assert unchanged.changes is False
    assert (moved.changes, moved.replaces) == (True, [])
    assert (unknown.changes, unknown.replaces) == (True, [])


def test_moving_to_an_account_updates_in_place_with_no_request(arm):
    account(arm)
    provider = configured(ProjectProvider())
    olds = {"endpoint": ENDPOINT, "apiVersion": "2026-01-01", "projectId": "voices", "createdDateTime": "then"}

    updated = provider.update("voices", olds, checked(provider, project()))

    assert (updated.outs or {})["speechAccountId"] == ACCOUNT_ID
    assert (updated.outs or {})["createdDateTime"] == "then"
    assert arm.backend.requests == []


def test_without_an_account_id_the_key_is_config_speech_key_and_arm_is_never_asked(arm):
    account(arm)
    key = arm.accounts.list_keys(KEY)["key2"]
    arm.backend.clear_requests()
    provider = configured(ProjectProvider(), speechKey=key)

    created = provider.create(checked(provider, project(speechAccountId=None)))

    assert "speechAccountId" not in (created.outs or {})
    assert arm.arm_requests() == []
    with pytest.raises(ConfigError, match="config speechKey: is required"):
        configured(ProjectProvider()).create(project(speechAccountId=None, projectId="other"))


def test_entra_authentication_sends_a_token_even_with_an_account_id(entra_arm):
    account(entra_arm)
    provider = configured(ProjectProvider(), authentication="entra")

    provider.create(checked(provider, project()))

    assert entra_arm.arm_requests() == []


def test_the_program_asks_for_no_speech_key_when_every_resource_is_in_an_account():
    settings = SpeechSettings.load({}, {})
    assert [str(p) for p in settings.key_problems()] == [str(p) for p in settings.key_problems(uses_accounts=False)]
    assert [p.field for p in settings.key_problems()] == ["speechKey"]
    assert settings.key_problems(uses_accounts=True) == []


# -- what the host keeps of each account -------------------------------------------------------


def test_two_accounts_in_one_host_each_reach_their_own_endpoint_with_their_own_key(arm):
    account(arm)
    other = KEY._replace(name="other-voices")
    arm.accounts.put(other, body(subdomain="other-voices"))
    arm.backend.clear_requests()
    provider = configured(ProjectProvider())
    other_id = ACCOUNT_ID.replace(f"/accounts/{NAME}", "/accounts/other-voices")

    provider.create(project(projectId="first"))
    provider.create(
        project(
            projectId="second", endpoint="https://other-voices.cognitiveservices.azure.com", speechAccountId=other_id
        )
    )

    assert arm_calls(arm) == [("GET", NAME), ("POST", "listKeys"), ("GET", "other-voices"), ("POST", "listKeys")]
    assert speech_calls(arm) == [("PUT", "/customvoice/projects/first"), ("PUT", "/customvoice/projects/second")]


def test_the_keys_arm_gives_are_hidden_in_any_text_the_host_shows(arm):
    account(arm)
    provider = configured(ProjectProvider())

    provider.create(project())

    keys = arm.accounts.list_keys(KEY)
    assert redact(f"key1 {keys['key1']} key2 {keys['key2']}") == f"key1 {REDACTED} key2 {REDACTED}"


def test_an_account_that_does_not_exist_is_arms_one_line_error_and_no_request_is_sent(arm):
    arm.backend.add_project("proj")
    provider = configured(ProjectProvider(), httpRetries="0")

    with pytest.raises(ArmError) as failed:
        provider.create(project())

    message = str(failed.value)
    assert message.startswith(f"Reading speech account {NAME!r} (resource group {GROUP!r}) failed: ")
    assert message.endswith("(HTTP 404, code ResourceNotFound)") and "\n" not in message
    assert speech_calls(arm) == []


def test_an_account_arm_answers_without_properties_has_no_endpoint_to_send_a_key_to(arm):
    account(arm)
    bare = {key: value for key, value in arm.accounts.get(KEY).items() if key != "properties"}
    arm.backend.inject_faults("GET", rf"/subscriptions/.*/accounts/{NAME}", [(200, {}, bare)])
    provider = configured(ProjectProvider())

    with pytest.raises(Refused, match=f"is None, not this resource's endpoint '{ENDPOINT}'"):
        provider.create(project())

    assert arm_calls(arm) == [("GET", NAME)] and speech_calls(arm) == []


def test_list_keys_without_key1_is_an_error_and_no_request_is_sent(arm):
    account(arm)
    key2 = arm.accounts.list_keys(KEY)["key2"]
    arm.backend.inject_faults("POST", r"/subscriptions/.*/listKeys", [(200, {}, {"key2": key2})])
    provider = configured(ProjectProvider())

    with pytest.raises(ArmError) as failed:
        provider.create(project())

    assert str(failed.value) == f"Listing the keys of speech account {NAME!r} (resource group {GROUP!r}) gave no key1"
    assert speech_calls(arm) == []
    assert redact(key2) == REDACTED


def test_a_401_to_an_entra_id_token_reads_no_key_and_is_not_repeated(entra_arm):
    account(entra_arm, disableLocalAuth=True)
    entra_arm.backend.inject_faults("PUT", r"/customvoice/projects/voices", [UNAUTHORIZED] * 5)
    provider = configured(ProjectProvider())

    with pytest.raises(CustomVoiceApiError) as failed:
        provider.create(project())

    assert failed.value.status == 401
    assert speech_calls(entra_arm) == [("PUT", "/customvoice/projects/voices")]
    assert arm_calls(entra_arm) == [("GET", NAME)]


@pytest.mark.parametrize("unknown", [rpc.UNKNOWN, Unknown()])
def test_an_account_id_unknown_at_preview_is_not_judged(arm, unknown):
    provider = configured(ProjectProvider())

    result = provider.check({}, project(speechAccountId=unknown))

    assert result.failures == []
    assert arm.backend.requests == []
