"""The workflows' way to Azure, through the real CLI: after azure/login, every Entra ID token
comes from the Azure CLI (AZURE_TOKEN_CREDENTIALS=AzureCliCredential), for pulumi's azblob state
backend (Go) and for the provider host (Python, provider/authentication.py) alike.
scripts/pipeline-sign-in then gets both scopes' tokens, logs in and selects the stack, and
`pulumi up` runs with no key and no other identity in its environment. A preview's sign-in
(`--preview`) and scripts/preview-review write nothing to the state backend, not even a stack
that is not there yet.

`az` here is a stand-in that answers `az account get-access-token` as the Azure CLI does, with a
token from the emulator's Entra ID (which Azurite, run with `--oauth basic`, and the emulated
Speech resource accept), and logs each call."""

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from azure.storage.blob import ContainerClient

from tests.e2e.conftest import Project, StateBackend, new_project
from tests.e2e.test_full_chain import dev_catalog
from tests.storage_fixtures import ACCOUNT_KEY, ACCOUNT_NAME, Azurite

pytestmark = pytest.mark.e2e

FAKE_AZ = """\
#!{python}
# `az account get-access-token` ([--resource R | --scope S] [--output json|tsv] [--query expiresOn]),
# answered with a token of the emulator's Entra ID; every call is logged as JSON.
import datetime, json, sys, urllib.parse, urllib.request

args = sys.argv[1:]
with open({log!r}, "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[:2] != ["account", "get-access-token"]:
    sys.exit("az stand-in: only `az account get-access-token` is known here")
option = lambda *names: next((args[i + 1] for i, a in enumerate(args) if a in names), None)
resource = option("--resource") or option("--scope").removesuffix("/.default")
query = urllib.parse.urlencode({{"api-version": "2019-08-01", "resource": resource}})
request = urllib.request.Request({endpoint!r} + "?" + query, headers={{"X-IDENTITY-HEADER": {header!r}}})
token = json.load(urllib.request.urlopen(request, timeout=30))
expires = int(token["expires_on"])
answer = {{
    "accessToken": token["access_token"],
    "expiresOn": datetime.datetime.fromtimestamp(expires).strftime("%Y-%m-%d %H:%M:%S.%f"),
    "expires_on": expires,
    "tokenType": "Bearer",
}}
if option("--query") == "expiresOn":
    print(answer["expiresOn"])
else:
    print(json.dumps(answer))
"""


@dataclass(frozen=True)
class Pipeline:
    project: Project
    az_log: Path
    # The state backend's container.
    state: ContainerClient

    def state_blobs(self) -> dict[str, str]:
        """Every blob of the state backend, by name, with its ETag (which any write changes)."""
        return {blob.name: blob.etag for blob in self.state.list_blobs()}


@pytest.fixture
def pipeline(tmp_path: Path, pulumi_bin: str, azurite_entra: Azurite) -> Iterator[Pipeline]:
    """A project whose state is in an Azurite container (azblob://), with the environment a
    workflow job has after azure/login: the Azure CLI signed in, nothing else to sign in with."""
    assert azurite_entra.ca_file is not None
    container = azurite_entra.new_container()
    url = f"azblob://{container.container_name}?storage_account={ACCOUNT_NAME}&domain=127.0.0.1:{azurite_entra.port}"
    # The account key only makes the stack; the test's commands never see it.
    setup = StateBackend(
        url,
        {
            "AZURE_STORAGE_ACCOUNT": ACCOUNT_NAME,
            "AZURE_STORAGE_KEY": ACCOUNT_KEY,
            "SSL_CERT_FILE": str(azurite_entra.ca_file),
        },
    )
    with new_project(tmp_path, pulumi_bin, "entra-storage", trust=azurite_entra.ca_file, state=setup) as project:
        endpoint, header = project.env["IDENTITY_ENDPOINT"], project.env["IDENTITY_HEADER"]
        az_dir, az_log = tmp_path / "az-bin", tmp_path / "az-calls.jsonl"
        az_dir.mkdir()
        (az_dir / "az").write_text(
            FAKE_AZ.format(python=sys.executable, log=str(az_log), endpoint=endpoint, header=header)
        )
        (az_dir / "az").chmod(0o755)
        project.own_secrets["managed identity header"] = header
        project.env = {
            **{k: v for k, v in project.env.items() if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "IMDS_"))},
            "PATH": f"{az_dir}{os.pathsep}{project.env['PATH']}",
            "AZURE_TOKEN_CREDENTIALS": "AzureCliCredential",
            "PULUMI_BACKEND_URL": url,
        }
        project.pulumi("config", "rm", "sasToken")  # the catalog's container is the stack's own
        yield Pipeline(project, az_log, container)
    container.delete_container()


