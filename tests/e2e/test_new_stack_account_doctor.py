"""A stack whose catalog holds its Speech account, as a new user makes one: `scripts/new-stack`
with an account referred to by ARM id, or one the stack creates, against the emulator's ARM
front over HTTPS (its certificate trusted through config armCaBundle only); then
`scripts/doctor` checks each account through ARM, and no key is shown anywhere."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from tests.e2e.conftest import Project
from tests.e2e.test_new_stack_doctor import as_a_new_user, doctor, found, statuses
from tests.identity import managed_identity_env

pytestmark = pytest.mark.e2e

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
GROUP = "voices-rg"
REFERENCED = AccountKey(SUBSCRIPTION, GROUP, "contoso-voices")
DELETED = AccountKey(SUBSCRIPTION, GROUP, "gone-voices")


def arm_id(key: AccountKey) -> str:
    return (
        f"/subscriptions/{key.subscription_id}/resourceGroups/{key.resource_group}"
        f"/providers/Microsoft.CognitiveServices/accounts/{key.name}"
    )


@pytest.fixture
def arm(project: Project, tmp_path: Path) -> Iterator[tuple[AccountsService, str, Path]]:
    """The ARM front over HTTPS beside the project's emulator, and an identity that may manage
    accounts and voices; the accounts' keys are among the secrets the project scans for."""
    header = project.backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    project.env = managed_identity_env(project.env, f"{project.server.url}{TOKEN_PATH}", header)
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    accounts = AccountsService(Endpoints.single(project.server.url))
    with EmulatorServer(project.backend, accounts=accounts, tls=certificate.server_context()) as server:
        yield accounts, server.url, ca_file


def test_new_stack_with_an_account_then_the_doctor_checks_it_through_arm(project: Project, tmp_path: Path, arm):
    accounts, arm_url, ca_file = arm
    body = {"location": "westeurope", "kind": "SpeechServices", "sku": {"name": "S0"}}
    accounts.put(REFERENCED, {**body, "properties": {"customSubDomainName": REFERENCED.name}})
    accounts.put(DELETED, {**body, "properties": {"customSubDomainName": DELETED.name}})
    accounts.delete(DELETED)
    for n, key in enumerate([*accounts.list_keys(REFERENCED).values()]):
        project.own_secrets[f"account key {n}"] = key
    as_a_new_user(project, tmp_path / "home")
    state = f"file://{tmp_path / 'my-state'}"
    arm_flags = ["--arm-endpoint", arm_url, "--arm-ca-bundle", str(ca_file), "--backend", state]

    made = project.script("new-stack", "mine", "--auth", "key", "--account-id", arm_id(REFERENCED), *arm_flags)

    assert made.returncode == 0, made.stderr
    assert "Speech account contoso-voices, and nothing in it" in made.stdout
    config = json.loads(project.pulumi("config", "--json", "--show-secrets", "--stack", "mine").stdout)
    assert {key.removeprefix("personal-voice:"): entry["value"] for key, entry in config.items()} == {
        "apiVersion": "2026-01-01",
        "authentication": "key",
        "armEndpoint": arm_url,
        "armCaBundle": str(ca_file),
    }
    status, checks = doctor(project, "mine")
    assert status == 0, checks
    assert [(s, c) for s, c, _ in checks] == [
        ("ok", "stack config"),
        ("ok", "catalog"),
        *[
            ("ok", f"{check} of account contoso-voices")
            for check in ("ARM access", "region", "SKU", "kind", "as declared", "local auth")
        ],
        ("skip", "Speech resource"),
        ("ok", "prompt audio"),
    ]
    assert found(checks, "ARM access of account contoso-voices").startswith(f"read {arm_id(REFERENCED)} (Succeeded)")
    assert found(checks, "local auth of account contoso-voices").startswith("local auth is on and listKeys works")

    # An account the stack would create, under the name of one just deleted (soft-deleted, kept 48 hours).
    created = ["--account-subscription", SUBSCRIPTION, "--account-group", GROUP, "--account-name", DELETED.name]
    made = project.script("new-stack", "fresh", "--auth", "entra", *created, "--location", "westeurope", *arm_flags)
    assert made.returncode == 0, made.stderr
    status, checks = doctor(project, "fresh")
    assert status == 1
    account = statuses(checks)
    assert account["ARM access of account gone-voices"] == "ok"
    assert (account["soft delete of account gone-voices"], account["subdomain of account gone-voices"]) == (
        "FAIL",
        "FAIL",
    )
    assert "the first `pulumi up` cannot create one of the same name (FlagMustBeSetForRestore)" in found(
        checks, "soft delete of account gone-voices"
    )
    assert [a["name"] for a in accounts.list_accounts(SUBSCRIPTION)] == [REFERENCED.name]  # the doctor made nothing
