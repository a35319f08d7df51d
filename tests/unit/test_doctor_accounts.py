"""scripts/doctor on a catalog with speechAccounts: each account checked through the emulator's
ARM front (the `responses` front here; over HTTPS with the CA bundle from stack config at the
end), signed in with DefaultAzureCredential through the emulated managed identity. Each check's
good case beside its bad one, and nothing created, changed or deleted."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_catalog
from catalog.specs import SpeechAccountSpec
from doctor.account_checks import check_account_config, check_accounts
from doctor.catalog_check import check_catalog
from doctor.results import CheckResult
from doctor.run import _diagnose_accounts
from emulator import CustomVoiceBackend, EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, READER, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from provider.accounts.settings import AccountSettings
from tests.identity import refuse_all_but_loopback, use_managed_identity
from tests.unit.test_speech_account import Arm, start_arm

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
GROUP = "voices-rg"
NAME = "contoso-voices"
KEY = AccountKey(SUBSCRIPTION, GROUP, NAME)
WRITES = ("PUT", "PATCH", "DELETE")


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    yield from start_arm(monkeypatch, (COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    """An identity that may only read accounts."""
    yield from start_arm(monkeypatch, (READER, SPEECH_CONTRIBUTOR))


@pytest.fixture
def no_arm_role(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    yield from start_arm(monkeypatch, (SPEECH_CONTRIBUTOR,))


def in_azure(arm: Arm, location: str = "eastus", sku: str = "S0", kind: str = "SpeechServices", **properties: Any):
    """An account made in Azure by hand (straight into the emulator's ARM service)."""
    body = {
        "location": location,
        "kind": kind,
        "sku": {"name": sku},
        "properties": {"customSubDomainName": NAME, **properties},
    }
    arm.accounts.put(KEY, body)


def checks(arm: Arm, authentication: str = "key", **inputs: Any) -> list[CheckResult]:
    """The doctor's lines for one account declared with `inputs` (beside the naming fields)."""
    declared = {"subscriptionId": SUBSCRIPTION, "resourceGroupName": GROUP, "accountName": NAME, **inputs}
    settings = AccountSettings(retries=0, poll_interval_seconds=0.01)
    results = check_accounts([SpeechAccountSpec("voices", declared)], settings, authentication, "mine")
    assert not [method for method, _ in arm.arm_requests() if method in WRITES]  # the doctor changes nothing
    return results


def by_check(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.check.removesuffix(" of account voices"): result for result in results}


def summary(results: list[CheckResult]) -> list[tuple[str, str]]:
    return [(result.status.value, result.check.removesuffix(" of account voices")) for result in results]


# A live account


def test_a_live_account_as_declared_passes_every_check_and_no_key_is_shown(arm):
    in_azure(arm)

    results = checks(arm, location="eastus")

    assert summary(results) == [
        ("ok", "ARM access"),
        ("ok", "region"),
        ("ok", "SKU"),
        ("ok", "kind"),
        ("ok", "as declared"),
        ("ok", "local auth"),
    ]
    found = by_check(results)
    arm_id = arm.accounts.get(KEY)["id"]
    assert found["ARM access"].found == (
        f"read {arm_id} (Succeeded), endpoint https://{NAME}.cognitiveservices.azure.com/"
    )
    assert (
        found["as declared"].found
        == "it exists and is as declared (a stack that does not hold it yet adopts it at its first `pulumi up`)"
    )
    assert (
        found["local auth"].found == "local auth is on and listKeys works (no key shown; the run reads the key there)"
    )
    lines = "\n".join(result.line() for result in results)
    assert not any(key in lines for key in arm.accounts.list_keys(KEY).values())
    assert ("POST", f"{arm_id}/listKeys") in arm.arm_requests()
    assert len(arm.accounts.list_accounts(SUBSCRIPTION)) == 1


def test_an_identity_without_access_is_told_the_role_to_manage_or_to_reference(no_arm_role):
    in_azure(no_arm_role)

    [managed] = checks(no_arm_role, location="eastus")
    [referenced] = checks(no_arm_role, existing=True)

    assert (managed.status.value, managed.check) == ("FAIL", "ARM access of account voices")
    assert "(HTTP 403, code AuthorizationFailed)" in managed.found and "\n" not in managed.found
    assert managed.todo == (
        "assign the identity Cognitive Services Contributor on the account (on its resource group before it "
        "exists), which the stack needs to create and manage it (Reader only reads it)"
    )
    assert referenced.todo == "assign the identity Reader on the account (existing: true only reads it)"


def test_an_account_in_a_region_without_personal_voice(arm):
    in_azure(arm, location="northeurope")

    found = by_check(checks(arm, existing=True))

    assert (found["region"].status.value, found["region"].found) == (
        "FAIL",
        "northeurope does not offer personal voice",
    )
    assert found["region"].todo.startswith("an account's region cannot change: use an account in one of eastasia,")
    assert found["as declared"].status.value == "ok"  # a reference declares no location here


def test_a_free_account_cannot_hold_personal_voices(arm):
    in_azure(arm, sku="F0")

    found = by_check(checks(arm, existing=True))

    assert found["SKU"].line() == (
        "FAIL  SKU of account voices: F0 (free) cannot hold personal voices: personal voice needs S0 -> "
        f"`az cognitiveservices account update --name {NAME} --resource-group {GROUP} --sku S0`"
    )
    assert found["region"].status.value == "ok"


def test_a_kind_that_does_not_serve_personal_voice(arm):
    in_azure(arm, kind="TextAnalytics")

    found = by_check(checks(arm, existing=True))

    assert found["kind"].status.value == "FAIL"
    assert found["kind"].found == "TextAnalytics does not serve personal voice (only SpeechServices and AIServices do)"


def test_an_ai_services_account_serves_personal_voice(arm):
    in_azure(arm, kind="AIServices")

    assert by_check(checks(arm, existing=True))["kind"].found == "AIServices serves personal voice"


def test_an_account_unlike_its_declaration_would_not_be_adopted(arm):
    in_azure(arm, publicNetworkAccess="Disabled")

    found = by_check(checks(arm, location="eastus"))

    assert found["as declared"].status.value == "FAIL"
    assert found["as declared"].found == (
        "publicNetworkAccess: declared 'enabled', the account has 'disabled': the first `pulumi up` refuses to "
        "adopt an account that differs"
    )


def test_a_reference_unlike_its_declaration_is_refused_by_up(arm):
    in_azure(arm)

    found = by_check(checks(arm, existing=True, location="westeurope"))

    assert found["as declared"].status.value == "FAIL"
    assert found["as declared"].found.startswith("location: declared 'westeurope', the account has 'eastus': ")


def test_an_account_without_local_auth_uses_tokens_and_lists_no_key(arm):
    in_azure(arm, disableLocalAuth=True)

    found = by_check(checks(arm, existing=True))

    assert found["local auth"].status.value == "ok"
    assert found["local auth"].found == (
        "disableLocalAuth is true: no key; Microsoft Entra ID tokens will be used for its voices, and the identity "
        "needs Cognitive Services Speech Contributor on the account"
    )
    assert not any(path.endswith("/listKeys") for _, path in arm.arm_requests())


def test_a_reader_cannot_list_keys_which_key_authentication_needs(reader):
    in_azure(reader)

    with_key = by_check(checks(reader, existing=True))["local auth"]
    with_entra = by_check(checks(reader, "entra", existing=True))["local auth"]

    assert with_key.status.value == "FAIL" and "(HTTP 403, code AuthorizationFailed)" in with_key.found
    assert with_key.todo.startswith(
        "listKeys needs Cognitive Services Contributor on the account (Reader cannot list keys); or use Microsoft "
        "Entra ID: `pulumi config set authentication entra --stack mine`"
    )
    assert with_entra.status.value == "ok"
    assert with_entra.found.startswith("local auth is on but listKeys is refused (HTTP 403), which config")


# An account not there


def test_an_account_not_created_yet_is_created_by_the_first_up_if_its_name_is_free(arm):
    results = checks(arm, location="eastus")

    assert summary(results) == [("ok", "ARM access"), ("ok", "soft delete"), ("ok", "subdomain")]
    found = by_check(results)
    assert found["ARM access"].found == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) does not exist yet: the first `pulumi up` creates it"
    )
    assert found["soft delete"].found == "no soft-deleted account of this name"
    assert found["subdomain"].found == f"{NAME} is free"
    assert arm.accounts.list_accounts(SUBSCRIPTION) == []


