"""The SpeechAccount provider against the emulator's ARM front (`mock_arm`), signed in with
azure-identity's DefaultAzureCredential through the emulated managed identity: create, adopt,
reference, soft delete and restore, PATCH against replace, purge only when asked, and inputs
refused before any request."""

import re
import threading
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from emulator import CustomVoiceBackend
from emulator.arm import AccountsService, Endpoints, mock_arm
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, READER, SPEECH_CONTRIBUTOR, TOKEN_PATH
from provider.accounts.client import ArmError
from provider.errors import Refused
from provider.speech_account import SpeechAccountProvider
from tests.identity import refuse_all_but_loopback, use_managed_identity

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
GROUP = "voices-rg"
NAME = "contoso-voices"
KEY = AccountKey(SUBSCRIPTION, GROUP, NAME)
IDENTITY_ENDPOINT = f"https://eastus.api.cognitive.microsoft.com{TOKEN_PATH}"
SOFT_DELETE_SECONDS = 600.0


class Arm(NamedTuple):
    accounts: AccountsService
    backend: CustomVoiceBackend

    def arm_requests(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.backend.requests if r.path.startswith("/subscriptions/")]


def start_arm(monkeypatch: pytest.MonkeyPatch, roles: tuple[str, ...]) -> Iterator[Arm]:
    backend = CustomVoiceBackend()
    header = backend.enable_entra(roles=roles)
    accounts = AccountsService(Endpoints.azure(), soft_delete_seconds=SOFT_DELETE_SECONDS)
    refuse_all_but_loopback(monkeypatch)
    with mock_arm(accounts, backend):
        use_managed_identity(monkeypatch, IDENTITY_ENDPOINT, header)
        yield Arm(accounts, backend)


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    yield from start_arm(monkeypatch, (COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))


def configured(**config: str) -> SpeechAccountProvider:
    raw = {"pollIntervalSeconds": "0.01", "retryBackoffSeconds": "0", **config}
    provider = SpeechAccountProvider()
    provider.configure(ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in raw.items()}, "personal-voice")))
    return provider


@pytest.fixture
def provider() -> SpeechAccountProvider:
    return configured()


def declared(**changes: Any) -> dict[str, Any]:
    news = {"subscriptionId": SUBSCRIPTION, "resourceGroupName": GROUP, "accountName": NAME, "location": "eastus"}
    news.update(changes)
    return {key: value for key, value in news.items() if value is not None}


def checked(
    provider: SpeechAccountProvider, news: dict[str, Any], olds: dict[str, Any] | None = None
) -> dict[str, Any]:
    result = provider.check(olds or {}, news)
    assert [(f.property, f.reason) for f in result.failures or []] == []
    return result.inputs or {}


def create(provider: SpeechAccountProvider, **changes: Any) -> dict[str, Any]:
    return provider.create(checked(provider, declared(**changes))).outs or {}


def body(location: str = "eastus", subdomain: str = NAME, **properties: Any) -> dict[str, Any]:
    return {
        "location": location,
        "kind": "SpeechServices",
        "sku": {"name": "S0"},
        "properties": {"customSubDomainName": subdomain, **properties},
    }


def test_create_makes_an_s0_speech_account_on_its_subdomain_and_outputs_no_key(arm, provider):
    outputs = create(provider, tags={"team": "voices"})

    account = arm.accounts.get(KEY)
    assert (
        outputs["armId"]
        == account["id"]
        == (
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/{NAME}"
        )
    )
    assert outputs["endpoint"] == "https://contoso-voices.cognitiveservices.azure.com/"
    assert (outputs["region"], outputs["provisioningState"]) == ("eastus", "Succeeded")
    assert (account["kind"], account["sku"], account["tags"]) == ("SpeechServices", {"name": "S0"}, {"team": "voices"})
    assert account["properties"]["customSubDomainName"] == NAME
    keys = arm.accounts.list_keys(KEY)
    assert not any(key in repr(outputs) for key in keys.values())
    assert not any(path.endswith("/listKeys") for _, path in arm.arm_requests())


