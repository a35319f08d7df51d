"""The review of a change to the stack's Speech account: named with its resource name,
accountName and region, and, when it is replaced or deleted, every project, consent and voice
in it listed with the speakerProfileIds that end.

No CLI preview of a stack with an account is saved yet (the catalog does not declare accounts
yet), so these previews are the real ones of `data/preview/` (pinned CLI 3.260.0) with a
SpeechAccount added in the shapes the CLI prints for any dynamic resource: a refresh step and
its own step, its state's inputs and outputs as the provider makes them (`normalise`,
`outputs_of`; `__provider` secret), and, as the contract of issue 22 has it, every project,
consent and voice in it carrying `speechAccountId` (its armId) in inputs and outputs and
depending on it.
"""

import copy
from typing import Any

import pytest
from azure.mgmt.cognitiveservices.models import Account

from provider.accounts.inputs import normalise
from provider.speech_account import outputs_of
from review.fields import UNKNOWN
from tests.review_tables import first_line, rows
from tests.unit.test_review import PROJECT, STACK_URN, preview, profile, reviewed, without_profiles

ACCOUNT_TYPE = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"
ACCOUNT_URN = f"urn:pulumi:e2e::personal-voice::{ACCOUNT_TYPE}::main"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
DECLARED = {
    "subscriptionId": SUBSCRIPTION,
    "resourceGroupName": "voices-rg",
    "accountName": "contoso-voices",
    "location": "westeurope",
}
IN_ACCOUNTS = ("customvoice:Project", "customvoice:Consent", "customvoice:PersonalVoice")
VOICES = ("JessicaVoice", "LisaVoice", "MarkVoice")