def test_a_subdomain_another_account_holds_is_not_free(arm):
    arm.accounts.put(
        AccountKey(SUBSCRIPTION, "other-rg", "someone-elses"),
        {
            "location": "eastus",
            "kind": "SpeechServices",
            "sku": {"name": "S0"},
            "properties": {"customSubDomainName": NAME},
        },
    )

    found = by_check(checks(arm, location="eastus"))

    assert found["subdomain"].status.value == "FAIL"
    assert found["subdomain"].found == (
        f"{NAME} is not free: Sub domain name '{NAME}' is already used. Please pick a different name."
    )
    assert found["subdomain"].todo == "choose another customSubDomainName (subdomains are unique across Azure)"


def test_a_soft_deleted_account_of_the_same_name_blocks_the_create_unless_restored(arm):
    in_azure(arm)
    arm.accounts.delete(KEY)
    purge_date = arm.accounts.list_deleted(SUBSCRIPTION)[0]["properties"]["scheduledPurgeDate"]

    blocked = by_check(checks(arm, location="eastus"))
    restored = by_check(checks(arm, location="eastus", restore=True))

    assert blocked["ARM access"].status.value == "ok"
    soft_delete = blocked["soft delete"]
    assert soft_delete.status.value == "FAIL"
    assert soft_delete.found.startswith(
        f"soft-deleted speech account {NAME!r} (resource group {GROUP!r}) is kept until "
    )
    assert f"is kept until {purge_date} (Azure purges it then)" in soft_delete.found
    assert soft_delete.found.endswith(
        "so the first `pulumi up` cannot create one of the same name (FlagMustBeSetForRestore)"
    )
    assert soft_delete.todo.startswith("set restore: true to get it back as it was")
    assert f"`az cognitiveservices account purge --location eastus --resource-group {GROUP} --name {NAME}`" in (
        soft_delete.todo
    )
    assert blocked["subdomain"].status.value == "FAIL"
    assert blocked["subdomain"].todo == (
        "the soft-deleted account of this name holds it: restore it or purge it (soft delete of account voices)"
    )
    assert (restored["soft delete"].status.value, restored["subdomain"].status.value) == ("ok", "ok")
    assert "restore: true brings it back at the first `pulumi up`" in restored["soft delete"].found
    assert arm.accounts.list_accounts(SUBSCRIPTION) == [] and len(arm.accounts.list_deleted(SUBSCRIPTION)) == 1