def test_a_live_account_as_declared_is_adopted_without_a_write(arm, provider):
    arm.accounts.put(KEY, {**body(), "tags": {"team": "voices"}})
    internal_id = arm.accounts.get(KEY)["properties"]["internalId"]
    arm.backend.clear_requests()

    outputs = create(provider, tags={"team": "voices"})

    assert outputs["armId"].endswith(f"/accounts/{NAME}")
    assert arm.accounts.get(KEY)["properties"]["internalId"] == internal_id
    assert [method for method, _ in arm.arm_requests()] == ["GET"]


def test_a_live_account_that_differs_is_refused_naming_each_field_and_left_as_it_is(arm, provider):
    arm.accounts.put(KEY, body(disableLocalAuth=True))
    before = arm.accounts.get(KEY)

    with pytest.raises(Refused) as refused:
        create(provider, tags={"team": "voices"})

    message = str(refused.value)
    assert message.startswith(f"Speech account {NAME!r} (resource group {GROUP!r}) already exists and differs")
    assert (
        "differs from the declaration: disableLocalAuth: declared False, the account has True; "
        "tags: declared {'team': 'voices'}, the account has {}. Declare it as it is"
    ) in message
    assert "\n" not in message
    assert arm.accounts.get(KEY)["etag"] == before["etag"]


def test_a_reference_reads_the_account_and_its_delete_leaves_it(arm, provider, capsys):
    arm.accounts.put(KEY, {**body(disableLocalAuth=True), "tags": {"owner": "platform"}})

    outputs = create(provider, existing=True, location=None)

    assert outputs["existing"] is True
    assert (outputs["disableLocalAuth"], outputs["tags"]) == (True, {"owner": "platform"})
    assert outputs["endpoint"] == "https://contoso-voices.cognitiveservices.azure.com/"
    assert (provider.read(outputs["armId"], outputs).outs or {})["tags"] == {"owner": "platform"}
    arm.backend.clear_requests()

    provider.delete(outputs["armId"], outputs)

    assert arm.arm_requests() == []
    assert arm.accounts.get(KEY)["name"] == NAME
    assert "is only referenced (existing: true): it stays in Azure" in capsys.readouterr().err


def test_a_reference_that_differs_or_is_missing_is_refused_and_nothing_is_written(arm, provider):
    with pytest.raises(Refused) as missing:
        create(provider, existing=True, accountName="Contoso-Voices")
    assert str(missing.value) == (
        f"Speech account 'Contoso-Voices' (resource group {GROUP!r}) does not exist, "
        "and existing: true only refers to an account; create it, fix its name, or drop existing: true to let the "
        "stack create it"
    )
    arm.accounts.put(KEY, body(location="westeurope"))

    with pytest.raises(Refused) as refused:
        create(provider, existing=True, location="eastus")

    assert str(refused.value) == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) (existing: true) is not as declared: location: declared "
        "'eastus', the account has 'westeurope'. The stack never changes a referenced account: declare it as it is, "
        "or change it in Azure"
    )
    assert {method for method, _ in arm.arm_requests()} == {"GET"}


def test_a_reference_whose_declared_tags_change_is_checked_not_patched(arm, provider):
    arm.accounts.put(KEY, {**body(), "tags": {"owner": "platform"}})
    olds = create(provider, existing=True, location=None)
    news = checked(provider, declared(existing=True, location=None, tags={"owner": "voices"}), olds)

    diff = provider.diff(olds["armId"], olds, news)
    unchanged = provider.diff(olds["armId"], olds, checked(provider, declared(existing=True, location=None)))

    assert (diff.changes, diff.replaces) == (True, [])
    assert unchanged.changes is False
    with pytest.raises(Refused, match="tags: declared {'owner': 'voices'}, the account has {'owner': 'platform'}"):
        provider.update(olds["armId"], olds, news)
    assert "PATCH" not in {method for method, _ in arm.arm_requests()}


def test_a_reference_the_stack_takes_over_is_adopted_only_as_declared(arm, provider):
    arm.accounts.put(KEY, {**body(), "tags": {"owner": "platform"}})
    reference = create(provider, existing=True, location=None)
    owned = checked(provider, declared(), reference)
    assert provider.diff(reference["armId"], reference, owned).replaces == []

    with pytest.raises(Refused, match="already exists and differs from the declaration: tags: declared {}"):
        provider.update(reference["armId"], reference, owned)

    taken = provider.update(reference["armId"], reference, checked(provider, declared(tags={"owner": "platform"})))
    assert (taken.outs or {})["existing"] is False
    assert {method for method, _ in arm.arm_requests()} == {"GET"}


