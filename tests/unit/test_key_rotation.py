"""Key rotation (`provider.accounts.rotation`, behind scripts/rotate-speech-key) against the
emulator's ARM front: regenerateKey of the named key only, no key returned, the stack's resources
going on with the new key, and every wrong argument refused in one line before any request."""

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, READER
from provider.accounts.client import ArmError
from provider.accounts.rotation import ACCOUNT_TYPE, account_id_in_state, regenerate
from provider.accounts.settings import AccountSettings
from provider.errors import ConfigError
from provider.project import ProjectProvider
from provider.redaction import REDACTED, redact
from tests.unit.test_account_keys import ACCOUNT_ID, account, arm_calls, checked, configured, project
from tests.unit.test_speech_account import GROUP, KEY, NAME, Arm, start_arm


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    monkeypatch.delenv("AZURE_SPEECH_KEY", raising=False)
    yield from start_arm(monkeypatch, (COGNITIVE_SERVICES_CONTRIBUTOR,))


@pytest.mark.parametrize("key_name, other", [("key1", "key2"), ("Key2", "key1")])
def test_the_named_key_alone_is_regenerated_and_no_key_is_returned(arm, key_name, other):
    account(arm)
    before = arm.accounts.list_keys(KEY)

    rotated = regenerate(AccountSettings(), ACCOUNT_ID, key_name)

    after = arm.accounts.list_keys(KEY)
    assert after[key_name.lower()] != before[key_name.lower()] and after[other] == before[other]
    assert rotated.label() == f"speech account {NAME!r} (resource group {GROUP!r})"
    assert not any(key in repr(rotated) for key in (*before.values(), *after.values()))


def test_the_stacks_resources_go_on_with_the_new_key_and_nothing_in_them_changes(arm):
    account(arm)
    provider = configured(ProjectProvider())
    outputs = provider.create(checked(provider, project(projectId="first"))).outs or {}
    old_key = arm.accounts.list_keys(KEY)["key1"]

    regenerate(AccountSettings(), ACCOUNT_ID, "key1")

    read = provider.read("first", outputs).outs or {}
    assert read == outputs
    assert provider.diff("first", outputs, checked(provider, project(projectId="first"))).changes is False
    assert arm_calls(arm)[-2:] == [("GET", NAME), ("POST", "listKeys")]  # the old key refused, read again
    assert old_key not in arm.accounts.list_keys(KEY).values()


@pytest.mark.parametrize(
    "account_id, key_name, message",
    [
        (ACCOUNT_ID, "key3", "key name: 'key3' is not one of key1, key2"),
        (ACCOUNT_ID.replace("/accounts/", "/vaults/"), "key1", "account id: "),
        ("contoso-voices", "key1", "account id: 'contoso-voices' is not a Speech account's ARM id"),
    ],
)
def test_a_wrong_argument_is_refused_in_one_line_before_any_request(arm, account_id, key_name, message):
    with pytest.raises(ConfigError) as refused:
        regenerate(AccountSettings(), account_id, key_name)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert arm.arm_requests() == []


def test_an_account_that_does_not_exist_is_arms_one_line_error(arm):
    with pytest.raises(ArmError) as failed:
        regenerate(AccountSettings(), ACCOUNT_ID, "key1")
    assert str(failed.value).startswith(
        f"Regenerating key1 of speech account {NAME!r} (resource group {GROUP!r}) failed"
    )
    assert "(HTTP 404, code ResourceNotFound)" in str(failed.value)


def test_an_identity_that_may_only_read_cannot_rotate(monkeypatch):
    for arm in start_arm(monkeypatch, (READER,)):
        account(arm)
        before = arm.accounts.list_keys(KEY)
        with pytest.raises(ArmError, match=r"\(HTTP 403, code AuthorizationFailed\)"):
            regenerate(AccountSettings(), ACCOUNT_ID, "key1")
        assert arm.accounts.list_keys(KEY) == before


def state(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "deployment": {"resources": list(resources)}}


def speech_account(name: str, arm_id: str | None, type_: str = ACCOUNT_TYPE) -> dict[str, Any]:
    urn = f"urn:pulumi:dev::personal-voice::{type_}::{name}"
    return {"urn": urn, "type": type_, "outputs": {"armId": arm_id} if arm_id else {}}


def test_an_account_is_found_in_the_stacks_state_by_its_name():
    found = account_id_in_state(
        state(
            speech_account("westeurope", "/subscriptions/x/other"),
            speech_account("eastus", ACCOUNT_ID),
            speech_account("eastus-voices", "/elsewhere", "pulumi-python:dynamic/customvoice:Project"),
        ),
        "eastus",
    )
    assert found == ACCOUNT_ID


@pytest.mark.parametrize(
    "deployment",
    [
        state(),
        state(speech_account("westeurope", ACCOUNT_ID)),
        state(speech_account("eastus", None)),  # a create that never finished
        state(speech_account("eastus", ACCOUNT_ID, "pulumi-python:dynamic/customvoice:Project")),
        {},
    ],
)
def test_a_name_the_stack_has_no_account_of_is_refused_naming_those_it_has(deployment):
    with pytest.raises(ConfigError) as refused:
        account_id_in_state(deployment, "eastus")
    assert str(refused.value).startswith("account: the stack has no Speech account named 'eastus' (it has: ")


def test_the_keys_arm_answers_a_rotation_with_are_hidden_in_any_text_the_host_shows(arm):
    account(arm)

    regenerate(AccountSettings(), ACCOUNT_ID, "key2")

    keys = arm.accounts.list_keys(KEY)
    assert redact(f"{keys['key1']} {keys['key2']}") == f"{REDACTED} {REDACTED}"


@pytest.mark.parametrize(
    "deployment, named",
    [
        (state(), "none"),
        (state(speech_account("westeurope", ACCOUNT_ID), speech_account("asia", ACCOUNT_ID)), "asia, westeurope"),
    ],
)
def test_the_refusal_names_every_account_the_stack_has(deployment, named):
    with pytest.raises(ConfigError) as refused:
        account_id_in_state(deployment, "eastus")
    assert str(refused.value) == f"account: the stack has no Speech account named 'eastus' (it has: {named})"
