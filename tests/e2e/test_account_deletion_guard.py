"""The deletion guard and the stack's Speech account through the real CLI: a preview that would
end the account (dropped, or renamed in the catalog) is refused naming it and every voice in it,
an in-place change of it is not, and PV_ALLOW_VOICE_DELETES=1 lets it go.

The catalog does not declare accounts yet, so the stack here is the project's program with one
more step, in this test's copy only: it reads the accounts from `stacks/<stack>-accounts.json`
(each entry's inputs as the SpeechAccount takes them), hands them to `guard_deletions` and
declares them (against the emulator's ARM front over HTTPS, signing in with the emulated
managed identity). Its voices are the catalog's, at config `speechEndpoint`; the state is then
edited to say they live in the account (`speechAccountId`, as the program will give them), the
way test_deletion_guard.py edits a state's outputs: the guard reads the saved checkpoint.
"""

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from emulator import EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from review.cli import main
from tests.e2e.catalogs import CATALOG, VOICE_TYPE
from tests.e2e.conftest import Project
from tests.identity import managed_identity_env
from tests.review_tables import first_line, rows

pytestmark = pytest.mark.e2e

ACCOUNT_TYPE = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"
CUSTOM_VOICE = "pulumi-python:dynamic/customvoice"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
DECLARED = {
    "subscriptionId": SUBSCRIPTION,
    "resourceGroupName": "voices-rg",
    "accountName": "contoso-voices",
    "location": "westeurope",
}
IN_THE_ACCOUNT = (f"{CUSTOM_VOICE}:Project", f"{CUSTOM_VOICE}:Consent", VOICE_TYPE)
IN_ARM = AccountKey(SUBSCRIPTION, "voices-rg", "contoso-voices")
PROGRAM = '''"""The project's program, and the stack's Speech accounts from stacks/<stack>-accounts.json."""

import json
from pathlib import Path

import pulumi

from catalog.deletion_guard import guard_deletions
from catalog.environment import Environment, config_sas
from catalog.loader import load_catalog
from catalog.stack import declare, export
from provider.speech_account import SpeechAccount, SpeechAccountArgs

project_root = Path(__file__).parent
catalog_file = Path("stacks") / f"{pulumi.get_stack()}.yaml"
catalog = load_catalog(project_root / catalog_file, project_root, config_sas())
environment = Environment.from_config(pulumi.Config(), managed_storage=catalog.storage is not None)
accounts = json.loads((project_root / "stacks" / f"{pulumi.get_stack()}-accounts.json").read_text())
guard_deletions(str(catalog_file), (voice.id for voice in catalog.voices), environment, accounts)
for name, inputs in accounts.items():
    SpeechAccount(
        name,
        SpeechAccountArgs(
            subscription_id=inputs["subscriptionId"],
            resource_group_name=inputs["resourceGroupName"],
            account_name=inputs["accountName"],
            location=inputs.get("location"),
            tags=inputs.get("tags"),
        ),
    )
export(declare(catalog, environment, project_root))
'''


@pytest.fixture
def with_account(project: Project, tmp_path: Path) -> Iterator[tuple[Project, AccountsService]]:
    """The project with the program above, the ARM front and the account `main` made by `up`;
    destroyed while the ARM front still runs."""
    backend = project.backend
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    accounts = AccountsService(Endpoints.single(project.server.url), provisioning_seconds=0.2)
    with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as arm:
        project.env = managed_identity_env(project.env, f"{project.server.url}{TOKEN_PATH}", header)
        project.own_secrets["managed identity header"] = header
        project.pulumi("config", "set", "armEndpoint", arm.url)
        project.pulumi("config", "set", "armCaBundle", str(ca_file))
        (project.directory / "__main__.py").write_text(PROGRAM)
        project.write_catalog(CATALOG)
        write_accounts(project, {"main": DECLARED})
        project.pulumi("up", "--yes")
        try:
            yield project, accounts
        finally:
            project.pulumi("destroy", "--yes")  # runs no program: no guard


def allowed(project: Project) -> Project:
    """The project, its runs started with PV_ALLOW_VOICE_DELETES=1 (the same transcript)."""
    return replace(project, env={**project.env, "PV_ALLOW_VOICE_DELETES": "1"})


def write_accounts(project: Project, accounts: dict[str, Any]) -> None:
    (project.directory / "stacks" / f"{project.stack}-accounts.json").write_text(json.dumps(accounts))


def voices_in_the_account(project: Project, tmp_path: Path) -> str:
    """The state edited as the program will make it: each project's, consent's and voice's
    `speechAccountId` is the account's armId. Returns the armId."""
    exported = json.loads(project.pulumi("stack", "export").stdout)
    resources = exported["deployment"]["resources"]
    (account,) = [r for r in resources if r["type"] == ACCOUNT_TYPE]
    arm_id = account["outputs"]["armId"]
    for resource in resources:
        if resource["type"] in IN_THE_ACCOUNT:
            resource["outputs"]["speechAccountId"] = arm_id
    edited = tmp_path / "voices-in-the-account.json"
    edited.write_text(json.dumps(exported))
    project.pulumi("stack", "import", "--file", str(edited))
    return arm_id


REFUSED = (
    "stacks/e2e.yaml: speechAccounts: this run would end a Speech account and every project, consent and voice in "
    "it: 'main' (accountName 'contoso-voices', {why}): voices JessicaVoice, MarkVoice. Their speakerProfileIds "
    "would end for good, whatever maxVoiceDeleteShare allows. If that is meant, run it once with "
    "PV_ALLOW_VOICE_DELETES=1"
)


def refused(project: Project, why: str) -> None:
    project.backend.clear_requests()
    preview = project.pulumi("preview", check=False)
    output = " ".join(f"{preview.stdout}\n{preview.stderr}".split())
    assert preview.returncode != 0, output
    assert REFUSED.format(why=why) in output
    assert "Traceback" not in output
    assert project.writes_seen() == []


def test_a_preview_that_would_end_the_account_is_refused_naming_every_voice_in_it(with_account, tmp_path: Path):
    project, accounts = with_account
    arm_id = voices_in_the_account(project, tmp_path)
    assert accounts.get(IN_ARM)["id"] == arm_id

    write_accounts(project, {})
    refused(project, "dropped")
    write_accounts(project, {"voices": DECLARED})
    refused(project, "dropped, and declared again as 'voices', which adopts it before the delete of 'main' ends it")
    assert accounts.get(IN_ARM)["properties"]["provisioningState"] == "Succeeded"
    assert set(project.voices_in_service()) == {"JessicaVoice", "MarkVoice"}

    # Tags change in place: the voices stay, and the guard lets it be.
    write_accounts(project, {"main": {**DECLARED, "tags": {"team": "voices"}}})
    project.pulumi("preview")
    # Allowed for one run: the guard reads nothing and the preview goes on, and its review
    # names the account and every voice that ends with it.
    write_accounts(project, {})
    preview = allowed(project).pulumi("preview", "--json", "--show-sames")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fail-on", "delete"], io.StringIO(preview.stdout), out, err) == 4
    text = out.getvalue()
    project.transcript.append(text)  # scanned for secrets with the rest
    profiles = {voice_id: voice["speakerProfileId"] for voice_id, voice in project.voices_in_service().items()}
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
    for voice_id in ("JessicaVoice", "MarkVoice"):
        voice = rows(text)["Voices"][voice_id]
        assert voice.what == "no step of its own: deleted in Azure with Speech account contoso-voices"