def test_an_owned_account_becoming_a_reference_is_kept_by_its_delete(arm, provider):
    owned = create(provider)
    reference = checked(provider, declared(existing=True, location=None), owned)
    diff = provider.diff(owned["armId"], owned, reference)
    assert (diff.changes, diff.replaces) == (True, [])

    outputs = provider.update(owned["armId"], owned, reference).outs or {}
    provider.delete(outputs["armId"], outputs)

    assert arm.accounts.get(KEY)["name"] == NAME
    assert {method for method, _ in arm.arm_requests()} == {"GET", "PUT"}


def test_a_soft_deleted_account_of_the_name_is_refused_in_one_line_saying_how_to_restore(arm, provider):
    first = create(provider)
    provider.delete(first["armId"], first)
    assert [account["name"] for account in arm.accounts.list_deleted(SUBSCRIPTION)] == [NAME]

    with pytest.raises(Refused) as refused:
        create(provider)

    message = str(refused.value)
    assert "was deleted and Azure keeps it until" in message
    assert "set restore: true" in message
    assert f"az cognitiveservices account purge --location eastus --resource-group {GROUP} --name {NAME}" in message
    assert "\n" not in message


def test_restore_brings_the_soft_deleted_account_back_with_its_keys(arm, provider):
    first = create(provider)
    keys = arm.accounts.list_keys(KEY)
    provider.delete(first["armId"], first)

    restored = create(provider, restore=True, tags={"restored": "yes"})

    assert restored["armId"] == first["armId"] and restored["provisioningState"] == "Succeeded"
    assert arm.accounts.list_keys(KEY) == keys
    assert arm.accounts.get(KEY)["tags"] == {"restored": "yes"}
    assert arm.accounts.list_deleted(SUBSCRIPTION) == []
    restore_puts = [path for method, path in arm.arm_requests() if method == "PUT"]
    assert len(restore_puts) == 2


def test_restore_of_an_account_deleted_elsewhere_is_refused_naming_what_differs(arm, provider):
    arm.accounts.put(KEY, {**body(location="westeurope"), "kind": "AIServices", "tags": {"old": "yes"}})
    arm.accounts.delete(KEY)

    with pytest.raises(Refused) as refused:
        create(provider, restore=True)

    assert str(refused.value) == (
        f"The soft-deleted speech account {NAME!r} (resource group {GROUP!r}) differs from the declaration, so "
        "restore: true cannot bring it back: location: declared 'eastus', the account has 'westeurope'; kind: "
        "declared 'speechservices', the account has 'aiservices'. Declare it as it was, or purge it "
        f"(`az cognitiveservices account purge --location westeurope --resource-group {GROUP} --name {NAME}`) "
        "to create a new one"
    )
    assert arm.accounts.list_deleted(SUBSCRIPTION)[0]["name"] == NAME


def test_a_restore_that_arm_refuses_is_named_a_restore(arm, provider):
    first = create(provider)
    provider.delete(first["armId"], first)
    arm.backend.inject_faults("PUT", ACCOUNT_PATH, [REFUSED])

    with pytest.raises(ArmError) as failed:
        configured(httpRetries="0").create(checked(provider, declared(restore=True)))

    assert str(failed.value) == (
        f"Restoring speech account {NAME!r} (resource group {GROUP!r}) failed: The scope is locked. "
        "(HTTP 409, code ScopeLocked)"
    )


def test_restore_with_nothing_deleted_creates_the_account(arm, provider):
    outputs = create(provider, restore=True)
    assert outputs["provisioningState"] == "Succeeded" and arm.accounts.get(KEY)["name"] == NAME


