"""The deletion guard and the stack's Speech accounts through the real CLI: a preview that would
end an account (dropped, or renamed in the catalog) is refused naming it and every voice in it,
an in-place change of it is not, and PV_ALLOW_VOICE_DELETES=1 lets it go, its review naming the
account and every speakerProfileId that ends. The accounts are in the emulator's ARM front
(the project's mode "account")."""

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from emulator.arm.models import AccountKey
from review.cli import main
from tests.e2e.catalogs import CATALOG
from tests.e2e.conftest import Project
from tests.mermaid_check import mermaid_check
from tests.review_tables import drawn, first_line, rows

pytestmark = pytest.mark.e2e

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
DECLARED = {
    "subscriptionId": SUBSCRIPTION,
    "resourceGroupName": "voices-rg",
    "accountName": "contoso-voices",
    "location": "westeurope",
    # Unprotected, so that the run allowed below gets as far as its review.
    "protect": False,
}
SPARE = {**DECLARED, "accountName": "contoso-spare"}
IN_ARM = AccountKey(SUBSCRIPTION, "voices-rg", "contoso-voices")


def with_accounts(accounts: dict[str, dict[str, Any]], project_account: str | None = "main") -> dict[str, Any]:
    """The e2e catalog, its project in `project_account` of `accounts` (catalog name -> entry)."""
    return {
        "speechAccounts": [{"name": name, **entry} for name, entry in accounts.items()],
        **CATALOG,
        "projects": [{**project, "account": project_account} for project in CATALOG["projects"]]
        if project_account
        else [],
        **({} if project_account else {"consents": [], "voices": []}),
    }


def allowed(project: Project) -> Project:
    """The project, its runs started with PV_ALLOW_VOICE_DELETES=1 (the same transcript)."""
    return replace(project, env={**project.env, "PV_ALLOW_VOICE_DELETES": "1"})


REFUSED = (
    "stacks/e2e.yaml: speechAccounts: this run would end a Speech account and every project, consent and voice in "
    "it: 'main' (accountName 'contoso-voices', {why}): voices JessicaVoice, MarkVoice. Their speakerProfileIds "
    "would end for good, whatever maxVoiceDeleteShare allows. If that is meant, run it once with "
    "PV_ALLOW_VOICE_DELETES=1"
)


def refused(project: Project, why: str) -> None:
    project.clear_requests()
    preview = project.pulumi("preview", check=False)
    output = " ".join(f"{preview.stdout}\n{preview.stderr}".split())
    assert preview.returncode != 0, output
    assert REFUSED.format(why=why) in output
    assert "Traceback" not in output
    assert project.writes_seen() == []


@pytest.mark.parametrize("project", ["account"], indirect=True)
def test_a_preview_that_would_end_the_account_is_refused_naming_every_voice_in_it(
    project: Project, tmp_path: Path
) -> None:
    project.write_catalog(with_accounts({"main": DECLARED, "spare": SPARE}))
    project.pulumi("up", "--yes")
    accounts = project.accounts

    # The project moves to the other account, and this one is dropped.
    project.write_catalog(with_accounts({"spare": SPARE}, "spare"))
    refused(project, "dropped")
    project.write_catalog(with_accounts({"voices": DECLARED, "spare": SPARE}, "voices"))
    refused(project, "dropped, and declared again as 'voices', which adopts it before the delete of 'main' ends it")
    assert accounts.get(IN_ARM)["properties"]["provisioningState"] == "Succeeded"
    assert set(voices_in(project, "contoso-voices")) == {"JessicaVoice", "MarkVoice"}

    # Tags change in place: the voices stay, and the guard lets it be.
    project.write_catalog(with_accounts({"main": {**DECLARED, "tags": {"team": "voices"}}, "spare": SPARE}))
    project.pulumi("preview")
    # Allowed for one run: the guard reads nothing and the preview goes on, and its review
    # names the account and every voice that ends with it.
    project.write_catalog(with_accounts({"spare": SPARE}, None))
    preview = allowed(project).pulumi("preview", "--json", "--show-sames")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fail-on", "delete"], io.StringIO(preview.stdout), out, err) == 4
    text = out.getvalue()
    project.transcript.append(text)  # scanned for secrets with the rest
    profiles = {voice_id: voice["speakerProfileId"] for voice_id, voice in voices_in(project, "contoso-voices").items()}
    assert first_line(text) == (
        "2 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 Speech account deleted"
    )
    account = rows(text)["Speech accounts"]["contoso-voices"]
    assert account.consequence == (
        "deleted in Azure (`main`, region `westeurope`) with every project, consent and voice in it: projects "
        "`contoso-personal-voices`; consents `jessica-consent`; voices "
        + ", ".join(
            f"`{voice_id}` (speakerProfileId `{profiles[voice_id]}`)" for voice_id in ("JessicaVoice", "MarkVoice")
        )
    )
    # Its diagram: the account takes the project along, the project its consent, the consent its voices.
    nodes, edges = drawn(text)
    project_node, consent = "project contoso-personal-voices / delete", "consent jessica-consent / delete"
    (account_node,) = (label for label, _ in nodes.values() if label.startswith("Speech account contoso-voices"))
    assert account_node.endswith(" / delete")
    assert {(parent, arrow) for parent, arrow, child in edges if child == project_node} == {(account_node, "==>")}
    assert (project_node, "==>", consent) in edges
    for voice_id, profile in profiles.items():
        assert (consent, "==>", f"voice {voice_id} / delete / ends speakerProfileId {profile}") in edges
    assert {style for label, style in nodes.values() if "spare" not in label} == {"delete"}
    (tmp_path / "review.md").write_text(text)
    assert mermaid_check([tmp_path / "review.md"]).status == 0


def voices_in(project: Project, account_name: str) -> dict[str, dict[str, Any]]:
    """The voices in the service of the account `account_name`, by id."""
    backend = project.account_backend(SUBSCRIPTION, "voices-rg", account_name)
    return {voice["id"]: voice for voice in backend.list_personal_voices()}
