"""The Speech resources in the stack, through the real CLI against the emulator's ARM front over
HTTPS: two accounts in two regions with a voice in each, their keys read from ARM at each run
(none in config or state), a key rotation that replaces nothing, a catalog that drops an
account refused at preview naming its voices, and an account destroyed and restored."""

import copy
import json
from typing import Any

import pytest

from tests.e2e.catalogs import CATALOG
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
GROUP = "voices-rg"
REGIONS = {"americas": "eastus", "europe": "westeurope"}


def account_entry(name: str, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "subscriptionId": SUBSCRIPTION,
        "resourceGroupName": GROUP,
        "accountName": f"contoso-{name}",
        "location": REGIONS[name],
        **more,
    }


def arm_id(name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.CognitiveServices/accounts/contoso-{name}"


def catalog_in(names: tuple[str, ...], **account_fields: Any) -> dict[str, Any]:
    """The e2e catalog's project, consent and first voice once per account, named after it."""
    consent, voice = CATALOG["consents"][0], CATALOG["voices"][0]
    return {
        "speechAccounts": [account_entry(name, **account_fields) for name in names],
        "projects": [{"id": f"{name}-voices", "account": name} for name in names],
        "consents": [{**consent, "id": f"{name}-consent", "projectId": f"{name}-voices"} for name in names],
        "voices": [
            {
                **copy.deepcopy(voice),
                "id": f"{name}Voice",
                "name": name,
                "projectId": f"{name}-voices",
                "consentId": f"{name}-consent",
            }
            for name in names
        ],
    }


def voices_by_endpoint(project: Project) -> dict[str, set[str]]:
    outputs = project.outputs()["voices"]
    return {voice["endpoint"]: set() for voice in outputs.values()} | {
        voice["endpoint"]: {voice_id for voice_id, other in outputs.items() if other["endpoint"] == voice["endpoint"]}
        for voice in outputs.values()
    }


def state_resources(project: Project) -> list[dict[str, Any]]:
    return json.loads(project.pulumi("stack", "export").stdout)["deployment"].get("resources", [])


@pytest.mark.parametrize("project", ["account"], indirect=True)
def test_two_accounts_in_two_regions_with_keys_from_arm_only(project: Project) -> None:
    project.write_catalog(catalog_in(("americas", "europe")))

    project.pulumi("up", "--yes")

    voices = project.outputs()["voices"]
    assert {voice_id: (v["account"], v["region"], v["accountId"]) for voice_id, v in voices.items()} == {
        "americasVoice": ("americas", "eastus", arm_id("americas")),
        "europeVoice": ("europe", "westeurope", arm_id("europe")),
    }
    endpoints = {name: project.accounts.get(_key(name))["properties"]["endpoint"].rstrip("/") for name in REGIONS}
    assert endpoints["americas"] != endpoints["europe"]
    assert {voices[f"{name}Voice"]["endpoint"] for name in REGIONS} == set(endpoints.values())
    # Each voice lives in its own account's service, and nowhere else.
    held = {backend_voices for backend_voices in _voices_per_account(project)}
    assert held == {frozenset({"americasVoice"}), frozenset({"europeVoice"})}
    config = project.pulumi("config", "--json").stdout
    assert "speechKey" not in config and "speechEndpoint" not in config
    # The project, consent and voice hold the account's ARM id, never its key (the fixture's
    # scan at the end looks for every key the accounts were given in all the CLI printed,
    # the exported state and the request logs).
    held_ids = {
        r["outputs"].get("speechAccountId") for r in state_resources(project) if "voiceId" in r.get("outputs", {})
    }
    assert held_ids == {arm_id("americas"), arm_id("europe")}


def _key(name: str) -> Any:
    from emulator.arm.models import AccountKey

    return AccountKey(SUBSCRIPTION, GROUP, f"contoso-{name}")


def _voices_per_account(project: Project) -> list[frozenset[str]]:
    return [
        frozenset(voice["id"] for voice in backend.list_personal_voices())
        for backend in project.account_backends()
        if backend.list_personal_voices()
    ]


@pytest.mark.parametrize("project", ["account"], indirect=True)
def test_a_rotated_key_replaces_nothing_and_a_destroyed_account_comes_back_with_restore(project: Project) -> None:
    project.write_catalog(catalog_in(("americas",), protect=False))
    project.pulumi("up", "--yes")
    before = project.outputs()["voices"]["americasVoice"]
    account = project.accounts.get(_key("americas"))

    rotated = project.script("rotate-speech-key", "--stack", project.stack, "--account", "americas", "key1")
    assert rotated.returncode == 0, rotated.stderr
    # The refresh reads every resource with the new key (the old one is refused at once) and
    # nothing changes: the same speakerProfileId, no replace.
    project.pulumi("up", "--yes", "--expect-no-changes")
    assert project.outputs()["voices"]["americasVoice"]["speakerProfileId"] == before["speakerProfileId"]

    project.env["PV_ALLOW_VOICE_DELETES"] = "1"
    project.pulumi("destroy", "--yes")
    del project.env["PV_ALLOW_VOICE_DELETES"]
    assert [deleted["name"] for deleted in project.accounts.list_deleted(SUBSCRIPTION)] == ["contoso-americas"]

    refused = project.pulumi("up", "--yes", check=False)
    said = f"{refused.stdout}\n{refused.stderr}"
    assert refused.returncode != 0
    assert "Speech account 'contoso-americas' (resource group 'voices-rg') was deleted and Azure keeps it" in said
    assert "set restore: true to get it back" in said

    project.write_catalog(catalog_in(("americas",), protect=False, restore=True))
    project.pulumi("up", "--yes")
    restored = project.accounts.get(_key("americas"))
    assert (restored["id"], restored["properties"]["endpoint"]) == (account["id"], account["properties"]["endpoint"])
    assert project.outputs()["voices"]["americasVoice"]["accountId"] == arm_id("americas")
    assert project.accounts.list_deleted(SUBSCRIPTION) == []