def test_tags_network_access_and_local_auth_update_in_place_with_patch(arm, provider):
    olds = create(provider)
    news = checked(
        provider, declared(tags={"env": "prod"}, publicNetworkAccess="Disabled", disableLocalAuth=True), olds
    )

    diff = provider.diff(olds["armId"], olds, news)
    assert (diff.changes, diff.replaces) == (True, [])
    assert diff.stables == ["armId", "endpoint", "region"]
    arm.backend.clear_requests()

    outputs = provider.update(olds["armId"], olds, news).outs or {}

    assert [method for method, _ in arm.arm_requests()] == ["PATCH"]
    account = arm.accounts.get(KEY)
    assert account["tags"] == outputs["tags"] == {"env": "prod"}
    assert account["properties"]["publicNetworkAccess"] == outputs["publicNetworkAccess"] == "Disabled"
    assert account["properties"]["disableLocalAuth"] is outputs["disableLocalAuth"] is True


def test_a_new_location_kind_or_subdomain_replaces_and_the_same_name_needs_purge_on_delete_first(arm, provider):
    olds = create(provider)
    for field, value in (("location", "westeurope"), ("kind", "AIServices"), ("customSubDomainName", "voices-2")):
        news = declared(**{field: value})
        diff = provider.diff(olds["armId"], olds, provider.check(olds, news).inputs or {})
        assert (diff.replaces, diff.delete_before_replace) == ([field], True)
        failures = provider.check(olds, news).failures or []
        assert [f.property for f in failures] == [field]
        assert failures[0].reason == (
            f"changing it replaces speech account {NAME!r} (resource group {GROUP!r}) by a new account of the same "
            "name, which Azure refuses while the old one is soft-deleted (48 hours): choose another accountName, or "
            "first set purgeOnDelete: true and run `pulumi up`, so that the replacement purges the old account, and "
            "every voice in it, for good"
        )
        assert checked(provider, news, {**olds, "purgeOnDelete": True})[field] == value
    renamed = declared(accountName="contoso-voices-2", location="westeurope")
    assert checked(provider, renamed, olds)["customSubDomainName"] == "contoso-voices-2"
    assert "PATCH" not in {method for method, _ in arm.arm_requests()}


def test_spellings_arm_reads_alike_are_no_change(arm, provider):
    olds = create(provider)
    news = checked(
        provider, declared(location="East US", resourceGroupName=GROUP.upper(), customSubDomainName=NAME.upper())
    )
    assert provider.diff(olds["armId"], olds, news).changes is False


def test_delete_soft_deletes_and_purges_only_when_asked(arm, provider):
    kept = create(provider)
    provider.delete(kept["armId"], kept)
    assert [account["name"] for account in arm.accounts.list_deleted(SUBSCRIPTION)] == [NAME]
    arm.accounts.purge(KEY, "eastus")

    purged = create(provider, purgeOnDelete=True)
    provider.delete(purged["armId"], purged)

    assert arm.accounts.list_deleted(SUBSCRIPTION) == []
    assert create(provider)["provisioningState"] == "Succeeded"  # the name is free again


def test_a_delete_of_an_account_already_gone_succeeds(arm, provider):
    outputs = create(provider)
    arm.accounts.delete(KEY)
    provider.delete(outputs["armId"], outputs)
    assert provider.read(outputs["armId"], outputs).id == ""


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"sku": "F0"}, "sku", "F0 (free) cannot be used: personal voice needs S0"),
        ({"sku": "S1"}, "sku", "'S1' is not S0"),
        ({"location": "northeurope"}, "location", "'northeurope' is not a region where personal voice runs"),
        ({"location": None}, "location", "is required"),
        ({"kind": "TextAnalytics"}, "kind", "'TextAnalytics' is not one of SpeechServices, AIServices"),
        ({"accountName": "-voices"}, "accountName", "'-voices' is not an account name"),
        (
            {"accountName": "voices_1"},
            "customSubDomainName",
            "the default, the account name 'voices_1', is not a subdomain",
        ),
        (
            {"customSubDomainName": "voices-"},
            "customSubDomainName",
            "'voices-' is not a subdomain (2 to 64 letters, digits and hyphens, starting and ending with a letter or digit)",
        ),
        ({"subscriptionId": "prod"}, "subscriptionId", "'prod' is not a subscription id (a GUID)"),
        ({"resourceGroupName": "rg."}, "resourceGroupName", "'rg.' is not a resource group name"),
        ({"publicNetworkAccess": "Open"}, "publicNetworkAccess", "'Open' is not one of Enabled, Disabled"),
        ({"disableLocalAuth": "yes"}, "disableLocalAuth", "must be true or false"),
        ({"tags": {"n": 1}}, "tags", "must be a map of names to text values"),
        ({"tags": ["team"]}, "tags", "must be a map of names to text values"),
        (
            {"existing": True, "purgeOnDelete": True},
            "purgeOnDelete",
            "means nothing with existing: true (the stack never creates or deletes that account)",
        ),
        ({"existing": True, "restore": True}, "restore", "means nothing with existing: true"),
    ],
)
def test_bad_inputs_are_refused_at_check_before_any_request(arm, provider, changes, field, reason):
    failures = provider.check({}, declared(**changes)).failures or []
    assert [f.property for f in failures] == [field]
    assert failures[0].reason.startswith(reason)
    assert arm.backend.requests == []