def calls(az_log: Path) -> list[list[str]]:
    return [json.loads(line) for line in az_log.read_text().splitlines()] if az_log.exists() else []


def test_the_pipeline_signs_in_through_the_azure_cli_and_runs_up(pipeline: Pipeline, azurite_entra: Azurite):
    project, az_log = pipeline.project, pipeline.az_log
    project.write_catalog(dev_catalog(project, azurite_entra))

    signed_in = project.script("pipeline-sign-in", project.stack)
    assert signed_in.returncode == 0, signed_in.stdout + signed_in.stderr
    for scope in ("https://storage.azure.com/.default", "https://cognitiveservices.azure.com/.default"):
        assert f"pipeline-sign-in: a token for {scope}, valid until 20" in signed_in.stdout
    asked = [call[call.index("--scope") + 1] for call in calls(az_log) if "--scope" in call]
    assert asked == ["https://storage.azure.com/.default", "https://cognitiveservices.azure.com/.default"]

    az_log.unlink()
    project.pulumi("up", "--yes")
    voices = project.voices_in_service()
    assert {voice_id: voice["status"] for voice_id, voice in voices.items()} == {
        "JessicaPersonalVoice": "Succeeded",  # the service read the audio through a user delegation SAS
        "MarkPersonalVoice": "Succeeded",
    }
    # The state backend (Go) and the provider host (Python) both asked the Azure CLI, for their
    # two resources, and nothing else gave a token: no identity variable is set.
    resources = {call[call.index("--resource") + 1] for call in calls(az_log) if "--resource" in call}
    assert resources == {"https://storage.azure.com", "https://cognitiveservices.azure.com"}
    assert all(call[:2] == ["account", "get-access-token"] for call in calls(az_log))

    # A pull request's preview of the stack, as preview.yml runs it: it reads, and writes nothing.
    before = pipeline.state_blobs()
    signed_in = project.script("pipeline-sign-in", "--preview", project.stack)
    assert signed_in.returncode == 0, signed_in.stdout + signed_in.stderr
    reviewed = project.script("preview-review", project.stack, "--fail-on", "create,update,replace,delete")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert reviewed.stdout.startswith(
        "no change to any voice; nothing else changes\n\nUnchanged (not listed): 2 voices"
    )
    assert pipeline.state_blobs() == before


def test_a_preview_of_a_stack_not_yet_deployed_makes_nothing(pipeline: Pipeline):
    project = pipeline.project
    before = pipeline.state_blobs()
    assert any(name.endswith(f"/{project.stack}.json") for name in before)

    signed_in = project.script("pipeline-sign-in", "--preview", "brand-new")
    assert signed_in.returncode == 10, signed_in.stdout + signed_in.stderr
    assert signed_in.stdout.splitlines()[-1] == (
        "::notice::stack brand-new is not in the state backend yet: nothing is deployed to preview "
        "against; the first pulumi up on main creates it"
    )
    assert "error" not in signed_in.stderr
    assert pipeline.state_blobs() == before
    # A deploy's sign-in makes it.
    assert project.script("pipeline-sign-in", "brand-new").returncode == 0
    assert any(name.endswith("/brand-new.json") for name in pipeline.state_blobs())


def test_without_the_azure_cli_signed_in_the_pipeline_says_so(pipeline: Pipeline):
    project = pipeline.project
    az = Path(project.env["PATH"].split(os.pathsep)[0]) / "az"
    az.write_text("#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")

    signed_in = project.script("pipeline-sign-in", project.stack)
    assert signed_in.returncode != 0
    assert "Please run 'az login'" in signed_in.stderr
    assert "pipeline-sign-in: a token" not in signed_in.stdout
