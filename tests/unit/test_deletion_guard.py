"""How many of the stack's voices one run may delete, which voices and Speech accounts the
stack's state holds (as the engine's `pulumi:pulumi:readStackResourceOutputs` answers), and
which accounts a run ends with the voices in them."""

from typing import Any

import pytest
from azure.mgmt.cognitiveservices.models import Account

from catalog.deletion_guard import (
    ACCOUNT_TYPE,
    VOICE_TYPE,
    StateUnreadable,
    account_refusal,
    deletion_refusal,
    stack_state,
    why_ended,
)
from catalog.environment import Environment
from provider.accounts.inputs import normalise
from provider.speech_account import outputs_of

HELD = {"a", "b", "c", "d"}
STACK = "urn:pulumi:dev::personal-voice"


def environment(**changes) -> Environment:
    return Environment(endpoint="http://127.0.0.1:8765", **changes)


@pytest.mark.parametrize(
    ("declared", "share", "refused"),
    [
        (HELD, 0.5, False),  # nothing goes
        ({"a", "b", "c"}, 0.5, False),  # 1 of 4
        ({"a", "b"}, 0.5, False),  # 2 of 4: half is allowed
        ({"a"}, 0.5, True),  # 3 of 4
        ({"a"}, 0.75, False),
        ({"x"}, 1.0, True),  # all of them go: refused whatever the share
        ({"a", "b", "c"}, 0.0, True),  # a share of 0 refuses any delete
    ],
)
def test_a_run_may_delete_up_to_the_configured_share_and_never_all(declared, share, refused):
    assert (deletion_refusal(HELD, declared, environment(max_delete_share=share)) is not None) is refused


def test_the_refusal_lists_the_voices_and_says_how_to_allow_it():
    refusal = deletion_refusal(HELD, set(), environment())
    assert refusal is not None
    assert "delete 4 of the stack's 4 voices (all of them): a, b, c, d" in refusal
    assert "PV_ALLOW_VOICE_DELETES=1" in refusal and "maxVoiceDeleteShare" in refusal


def test_a_new_stack_deletes_freely():
    assert deletion_refusal(set(), set(), environment()) is None


def voice(name: str, **outputs) -> tuple[str, dict]:
    return f"{STACK}::{VOICE_TYPE}::{name}", {"type": VOICE_TYPE, "outputs": outputs}


def answer(*resources: tuple[str, dict]) -> dict:
    return {"name": "organization/personal-voice/dev", "outputs": dict(resources)}


def voices_in_state(held: Any) -> set[str]:
    return stack_state(held).voice_ids()


def test_the_voices_in_state_are_known_by_their_voice_id_whatever_their_resource_name():
    held = answer(
        voice("jessica", voiceId="JessicaVoice", audios={"containerUrl": "https://a/c?sig=secret"}),
        voice("MarkVoice", voiceId="MarkVoice"),
        (f"{STACK}::pulumi-python:dynamic/customvoice:Consent::MarkVoice", {"type": "x", "outputs": {}}),
        (
            f"{STACK}::pulumi-python:dynamic/customvoice:Consent::jessica-consent",
            {"type": "pulumi-python:dynamic/customvoice:Consent", "outputs": {"consentId": "jessica-consent"}},
        ),
        (f"{STACK}::pulumi:pulumi:Stack::personal-voice-dev", {"type": "pulumi:pulumi:Stack", "outputs": {}}),
    )
    assert voices_in_state(held) == {"JessicaVoice", "MarkVoice"}


@pytest.mark.parametrize("outputs", [{}, {"voiceId": ""}, {"voiceId": 7}])
def test_a_voice_without_a_voice_id_output_counts_by_its_resource_name(outputs):
    assert voices_in_state(answer(voice("jessica", **outputs))) == {"jessica"}


@pytest.mark.parametrize("outputs", [None, [], "JessicaVoice"])
def test_a_voice_whose_outputs_are_not_a_map_counts_by_its_resource_name(outputs):
    urn = f"{STACK}::{VOICE_TYPE}::jessica"
    assert voices_in_state(answer((urn, {"type": VOICE_TYPE, "outputs": outputs}))) == {"jessica"}


def test_a_resource_name_is_all_of_the_urn_after_the_type():
    assert voices_in_state(answer(voice("team::jessica"))) == {"team::jessica"}


def test_a_stack_that_never_ran_holds_no_voices():
    assert voices_in_state({"name": "organization/personal-voice/dev", "outputs": {}}) == set()


@pytest.mark.parametrize("malformed", [None, {}, {"outputs": None}, {"outputs": []}, [], "outputs"])
def test_an_answer_that_does_not_say_what_the_stack_holds_is_unreadable(malformed):
    with pytest.raises(StateUnreadable, match="readStackResourceOutputs gave no resources"):
        voices_in_state(malformed)