def test_arm_errors_arrive_as_one_line_with_their_code(arm, provider):
    arm.accounts.put(AccountKey(SUBSCRIPTION, "other-rg", "other"), body())  # holds the subdomain

    with pytest.raises(ArmError) as failed:
        create(provider)

    assert str(failed.value) == (
        f"Creating speech account {NAME!r} (resource group {GROUP!r}) failed: "
        f"Custom domain name '{NAME}' is already in use. (HTTP 409, code CustomDomainInUse)"
    )


@pytest.fixture
def reader_arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    yield from start_arm(monkeypatch, (READER,))


def test_an_identity_that_may_only_read_is_refused_by_arm_in_one_line(reader_arm, provider):
    with pytest.raises(ArmError) as failed:
        create(provider)
    assert "(HTTP 403, code AuthorizationFailed)" in str(failed.value)
    assert "Bearer" not in str(failed.value) and "\n" not in str(failed.value)


def test_a_create_that_outlasts_the_timeout_fails_naming_the_setting(arm):
    arm.accounts.provisioning_seconds = 2.0
    provider = configured(accountTimeoutSeconds="0.2")

    with pytest.raises(ArmError) as failed:
        create(provider)

    assert str(failed.value) == (
        f"Creating speech account {NAME!r} (resource group {GROUP!r}) did not finish within 0.2 s "
        "(config accountTimeoutSeconds); it may still finish in Azure: run `pulumi refresh`, then `pulumi up` again"
    )

    # The SDK's poller thread goes on to the end; it must not outlive the emulator.
    deadline = time.monotonic() + 10
    while any(t.name.startswith("LROPoller") and t.is_alive() for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.parametrize("unknown", [rpc.UNKNOWN, Unknown()])
def test_values_unknown_at_preview_are_not_judged(arm, provider, unknown):
    news = declared(accountName=rpc.UNKNOWN, tags={"stack": unknown})
    result = provider.check({}, news)
    assert result.failures == []
    assert (result.inputs or {})["customSubDomainName"] == rpc.UNKNOWN
    assert arm.backend.requests == []


def test_a_reference_to_an_account_that_cannot_hold_personal_voices_is_refused(arm, provider):
    arm.accounts.put(KEY, {**body(location="northeurope"), "kind": "TextAnalytics", "sku": {"name": "F0"}})

    with pytest.raises(Refused) as refused:
        create(provider, existing=True, location=None)

    assert (
        "is not as declared: its region 'northeurope' has no personal voice; its SKU 'F0' is not S0; "
        "its kind 'TextAnalytics' is not one of SpeechServices, AIServices."
    ) in str(refused.value)


def test_a_reference_taken_over_after_it_vanished_is_refused(arm, provider):
    arm.accounts.put(KEY, body())
    reference = create(provider, existing=True, location=None)
    arm.accounts.delete(KEY)

    with pytest.raises(Refused) as refused:
        provider.update(reference["armId"], reference, checked(provider, declared()))

    assert str(refused.value) == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) no longer exists; run `pulumi refresh`, then "
        "`pulumi up` to create it"
    )


def test_a_sku_changed_in_azure_is_put_back_with_patch(arm, provider):
    created = create(provider)
    arm.accounts.update(KEY, {"sku": {"name": "F0"}})
    olds = provider.read(created["armId"], created)
    assert (olds.id, (olds.outs or {})["sku"]) == (created["armId"], "F0")
    news = checked(provider, declared(), olds.outs)
    assert provider.diff(created["armId"], olds.outs or {}, news).replaces == []

    outputs = provider.update(created["armId"], olds.outs or {}, news).outs or {}

    assert arm.accounts.get(KEY)["sku"] == {"name": "S0"} and outputs["sku"] == "S0"