def arm_id(account_name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.CognitiveServices/accounts/{account_name}"


def account_state(urn: str = ACCOUNT_URN, **declared: Any) -> dict[str, Any]:
    props, problems = normalise({**DECLARED, **declared})
    assert problems == []
    answered = Account.deserialize(
        {
            "id": arm_id(props["accountName"]),
            "location": props["location"],
            "kind": props["kind"],
            "sku": {"name": props["sku"]},
            "tags": props["tags"],
            "properties": {
                "endpoint": f"https://{props['customSubDomainName']}.cognitiveservices.azure.com/",
                "customSubDomainName": props["customSubDomainName"],
                "provisioningState": "Succeeded",
            },
        }
    )
    return {
        "urn": urn,
        "custom": True,
        "id": arm_id(props["accountName"]),
        "type": ACCOUNT_TYPE,
        "inputs": {"__provider": "[secret]", **props},
        "outputs": {"__provider": "[secret]", **outputs_of(props, answered)},
        "parent": STACK_URN,
        "protect": True,
    }


def in_the_account(document: dict[str, Any], account_name: str = "contoso-voices", only: str = "") -> None:
    """Every project, consent and voice (whose URN ends with `only`) names the account."""
    for step in document["steps"]:
        if not any(kind in step["urn"] for kind in IN_ACCOUNTS) or not step["urn"].endswith(only):
            continue
        for state in (step.get("oldState"), step.get("newState")):
            if state:
                for values in (state["inputs"], state.get("outputs")):
                    if values is not None:  # a planned state has no outputs
                        values["speechAccountId"] = arm_id(account_name)
                if state is step.get("oldState"):
                    state["dependencies"] = [*state.get("dependencies", []), ACCOUNT_URN.replace("main", account_name)]


def with_account(base: str, op: str, **declared: Any) -> dict[str, Any]:
    """The preview `base` of a stack holding the account, whose own step is `op` (`declared`:
    what the catalog declares now)."""
    document = preview(base)
    in_the_account(document)
    old = account_state()
    new = account_state(**declared)
    steps: list[dict[str, Any]] = [{"op": "refresh", "urn": ACCOUNT_URN, "oldState": old, "newState": old}]
    if op == "same":
        steps.append({"op": "same", "urn": ACCOUNT_URN, "oldState": old, "newState": new})
        document["changeSummary"]["same"] = document["changeSummary"].get("same", 0) + 1
    elif op == "delete":
        steps.append({"op": "delete", "urn": ACCOUNT_URN, "oldState": old})
    elif op == "replace-steps":
        reasons = [name for name in ("location", "customSubDomainName") if old["inputs"][name] != new["inputs"][name]]
        for step_op in ("create-replacement", "replace", "delete-replaced"):
            steps.append(
                {"op": step_op, "urn": ACCOUNT_URN, "oldState": old, "newState": new, "replaceReasons": reasons}
            )
    else:
        reasons = [name for name in ("location", "customSubDomainName") if old["inputs"][name] != new["inputs"][name]]
        steps.append({"op": op, "urn": ACCOUNT_URN, "oldState": old, "newState": new, "replaceReasons": reasons})
    document["steps"] = steps[:1] + document["steps"] + steps[1:]
    return document


def members_replaced(document: dict[str, Any], *, own_change: bool = True) -> dict[str, Any]:
    """As the engine shows the account's members when it is replaced (`own_change`): its
    endpoint and armId known only at `up`, and `endpoint` replaces each of them."""
    for step in document["steps"]:
        if step["op"] == "same" and any(kind in step["urn"] for kind in IN_ACCOUNTS):
            step["op"] = "replace"
            document["changeSummary"]["same"] -= 1
            document["changeSummary"]["replace"] = document["changeSummary"].get("replace", 0) + 1
            if own_change:
                step["newState"]["inputs"].update(endpoint=UNKNOWN, speechAccountId=UNKNOWN)
                step["replaceReasons"] = ["endpoint", "speechAccountId"]
    return document


def ends_each_voice(kind: str) -> str:
    return ", ".join(f"`{voice}` (speakerProfileId `{profile(kind, voice)}`)" for voice in VOICES)


EVERYTHING_IN_IT = f"projects `{PROJECT}`; consents `jessica-consent`; voices "


def test_an_account_replaced_is_named_with_its_region_and_lists_every_speaker_profile_id_it_ends():
    status, text, _ = reviewed(members_replaced(with_account("no-change", "replace", location="eastus")))
    assert status == 0
    assert first_line(text) == (
        "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced, 1 Speech account replaced"
    )
    account = rows(text)["Speech accounts"]["contoso-voices"]
    assert (account.change, account.id_cell) == ("replace", "`contoso-voices` (protected)")
    assert account.what == "`location`: `westeurope` -> `eastus`"
    assert account.consequence == (
        "a new account is made; the old one is deleted in Azure (`main`, region `westeurope`) with every project, "
        f"consent and voice in it: {EVERYTHING_IN_IT}{ends_each_voice('no-change')}"
    )
    for voice in VOICES:
        assert rows(text)["Voices"][voice].consequence.startswith(
            f"ends speakerProfileId `{profile('no-change', voice)}`"
        )


def test_the_accounts_table_comes_after_the_projects():
    text = reviewed(members_replaced(with_account("no-change", "replace", location="eastus")))[1]
    assert list(rows(text)) == ["Voices", "Consents", "Projects", "Speech accounts"]


def test_replacement_steps_listed_or_not_give_the_same_review_of_an_account():
    plain = reviewed(members_replaced(with_account("no-change", "replace", customSubDomainName="contoso")))[1]
    steps = reviewed(members_replaced(with_account("no-change", "replace-steps", customSubDomainName="contoso")))[1]
    assert steps == plain
    assert rows(plain)["Speech accounts"]["contoso-voices"].what == (
        "`customSubDomainName`: `contoso-voices` -> `contoso`"
    )


def test_an_account_deleted_with_its_projects_lists_what_goes_with_it():
    text = reviewed(with_account("project-deleted", "delete"))[1]
    assert first_line(text) == (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, "
        "1 Speech account deleted, 1 prompt audio deleted"
    )
    account = rows(text)["Speech accounts"]["contoso-voices"]
    assert (account.change, account.what) == ("delete", "no longer in the catalog")
    assert account.consequence == (
        "deleted in Azure (`main`, region `westeurope`) with every project, consent and voice in it: "
        f"{EVERYTHING_IN_IT}{ends_each_voice('project-deleted')}"
    )


def test_resources_of_no_step_of_their_own_are_deleted_with_their_account():
    """The engine shows no step for what depends on nothing the change touches; Azure deletes
    it with the account all the same."""
    text = reviewed(with_account("no-change", "delete"))[1]
    assert first_line(text) == (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 Speech account deleted"
    )
    for voice in VOICES:
        row = rows(text)["Voices"][voice]
        assert (row.change, row.what) == (
            "delete",
            "no step of its own: deleted in Azure with Speech account contoso-voices",
        )
        assert row.consequence.startswith(f"ends speakerProfileId `{profile('no-change', voice)}`")
    assert rows(text)["Speech accounts"]["contoso-voices"].consequence.endswith(ends_each_voice("no-change"))
    assert rows(text)["Projects"][PROJECT].consequence == (
        "deleted in the service with everything in it: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    # They are no longer counted as unchanged; the storage is.
    assert "Unchanged (not listed): 1 blob container, 1 prompt audio." in text
    assert reviewed(with_account("no-change", "delete"), "--fail-on", "delete")[0] == 4


def test_resources_of_no_step_of_their_own_are_deleted_with_their_account_replaced_too():
    text = reviewed(with_account("no-change", "replace", location="eastus"))[1]
    assert first_line(text) == (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 Speech account replaced"
    )
    assert (
        rows(text)["Projects"][PROJECT].what
        == "no step of its own: deleted in Azure with Speech account contoso-voices"
    )


@pytest.mark.parametrize("account_steps_last", [False, True])
def test_what_is_replaced_with_its_account_alone_says_so_outermost_first(account_steps_last):
    document = members_replaced(with_account("no-change", "replace", location="eastus"), own_change=False)
    if account_steps_last:
        account_steps = [step for step in document["steps"] if step["urn"] == ACCOUNT_URN]
        document["steps"] = [step for step in document["steps"] if step["urn"] != ACCOUNT_URN] + account_steps
    found = rows(reviewed(document)[1])
    assert found["Projects"][PROJECT].what == "no change of its own: replaced with Speech account contoso-voices"
    assert found["Voices"]["MarkVoice"].what == (
        f"no change of its own: replaced with Speech account contoso-voices and project {PROJECT} "
        "and consent jessica-consent"
    )


def test_an_account_updated_in_place_ends_nothing_and_says_so():
    text = reviewed(with_account("no-change", "update", tags={"team": "voices"}, publicNetworkAccess="Disabled"))[1]
    assert first_line(text) == "no change to any voice; 1 Speech account updated in place"
    account = rows(text)["Speech accounts"]["contoso-voices"]
    assert account.what == "`publicNetworkAccess`: `Enabled` -> `Disabled`<br>`tags.team`: `(none)` -> `voices`"
    assert account.consequence == (
        "updated in place in Azure (`main`, region `westeurope`): no project, consent or voice in it ends"
    )
    assert set(rows(text)) == {"Speech accounts"}


def test_an_account_unchanged_is_counted_and_ends_nothing():
    text = reviewed(with_account("no-change", "same"))[1]
    assert first_line(text) == "no change to any voice; nothing else changes"
    assert rows(text) == {}
    assert "1 Speech account" in text.splitlines()[-1]


def test_a_new_account_is_made_in_its_region():
    document = preview("no-change")
    document["steps"].append({"op": "create", "urn": ACCOUNT_URN, "oldState": None, "newState": account_state()})
    account = rows(reviewed(document)[1])["Speech accounts"]["contoso-voices"]
    assert (account.change, account.consequence) == (
        "create",
        "a new Speech account in Azure (`main`, region `westeurope`)",
    )


def test_a_protected_account_blocks_the_change_and_everything_in_it_stays():
    document = with_account("no-change", "replace", location="eastus")
    said = f'unable to replace resource "{ACCOUNT_URN}"\nas it is currently marked for protection'
    document["diagnostics"] = [{"message": f"error: {said}\n", "severity": "error"}]
    status, text, _ = reviewed(document)
    assert status == 3
    assert (
        first_line(text) == "blocked: protected Speech account contoso-voices would be replaced, so `pulumi up` fails"
    )
    account = rows(text)["Speech accounts"]["contoso-voices"]
    assert account.change == "**blocked** replace"
    assert account.consequence == (
        "refused: it is protected, so `pulumi up` fails; every project, consent and voice in it stays"
    )
    assert "Voices" not in rows(text)  # a blocked account deletes nothing


def test_only_what_the_account_holds_goes_with_it():
    """Lisa lives in another account of the stack, which stays."""
    document = with_account("no-change", "delete")
    in_the_account(document, "contoso-voices-2", only="::lisa")
    second_urn = ACCOUNT_URN.replace("main", "contoso-voices-2")
    second = account_state(second_urn, accountName="contoso-voices-2", location="eastus")
    document["steps"] += [
        {"op": "refresh", "urn": second_urn, "oldState": second, "newState": second},
        {"op": "same", "urn": second_urn, "oldState": second, "newState": copy.deepcopy(second)},
    ]
    text = reviewed(document)[1]
    assert set(rows(text)["Voices"]) == {"JessicaVoice", "MarkVoice"}
    assert rows(text)["Speech accounts"]["contoso-voices"].consequence.endswith(
        ", ".join(f"`{v}` (speakerProfileId `{profile('no-change', v)}`)" for v in ("JessicaVoice", "MarkVoice"))
    )
    assert set(rows(text)["Speech accounts"]) == {"contoso-voices"}


@pytest.mark.parametrize("arm_id_case", [str.upper, str.lower])
def test_arm_ids_name_the_account_whatever_their_case(arm_id_case):
    document = with_account("no-change", "delete")
    for step in document["steps"]:
        for state in (step.get("oldState"), step.get("newState")):
            if state and "speechAccountId" in state.get("outputs", {}):
                state["outputs"]["speechAccountId"] = arm_id_case(state["outputs"]["speechAccountId"])
    assert set(rows(reviewed(document)[1])["Voices"]) == set(VOICES)


def test_an_account_that_holds_none_of_the_stacks_voices_says_so():
    document = preview("no-change")
    old = account_state()
    document["steps"] += [
        {"op": "refresh", "urn": ACCOUNT_URN, "oldState": old, "newState": old},
        {"op": "delete", "urn": ACCOUNT_URN, "oldState": old},
    ]
    text = reviewed(document)[1]
    assert first_line(text) == "no change to any voice; 1 Speech account deleted"
    assert rows(text)["Speech accounts"]["contoso-voices"].consequence.endswith(
        "projects none of the stack's; consents none of the stack's; voices none of the stack's"
    )


def test_no_secret_of_the_account_shows():
    document = members_replaced(with_account("no-change", "replace", location="eastus"))
    for step in document["steps"]:
        if step["urn"] == ACCOUNT_URN and step.get("newState"):
            step["newState"]["inputs"]["tags"] = {"note": "https://x.example/?sv=1&sig=TopSecretSignature"}
    _, text, err = reviewed(document)
    assert "TopSecretSignature" not in text + err
    assert "[secret]" not in rows(text)["Speech accounts"]["contoso-voices"].what


def test_a_voice_of_no_step_of_its_own_is_known_by_its_state():
    """Its speakerProfileId from its own state when the stack's outputs have none, and its
    resource name when its inputs do not show its id."""
    document = with_account("no-change", "delete")
    for step in document["steps"]:
        if step["urn"] == STACK_URN:
            for state in (step.get("oldState"), step.get("newState")):
                if state:
                    state.get("outputs", {}).pop("voices", None)
        if step["urn"].endswith("::mark"):
            for state in (step.get("oldState"), step.get("newState")):
                if state:
                    state["inputs"]["voiceId"] = "[secret]"
    voices = rows(reviewed(document)[1])["Voices"]
    assert set(voices) == {"JessicaVoice", "LisaVoice", "mark"}
    assert voices["JessicaVoice"].consequence.startswith(
        f"ends speakerProfileId `{profile('no-change', 'JessicaVoice')}`"
    )


def test_voices_whose_speaker_profile_id_is_not_shown_are_listed_by_id():
    document = without_profiles(with_account("project-deleted", "delete"))
    account = rows(reviewed(document)[1])["Speech accounts"]["contoso-voices"]
    assert account.consequence.endswith("voices `JessicaVoice`, `LisaVoice`, `MarkVoice`")


def test_an_account_whose_state_shows_no_region_is_named_without_one():
    document = with_account("project-deleted", "delete")
    for step in document["steps"]:
        if step["urn"] == ACCOUNT_URN:
            step["oldState"]["outputs"].pop("region", None)  # one state, in both steps
    account = rows(reviewed(document)[1])["Speech accounts"]["contoso-voices"]
    assert account.consequence.startswith("deleted in Azure (`main`) with every project, consent and voice in it: ")


def test_one_azure_account_held_under_two_names_is_named_twice():
    """Two resources adopted the same account (the second create found it as declared): a
    resource in it goes with both."""
    document = with_account("no-change", "delete")
    twin_urn = ACCOUNT_URN.replace("::main", "::twin")
    twin = account_state(twin_urn)
    document["steps"] += [
        {"op": "refresh", "urn": twin_urn, "oldState": twin, "newState": twin},
        {"op": "delete", "urn": twin_urn, "oldState": twin},
    ]
    assert rows(reviewed(document)[1])["Projects"][PROJECT].what == (
        "no step of its own: deleted in Azure with Speech account contoso-voices and Speech account contoso-voices"
    )