# -- Speech accounts -------------------------------------------------------------------------

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
# As the catalog declares the account: the SpeechAccount's inputs in their prop spelling.
DECLARED = {
    "subscriptionId": SUBSCRIPTION,
    "resourceGroupName": "voices-rg",
    "accountName": "contoso-voices",
    "location": "westeurope",
}


def arm_id(account_name: str = "contoso-voices") -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.CognitiveServices/"
        f"accounts/{account_name}"
    )


def account(name: str = "main", **declared: Any) -> tuple[str, dict]:
    """The account as its provider's outputs keep it in state: made from the declared inputs
    and ARM's answer by `outputs_of`."""
    props, _ = normalise({**DECLARED, **declared})
    answered = Account.deserialize(
        {
            "id": arm_id(props["accountName"]),
            "location": props.get("location", "westeurope"),
            "kind": props.get("kind", "SpeechServices"),
            "sku": {"name": "S0"},
            "properties": {
                "endpoint": f"https://{props.get('customSubDomainName', 'x')}.cognitiveservices.azure.com/",
                "customSubDomainName": props.get("customSubDomainName", props["accountName"]),
                "provisioningState": "Succeeded",
            },
        }
    )
    return f"{STACK}::{ACCOUNT_TYPE}::{name}", {"type": ACCOUNT_TYPE, "outputs": outputs_of(props, answered)}


def in_account(name: str, voice_id: str, account_name: str = "contoso-voices") -> tuple[str, dict]:
    return voice(name, voiceId=voice_id, speechAccountId=arm_id(account_name))


def stack_with_voices(*accounts: tuple[str, dict]) -> Any:
    return stack_state(
        answer(
            *accounts,
            in_account("jessica", "JessicaVoice"),
            in_account("mark", "MarkVoice"),
            voice("elsewhere", voiceId="ElsewhereVoice"),  # in no account of the stack (config endpoint)
        )
    )


def held_account(state: Any) -> Any:
    (found,) = state.accounts
    return found


def test_the_accounts_in_state_are_read_by_their_resource_name_with_their_outputs():
    state = stack_with_voices(account("main"))
    assert held_account(state).name == "main"
    assert held_account(state).outputs["armId"] == arm_id()
    assert state.voice_ids() == {"JessicaVoice", "MarkVoice", "ElsewhereVoice"}


def test_an_account_declared_as_it_is_held_is_not_ended_even_spelled_otherwise():
    state = stack_with_voices(account("main"))
    assert why_ended(held_account(state), {"main": DECLARED}) is None
    # ARM's spelling of a region and letter case of names: the same account.
    other_spelling = {**DECLARED, "location": "West Europe", "resourceGroupName": "Voices-RG"}
    assert why_ended(held_account(state), {"main": other_spelling}) is None
    # Fields PATCH changes in place end nothing.
    patched = {**DECLARED, "tags": {"team": "voices"}, "publicNetworkAccess": "Disabled", "disableLocalAuth": True}
    assert why_ended(held_account(state), {"main": patched}) is None
    assert account_refusal(state, {"main": patched}) is None


def test_a_dropped_account_holding_voices_is_refused_naming_it_and_every_voice_in_it():
    state = stack_with_voices(account("main"))
    assert why_ended(held_account(state), {}) == "dropped"
    assert account_refusal(state, {}) == (
        "this run would end a Speech account and every project, consent and voice in it: 'main' (accountName "
        "'contoso-voices', dropped): voices JessicaVoice, MarkVoice. Their speakerProfileIds would end for good, "
        "whatever maxVoiceDeleteShare allows. If that is meant, run it once with PV_ALLOW_VOICE_DELETES=1; even "
        "then Pulumi's protect, every account's default, stops the delete until the catalog sets protect: false "
        "for it"
    )


@pytest.mark.parametrize(
    ("declared", "why"),
    [
        ({"location": "eastus"}, "location 'westeurope' -> 'eastus'"),
        ({"customSubDomainName": "contoso"}, "customSubDomainName 'contoso-voices' -> 'contoso'"),
        ({"kind": "AIServices"}, "kind 'SpeechServices' -> 'AIServices'"),
        # The subdomain, undeclared, is the name: it changes with it.
        (
            {"accountName": "contoso-voices-2"},
            (
                "accountName 'contoso-voices' -> 'contoso-voices-2', "
                "customSubDomainName 'contoso-voices' -> 'contoso-voices-2'"
            ),
        ),
        (
            {"location": "eastus", "customSubDomainName": "contoso"},
            "location 'westeurope' -> 'eastus', customSubDomainName 'contoso-voices' -> 'contoso'",
        ),
    ],
)
def test_an_account_declared_with_a_field_that_replaces_it_is_ended_naming_the_change(declared, why):
    state = stack_with_voices(account("main"))
    assert why_ended(held_account(state), {"main": {**DECLARED, **declared}}) == why
    refusal = account_refusal(state, {"main": {**DECLARED, **declared}})
    assert refusal is not None and f"'main' (accountName 'contoso-voices', {why}): voices JessicaVoice, MarkVoice" in (
        refusal
    )