def test_only_flags_changed_update_nothing_in_azure(arm, provider):
    olds = create(provider)
    arm.backend.clear_requests()
    outputs = provider.update(olds["armId"], olds, checked(provider, declared(purgeOnDelete=True))).outs or {}
    assert outputs == {**olds, "purgeOnDelete": True}
    assert arm.arm_requests() == []


def test_an_account_soft_deleted_in_another_group_is_not_this_one(arm, provider):
    other = AccountKey(SUBSCRIPTION, "other-rg", NAME)
    arm.accounts.put(other, body(subdomain="other-voices"))
    arm.accounts.delete(other)

    outputs = create(provider, restore=True)

    assert outputs["customSubDomainName"] == NAME
    assert [account["id"].split("/resourceGroups/")[1] for account in arm.accounts.list_deleted(SUBSCRIPTION)] == [
        f"other-rg/deletedAccounts/{NAME}"
    ]


def test_the_soft_delete_refusal_says_until_when_azure_keeps_it(arm, provider):
    first = create(provider)
    provider.delete(first["armId"], first)
    purge_date = arm.accounts.list_deleted(SUBSCRIPTION)[0]["properties"]["scheduledPurgeDate"]

    with pytest.raises(Refused) as refused:
        create(provider)

    shown = str(refused.value).split("keeps it until ")[1].split(" (soft delete)")[0]
    assert shown == purge_date


def test_an_arm_error_of_several_lines_is_shown_by_its_first(arm, provider):
    arm.backend.inject_faults(
        "GET",
        r"/subscriptions/.*/accounts/.*",
        [(500, {}, {"error": {"code": "InternalError", "message": "Boom.\nat x"}})],
    )
    with pytest.raises(ArmError) as failed:
        configured(httpRetries="0").create(checked(provider, declared()))
    assert str(failed.value) == (
        f"Reading speech account {NAME!r} (resource group {GROUP!r}) failed: Boom. (HTTP 500, code InternalError)"
    )
    assert failed.value.code == "InternalError"


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ((409, {}, None), "Operation returned an invalid status 'Conflict' (HTTP 409)"),
        ((409, {}, {"error": {"code": "Conflict", "message": ""}}), "no message (HTTP 409, code Conflict)"),
        ((409, {}, {"error": {"code": "", "message": "Busy."}}), "Busy. (HTTP 409)"),
    ],
)
def test_an_arm_error_without_a_code_or_a_message_is_still_one_line(arm, answer, shown):
    arm.backend.inject_faults("GET", r"/subscriptions/.*/accounts/.*", [answer])
    with pytest.raises(ArmError) as failed:
        configured(httpRetries="0").create(checked(configured(), declared()))
    assert str(failed.value) == f"Reading speech account {NAME!r} (resource group {GROUP!r}) failed: {shown}"


def test_a_create_sends_every_declared_field_and_answers_the_arm_id(arm, provider):
    news = checked(
        provider,
        declared(
            kind="AIServices", customSubDomainName="voices-x", publicNetworkAccess="Disabled", disableLocalAuth=True
        ),
    )
    created = provider.create(news)

    account = arm.accounts.get(KEY)
    assert created.id == account["id"] == (created.outs or {})["armId"]
    assert (account["kind"], account["properties"]["customSubDomainName"]) == ("AIServices", "voices-x")
    assert account["properties"]["publicNetworkAccess"] == "Disabled"
    assert account["properties"]["disableLocalAuth"] is True


def test_a_create_that_azure_ends_failed_is_an_error_naming_the_state(arm, provider):
    failed = {
        "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/{NAME}",
        "name": NAME,
        "location": "eastus",
        "kind": "SpeechServices",
        "sku": {"name": "S0"},
        "properties": {"provisioningState": "Failed", "customSubDomainName": NAME},
    }
    arm.backend.inject_faults("PUT", r"/subscriptions/.*/accounts/[^/]+", [(200, {}, failed)])

    with pytest.raises(ArmError) as error:
        create(provider)

    assert str(error.value) == (
        f"Creating speech account {NAME!r} (resource group {GROUP!r}) ended Failed; see the account in Azure"
    )


