"""Through the real CLI: a stack with a Speech account and a project and consent in it
(`speechAccountId`), no Speech key in its config; the provider host gets the key from ARM at
call time. `scripts/rotate-speech-key` regenerates key1 and the next preview and up, which
refresh every resource with the stale key first, change nothing and replace nothing; no key is
in anything the CLI or the script printed, nor in the state.

The program is this test's own (the catalog's wiring of accounts is not here): it declares the
resources as the catalog's program will."""

import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from tests.e2e.conftest import ROOT, Project, write_project_file
from tests.identity import managed_identity_env

pytestmark = pytest.mark.e2e

KEY = AccountKey("00000000-1111-2222-3333-444444444444", "voices-rg", "contoso-voices")
PROGRAM = f"""
import pulumi

from provider.consent import Consent, ConsentArgs
from provider.project import Project, ProjectArgs
from provider.speech_account import SpeechAccount, SpeechAccountArgs

account = SpeechAccount(
    "eastus",
    SpeechAccountArgs(
        subscription_id="{KEY.subscription_id}",
        resource_group_name="{KEY.resource_group}",
        account_name="{KEY.name}",
        location="eastus",
    ),
)
project = Project("voices", ProjectArgs(endpoint=account.endpoint, speech_account_id=account.armId))
consent = Consent(
    "jessica",
    ConsentArgs(
        endpoint=account.endpoint,
        speech_account_id=account.armId,
        project_id=project.projectId,
        voice_talent_name="Jessica Smith",
        company_name="Contoso",
        locale="en-US",
        audio_url="https://contoso.blob.core.windows.net/consents/jessica.wav",
    ),
)
pulumi.export("consent", consent.status)
"""


@pytest.fixture
def stack(tmp_path: Path, pulumi_bin: str) -> Iterator[tuple[Project, AccountsService]]:
    """The emulator's Custom Voice API over HTTP and its ARM front over HTTPS (its certificate in
    config armCaBundle), and an identity that may manage the account but has no Speech role:
    only the account's key opens its endpoint."""
    backend = CustomVoiceBackend(provisioning_seconds=0.3)
    identity_header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    directory = tmp_path / "project"
    directory.mkdir()
    write_project_file(ROOT, directory)
    (directory / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (tmp_path / "state").mkdir()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PULUMI_")
            and k not in ("PYTHONPATH", "AZURE_SPEECH_KEY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
        },
        "PATH": f"{pulumi_bin}{os.pathsep}{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
    }
    with EmulatorServer(backend) as custom_voice:
        accounts = AccountsService(Endpoints.single(custom_voice.url))
        backend.accept_keys_from(accounts.is_current_key)
        with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as arm:
            project = Project(
                directory, managed_identity_env(env, f"{custom_voice.url}{TOKEN_PATH}", identity_header), custom_voice
            )
            project.pulumi("stack", "init")
            project.pulumi("config", "set", "armEndpoint", arm.url)
            project.pulumi("config", "set", "armCaBundle", str(ca_file))
            project.pulumi("config", "set", "pollIntervalSeconds", "0.1")
            yield project, accounts


def test_a_rotated_key_replaces_nothing_and_no_key_is_anywhere(stack):
    project, accounts = stack
    project.pulumi("up", "--yes")
    assert project.outputs() == {"consent": "Succeeded"}
    first_keys = accounts.list_keys(KEY)

    rotated = project.script("rotate-speech-key", "--stack", project.stack, "--account", "eastus", "key1")

    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.startswith(
        f"rotate-speech-key: key1 of speech account {KEY.name!r} (resource group {KEY.resource_group!r}) regenerated."
    )
    new_keys = accounts.list_keys(KEY)
    assert new_keys["key1"] != first_keys["key1"] and new_keys["key2"] == first_keys["key2"]
    # Each refreshes every resource first (Pulumi.yaml: refresh always), in provider hosts that
    # read the account's key again (one listKeys per host; `up` starts one to refresh and one to
    # update).
    project.backend.clear_requests()
    project.pulumi("preview", "--expect-no-changes")
    project.pulumi("up", "--yes", "--expect-no-changes")
    assert {p["id"] for p in project.backend.list_projects()} == {"voices"}
    list_keys = [r for r in project.backend.requests if r.path.endswith("/listKeys")]
    assert len(list_keys) >= 2

    unknown = project.script("rotate-speech-key", "--stack", project.stack, "--account", "westus", "key2")

    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "rotate-speech-key: account: the stack has no Speech account named 'westus' (it has: eastus)"
    )
    assert accounts.list_keys(KEY)["key2"] == first_keys["key2"]
    state = project.pulumi("stack", "export").stdout
    assert json.loads(state)["deployment"]["resources"]
    seen = "\n".join([*project.transcript, state])
    for key in (*first_keys.values(), *new_keys.values()):
        assert key not in seen