@pytest.mark.parametrize("restore", [False, True])
def test_soft_deleted_accounts_the_identity_may_not_list(arm, restore):
    denied = {"error": {"code": "AuthorizationFailed", "message": "The client may not list deletedAccounts."}}
    arm.backend.inject_faults(
        "GET",
        rf"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/deletedAccounts",
        [(403, {}, denied)],
    )

    soft_delete = by_check(checks(arm, location="eastus", restore=restore))["soft delete"]

    assert "The client may not list deletedAccounts. (HTTP 403, code AuthorizationFailed)" in soft_delete.found
    if restore:  # the up lists them to restore
        assert soft_delete.status.value == "FAIL"
        assert soft_delete.todo.startswith("restore: true needs to list the subscription's soft-deleted accounts")
    else:
        assert soft_delete.status.value == "skip"
        assert soft_delete.todo == (f"`az cognitiveservices account list-deleted` shows whether {NAME} is soft-deleted")


def test_a_reference_to_an_account_that_does_not_exist_fails(arm):
    results = checks(arm, existing=True)

    assert summary(results) == [("FAIL", "ARM access")]
    assert results[0].found == (
        f"Speech account {NAME!r} (resource group {GROUP!r}) does not exist, and existing: true only refers to an "
        "account"
    )


def test_a_resource_group_that_does_not_exist_is_for_the_user_to_create(arm):
    arm.backend.inject_faults(
        "GET",
        rf"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/.*",
        [
            (
                404,
                {},
                {
                    "error": {
                        "code": "ResourceGroupNotFound",
                        "message": f"Resource group '{GROUP}' could not be found.",
                    }
                },
            )
        ],
    )

    [result] = checks(arm, location="eastus")

    assert result.status.value == "FAIL"
    assert result.found.endswith(f"Resource group '{GROUP}' could not be found. (HTTP 404, code ResourceGroupNotFound)")
    assert result.todo == (
        f"create the resource group first (the stack does not): `az group create --name {GROUP} --location eastus "
        f"--subscription {SUBSCRIPTION}`"
    )


def test_no_token_for_azure_resource_manager(monkeypatch, arm):
    monkeypatch.setenv("IDENTITY_HEADER", "not-the-header")

    [result] = checks(arm, location="eastus")

    assert result.status.value == "FAIL"
    assert result.found.startswith("Microsoft Entra ID gave no token for Azure Resource Manager: ")
    assert "not-the-header" not in result.line()
    assert result.todo.startswith("run where the identity is (managed identity, workload identity")


# The stack config, and the whole stack


def config(**values: str) -> dict[str, str]:
    return {f"personal-voice:{key}": value for key, value in values.items()}