def test_a_reference_to_another_account_replaces_only_the_reference(arm, provider):
    arm.accounts.put(KEY, body())
    olds = create(provider, existing=True, location=None)
    news = checked(provider, declared(existing=True, location=None, accountName="other-voices"), olds)

    diff = provider.diff(olds["armId"], olds, news)

    assert (diff.replaces, diff.delete_before_replace) == (["accountName"], False)


def test_an_unknown_location_at_preview_is_not_refused_as_a_same_name_replacement(arm, provider):
    olds = create(provider)
    assert provider.check(olds, declared(location=rpc.UNKNOWN)).failures == []


def test_a_live_account_still_being_made_is_not_adopted_yet(arm, provider):
    arm.accounts.provisioning_seconds = 600.0
    arm.accounts.put(KEY, body())

    with pytest.raises(Refused) as refused:
        create(provider)

    assert str(refused.value) == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) already exists but is Creating in Azure; "
        "run `pulumi up` again once it is Succeeded"
    )


def test_a_reference_taken_over_elsewhere_is_no_same_name_replacement(arm, provider):
    reference = checked(provider, declared(existing=True, location=None))
    assert provider.check({**reference, "location": "westeurope"}, declared()).failures == []


def test_a_missing_name_is_required(arm, provider):
    failures = provider.check({}, declared(subscriptionId=None)).failures or []
    assert [(f.property, f.reason) for f in failures] == [("subscriptionId", "is required")]


def test_the_default_subdomain_is_the_name_as_dns_reads_it(arm, provider):
    assert checked(provider, declared(accountName="Contoso-Voices"))["customSubDomainName"] == "contoso-voices"


# -- what ARM may answer, and every message's whole text ---------------------------------------

ACCOUNT_PATH = rf"/subscriptions/.*/accounts/{NAME}"
DELETED_LIST_PATH = r"/subscriptions/[^/]+/providers/Microsoft.CognitiveServices/deletedAccounts"
REFUSED: tuple[int, dict[str, str], dict[str, Any]] = (
    409,
    {},
    {"error": {"code": "ScopeLocked", "message": "The scope is locked."}},
)


def test_a_gone_account_reads_as_no_resource_with_no_outputs(arm, provider):
    outputs = create(provider)
    arm.accounts.delete(KEY)

    read = provider.read(outputs["armId"], outputs)

    assert (read.id, read.outs) == ("", {})


def test_an_update_or_a_delete_that_arm_refuses_names_the_account_in_one_line(arm, provider):
    olds = create(provider, purgeOnDelete=True)
    news = checked(provider, declared(purgeOnDelete=True, tags={"env": "prod"}), olds)
    failing = configured(httpRetries="0")
    arm.backend.inject_faults("PATCH", ACCOUNT_PATH, [REFUSED])
    arm.backend.inject_faults("DELETE", ACCOUNT_PATH, [REFUSED])
    arm.backend.inject_faults("DELETE", rf"/subscriptions/.*/deletedAccounts/{NAME}", [REFUSED])
    shown = (
        f"speech account {NAME!r} (resource group {GROUP!r}) failed: The scope is locked. (HTTP 409, code ScopeLocked)"
    )

    with pytest.raises(ArmError) as updating:
        failing.update(olds["armId"], olds, news)
    with pytest.raises(ArmError) as deleting:
        failing.delete(olds["armId"], olds)
    with pytest.raises(ArmError) as purging:
        failing.delete(olds["armId"], olds)

    assert str(updating.value) == f"Updating {shown}"
    assert str(deleting.value) == f"Deleting {shown}"
    assert str(purging.value) == f"Purging the deleted {shown}"


def test_a_restore_whose_listing_arm_refuses_names_the_listing(arm, provider):
    arm.backend.inject_faults("GET", DELETED_LIST_PATH, [REFUSED])

    with pytest.raises(ArmError) as failed:
        configured(httpRetries="0").create(checked(provider, declared(restore=True)))

    assert str(failed.value) == (
        f"Listing the subscription's soft-deleted accounts for speech account {NAME!r} (resource group {GROUP!r}) "
        "failed: The scope is locked. (HTTP 409, code ScopeLocked)"
    )