def test_the_default_subdomain_follows_the_account_name():
    """customSubDomainName undeclared is the accountName (normalise's default): a held account
    whose subdomain is another is replaced by a declaration that leaves it out."""
    state = stack_with_voices(account("main", customSubDomainName="contoso"))
    assert why_ended(held_account(state), {"main": {**DECLARED, "customSubDomainName": "contoso"}}) is None
    assert why_ended(held_account(state), {"main": DECLARED}) == "customSubDomainName 'contoso' -> 'contoso-voices'"


def test_an_account_renamed_in_the_catalog_is_ended_and_the_refusal_says_why():
    state = stack_with_voices(account("main"))
    why = why_ended(held_account(state), {"voices": DECLARED})
    assert why == "dropped, and declared again as 'voices', which adopts it before the delete of 'main' ends it"
    assert account_refusal(state, {"voices": DECLARED}) is not None
    # Another account under the new name is only a new account: the old one is dropped.
    assert why_ended(held_account(state), {"voices": {**DECLARED, "accountName": "other"}}) == "dropped"


@pytest.mark.parametrize(
    "declared",
    [
        {},  # the reference dropped: its delete leaves the account in Azure
        {"main": {**DECLARED, "existing": True, "location": None}},
        {"main": {**DECLARED, "existing": True, "accountName": "other"}},  # another reference
        {"main": {**DECLARED, "location": "eastus"}},  # taken over, elsewhere: the old reference stays
    ],
)
def test_a_reference_held_in_state_is_never_ended(declared):
    state = stack_with_voices(account("main", existing=True))
    assert held_account(state).outputs["existing"] is True
    assert why_ended(held_account(state), declared) is None
    assert account_refusal(state, declared) is None


def test_an_owned_account_made_a_reference_is_ended_only_by_another_name():
    state = stack_with_voices(account("main"))
    reference = {**DECLARED, "existing": True}
    # A reference compares its undeclared fields with the account; only its names replace it.
    assert why_ended(held_account(state), {"main": {**reference, "location": "eastus"}}) is None
    assert why_ended(held_account(state), {"main": {**reference, "accountName": "other"}}) == (
        "accountName 'contoso-voices' -> 'other'"
    )


def test_an_account_holding_no_voice_is_not_the_guards_business():
    state = stack_state(answer(account("main"), voice("elsewhere", voiceId="ElsewhereVoice")))
    assert why_ended(held_account(state), {}) == "dropped"
    assert account_refusal(state, {}) is None


def test_only_the_voices_in_the_ended_account_are_named_and_arm_ids_match_whatever_their_case():
    state = stack_state(
        answer(
            account("main"),
            account("second", accountName="contoso-voices-2", location="eastus"),
            in_account("jessica", "JessicaVoice"),
            voice("mark", voiceId="MarkVoice", speechAccountId=arm_id().upper()),
            in_account("lisa", "LisaVoice", account_name="contoso-voices-2"),
            voice("nameless", speechAccountId=arm_id("contoso-voices-2")),
        )
    )
    second = {**DECLARED, "accountName": "contoso-voices-2", "location": "eastus"}
    refusal = account_refusal(state, {"main": DECLARED, "second": {**second, "location": "westus"}})
    assert refusal is not None
    assert refusal.startswith(
        "this run would end a Speech account and every project, consent and voice in it: 'second' (accountName "
        "'contoso-voices-2', location 'eastus' -> 'westus'): voices LisaVoice, nameless. "
    )
    both = account_refusal(state, {})
    assert both is not None and both.startswith(
        "this run would end 2 Speech accounts and every project, consent and voice in them: 'main' (accountName "
        "'contoso-voices', dropped): voices JessicaVoice, MarkVoice; 'second' (accountName 'contoso-voices-2', "
        "dropped): voices LisaVoice, nameless. "
    )


@pytest.mark.parametrize("arm_id_output", [None, "", 7])
def test_an_account_without_an_arm_id_holds_nothing(arm_id_output):
    urn, held = account("main")
    held["outputs"]["armId"] = arm_id_output
    state = stack_state(answer((urn, held), voice("blank", voiceId="BlankVoice", speechAccountId=arm_id_output)))
    assert account_refusal(state, {}) is None