def test_the_config_of_a_stack_with_accounts_has_no_endpoint_and_no_key():
    good = check_account_config(config(authentication="entra"), {}, "mine")
    bad = check_account_config(
        config(speechEndpoint="https://x.cognitiveservices.azure.com", speechKey="k" * 32), {}, "mine"
    )
    not_https = check_account_config(config(armEndpoint="http://127.0.0.1:1", authentication="oauth"), {}, "mine")

    assert good.result.line() == (
        "ok    stack config: authentication entra, apiVersion 2026-01-01, baseModel DragonLatestNeural, "
        "Azure Resource Manager at https://management.azure.com"
    )
    assert good.settings is not None
    assert bad.settings is None and bad.result.status.value == "FAIL"
    assert bad.result.found.startswith(
        "config speechEndpoint: is not used when the catalog declares speechAccounts (each project's account gives "
        "its endpoint); remove it; config speechKey: is not used"
    )
    assert "k" * 32 not in bad.result.line()
    assert not_https.settings is None and "config armEndpoint: 'http://127.0.0.1:1' must be an https://" in (
        not_https.result.found
    )
    assert "config authentication is 'oauth'" in not_https.result.found  # every problem at once


def write_catalog(project: Path, existing: bool) -> None:
    account = f"  - name: voices\n    subscriptionId: {SUBSCRIPTION}\n    resourceGroupName: {GROUP}\n"
    account += f"    accountName: {NAME}\n" + ("    existing: true\n" if existing else "    location: eastus\n")
    (project / "stacks").mkdir()
    (project / "stacks" / "mine.yaml").write_text(f"speechAccounts:\n{account}projects:\n  - id: voices\nvoices: []\n")


def test_a_stack_with_accounts_is_checked_through_arm_not_through_a_config_endpoint(arm, tmp_path):
    write_catalog(tmp_path, existing=False)
    catalog_result, catalog = check_catalog("mine", tmp_path)
    assert catalog is not None

    results = _diagnose_accounts("mine", config(httpRetries="0"), {}, catalog_result, catalog)

    assert [(r.status.value, r.check) for r in results] == [
        ("ok", "stack config"),
        ("ok", "catalog"),
        ("ok", "ARM access of account voices"),
        ("ok", "soft delete of account voices"),
        ("ok", "subdomain of account voices"),
        ("skip", "Speech resource"),
        ("ok", "prompt audio"),
    ]
    assert not [request for request in arm.arm_requests() if request[0] in WRITES]


def test_a_stack_with_accounts_and_a_config_endpoint_checks_no_account(arm, tmp_path):
    write_catalog(tmp_path, existing=False)
    catalog_result, catalog = check_catalog("mine", tmp_path)
    assert catalog is not None
    stack_config = config(speechEndpoint="https://contoso.cognitiveservices.azure.com")

    results = _diagnose_accounts("mine", stack_config, {}, catalog_result, catalog)

    assert [(r.status.value, r.check) for r in results][:3] == [
        ("FAIL", "stack config"),
        ("ok", "catalog"),
        ("skip", "Speech accounts"),
    ]
    assert results[2].found == "not checked: stack config failed"
    assert arm.arm_requests() == []


def test_over_https_with_the_ca_bundle_from_stack_config(monkeypatch, tmp_path):
    backend = CustomVoiceBackend()
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    refuse_all_but_loopback(monkeypatch)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    write_catalog(tmp_path, existing=True)
    catalog = load_catalog(tmp_path / "stacks" / "mine.yaml", tmp_path)
    with EmulatorServer(backend) as custom_voice:
        accounts = AccountsService(Endpoints.single(custom_voice.url))
        with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as server:
            use_managed_identity(monkeypatch, f"{custom_voice.url}{TOKEN_PATH}", header)
            accounts.put(KEY, {"location": "westeurope", "kind": "SpeechServices", "sku": {"name": "S0"}})
            trusted = check_account_config(
                config(armEndpoint=server.url, armCaBundle=str(ca_file), httpRetries="0"), {}, "mine"
            )
            untrusted = check_account_config(config(armEndpoint=server.url, httpRetries="0"), {}, "mine")
            assert trusted.settings is not None and untrusted.settings is not None
            endpoint = f"{custom_voice.url}/"
            good = check_accounts(catalog.accounts, trusted.settings, "key", "mine")
            [refused] = check_accounts(catalog.accounts, untrusted.settings, "key", "mine")

    assert {result.status.value for result in good} == {"ok"}, [result.line() for result in good]
    assert good[0].found.startswith(f"read {accounts.get(KEY)['id']} (Succeeded), endpoint {endpoint}")
    assert refused.status.value == "FAIL" and "CERTIFICATE_VERIFY_FAILED" in refused.found
    assert refused.todo.startswith("check config armEndpoint (and armCaBundle, for the emulator)")