def test_the_soft_delete_refusal_stands_when_the_deleted_accounts_cannot_be_listed(arm, provider):
    first = create(provider)
    provider.delete(first["armId"], first)
    arm.backend.inject_faults("GET", DELETED_LIST_PATH, [REFUSED])

    with pytest.raises(Refused) as refused:
        configured(httpRetries="0").create(checked(provider, declared()))

    assert str(refused.value) == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) was deleted and Azure keeps it (soft delete), so no "
        "new account can take its name: set restore: true to get it back as it was (its keys, subdomain and "
        "voices), or purge it for good (`az cognitiveservices account purge --location eastus --resource-group "
        f"{GROUP} --name {NAME}`), or choose another accountName"
    )


def test_the_purge_command_of_the_soft_delete_refusal_names_the_region_the_account_was_in(arm, provider):
    first = create(provider)
    provider.delete(first["armId"], first)

    with pytest.raises(Refused) as refused:
        create(provider, location="westeurope", customSubDomainName="voices-eu")

    assert f"(`az cognitiveservices account purge --location eastus --resource-group {GROUP} --name {NAME}`)" in str(
        refused.value
    )
    assert str(refused.value).startswith(f"Speech account {NAME!r} (resource group {GROUP!r}) was deleted")


def test_a_deleted_account_listed_without_an_id_is_not_this_one(arm, provider):
    arm.backend.inject_faults("GET", DELETED_LIST_PATH, [(200, {}, {"value": [{"name": NAME, "location": "eastus"}]})])

    outputs = create(provider, restore=True)

    assert outputs["provisioningState"] == "Succeeded"


def test_an_account_arm_answers_without_sku_or_network_access(arm, provider):
    arm.accounts.put(KEY, body())
    answer = arm.accounts.get(KEY)
    answer["properties"] = {k: v for k, v in answer["properties"].items() if k != "publicNetworkAccess"}
    without_sku = {k: v for k, v in answer.items() if k != "sku"}
    arm.backend.inject_faults("GET", ACCOUNT_PATH, [(200, {}, answer), (200, {}, without_sku)])

    adopted = create(provider)
    with pytest.raises(Refused) as refused:
        create(provider)

    assert adopted["publicNetworkAccess"] == "Enabled"  # ARM's default, as it leaves it out
    assert "differs from the declaration: sku: declared 's0', the account has None." in str(refused.value)


OPERATIONS = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/eastus/operationStatuses"


def running(arm: Arm, method: str, path: str, operation: str) -> None:
    """ARM answers `method` on `path` with an operation that is still running at its first poll
    (and asks for the next in 2 s), and has failed at the next."""
    status = f"{OPERATIONS}/{operation}"
    headers = {"Azure-AsyncOperation": f"https://management.azure.com{status}", "Retry-After": "1"}
    arm.backend.inject_faults(method, path, [(202, headers, None)])
    arm.backend.inject_faults(
        "GET", status, [(200, {"Retry-After": "2"}, {"status": "InProgress"}), (200, {}, {"status": "Failed"})]
    )


def test_an_update_delete_or_purge_that_outlasts_the_timeout_names_its_action(arm):
    provider = configured(accountTimeoutSeconds="0.2")
    olds = create(provider, purgeOnDelete=True)
    news = checked(provider, declared(purgeOnDelete=True, tags={"env": "prod"}), olds)
    running(arm, "PATCH", ACCOUNT_PATH, "update")
    running(arm, "DELETE", ACCOUNT_PATH, "delete")
    running(arm, "DELETE", rf"/subscriptions/.*/deletedAccounts/{NAME}", "purge")
    late = re.escape(f"speech account {NAME!r} (resource group {GROUP!r}) did not finish within 0.2 s")

    with pytest.raises(ArmError, match=f"^Updating {late}"):
        provider.update(olds["armId"], olds, news)
    with pytest.raises(ArmError, match=f"^Deleting {late}"):
        provider.delete(olds["armId"], olds)
    provider.delete(olds["armId"], {**olds, "purgeOnDelete": False})  # the account itself goes
    with pytest.raises(ArmError, match=f"^Purging the deleted {late}"):
        provider.delete(olds["armId"], olds)

    deadline = time.monotonic() + 20
    while any(t.name.startswith("LROPoller") and t.is_alive() for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
