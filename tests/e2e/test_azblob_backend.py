"""A state backend a team shares: Azure Blob Storage (`pulumi login azblob://<container>`), here
Azurite over HTTPS. Three people reach one container with the three kinds of credential the CLI
takes: the owner with the account key, a teammate with a container SAS, a pipeline with a
Microsoft Entra ID token (a managed identity). A stack's lock is a blob there: a second `up`
started while one runs is refused, and the first completes."""

import dataclasses
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from azure.storage.blob import ContainerClient, ContainerSasPermissions, generate_container_sas

from emulator.identity import TOKEN_PATH
from tests.e2e.catalogs import CATALOG, VOICE_TYPE
from tests.e2e.conftest import COMMAND_TIMEOUT, Project, StateBackend, new_project
from tests.identity import managed_identity_env
from tests.storage_fixtures import ACCOUNT_KEY, ACCOUNT_NAME, Azurite

pytestmark = pytest.mark.e2e

CONSENT = CATALOG["consents"][0]["id"]
# How long a consent provisions while the first `up` must hold its lock: until the test releases
# it (the consent is then set Succeeded), far longer than the test.
HELD_SECONDS = 3600.0
WAIT_SECONDS = 60.0
LOCKS = ".pulumi/locks/"
HISTORY = ".pulumi/history/"


@pytest.fixture
def shared_state(azurite_entra: Azurite) -> Iterator[ContainerClient]:
    container = azurite_entra.new_container()
    yield container
    container.delete_container()


@pytest.fixture
def owner(tmp_path: Path, pulumi_bin: str, azurite_entra: Azurite, shared_state: ContainerClient) -> Iterator[Project]:
    """Logged in with the account key; the URL names Azurite's endpoint (`domain`, HTTPS by default)."""
    assert azurite_entra.ca_file is not None
    state = StateBackend(
        url=f"azblob://{shared_state.container_name}?domain=127.0.0.1:{azurite_entra.port}",
        env={
            "AZURE_STORAGE_ACCOUNT": ACCOUNT_NAME,
            "AZURE_STORAGE_KEY": ACCOUNT_KEY,
            # Go's TLS trusts Azurite's certificate through this.
            "SSL_CERT_FILE": str(azurite_entra.ca_file),
        },
    )
    with new_project(tmp_path, pulumi_bin, state=state) as made:
        yield made


def teammate_with_sas(owner: Project, azurite: Azurite, container: str, home: Path) -> Project:
    """Another PULUMI_HOME, logged in with a container SAS (no account key), with the URL a real
    account takes (`azblob://<container>`) and Azurite's endpoint in AZURE_STORAGE_DOMAIN."""
    sas = generate_container_sas(
        ACCOUNT_NAME,
        container,
        account_key=ACCOUNT_KEY,
        permission=ContainerSasPermissions(read=True, add=True, create=True, write=True, delete=True, list=True),
        expiry=datetime.now(UTC) + timedelta(hours=1),
    )
    as_in_token = next(part.removeprefix("sig=") for part in sas.split("&") if part.startswith("sig="))
    owner.own_secrets |= {"state SAS signature": unquote(as_in_token), "state SAS signature as sent": as_in_token}
    env = {k: v for k, v in owner.env.items() if k != "AZURE_STORAGE_KEY"}
    env |= {
        "PULUMI_HOME": str(home),
        "AZURE_STORAGE_SAS_TOKEN": sas,
        "AZURE_STORAGE_DOMAIN": f"127.0.0.1:{azurite.port}",
    }
    teammate = dataclasses.replace(owner, env=env, transcript=owner.transcript, own_secrets=owner.own_secrets)
    teammate.login(f"azblob://{container}")
    return teammate


def pipeline_with_entra(owner: Project, azurite: Azurite, container: str, home: Path) -> Project:
    """Another PULUMI_HOME, with no login: the backend in PULUMI_BACKEND_URL, and Entra ID instead
    of a storage key or SAS (a token for Azure Storage from the managed identity endpoint, the
    emulator's, which Azurite's `--oauth basic` takes)."""
    identity_header = owner.backend.enable_entra()
    owner.own_secrets["managed identity header"] = identity_header
    env = managed_identity_env(owner.env, f"{owner.server.url}{TOKEN_PATH}", identity_header)
    env |= {
        "PULUMI_HOME": str(home),
        "PULUMI_BACKEND_URL": f"azblob://{container}",
        "AZURE_STORAGE_ACCOUNT": ACCOUNT_NAME,
        "AZURE_STORAGE_DOMAIN": f"127.0.0.1:{azurite.port}",
    }
    return dataclasses.replace(owner, env=env, transcript=owner.transcript, own_secrets=owner.own_secrets)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s for {what}"
        time.sleep(0.1)


def release_the_consent(owner: Project) -> None:
    """The consent the first `up` waits for provisions now, and what follows at once."""
    owner.backend.provisioning_seconds = 0.0
    if owner.backend.list_consents():
        owner.backend.set_status("consents", CONSENT, "Succeeded")


def blobs(container: ContainerClient, prefix: str = "") -> list[str]:
    return [blob.name for blob in container.list_blobs(name_starts_with=prefix)]


def test_a_team_shares_one_stack_in_blob_storage(
    owner: Project, azurite_entra: Azurite, shared_state: ContainerClient, tmp_path: Path
):
    container = shared_state.container_name
    teammate = teammate_with_sas(owner, azurite_entra, container, tmp_path / "teammate-home")
    pipeline = pipeline_with_entra(owner, azurite_entra, container, tmp_path / "pipeline-home")
    assert f"Backend URL: azblob://{container}\n" in pipeline.pulumi_without_stack("whoami", "--verbose").stdout
    assert f".pulumi/stacks/personal-voice/{owner.stack}.json" in blobs(shared_state)

    owner.write_catalog(CATALOG)
    owner.backend.provisioning_seconds = HELD_SECONDS
    first = subprocess.Popen(
        ["pulumi", "up", "--yes", "--stack", owner.stack, "--non-interactive"],
        cwd=owner.directory,
        env=owner.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # The first `up` holds its lock while it waits for the consent.
        wait_until(lambda: bool(owner.backend.list_consents()), "the first up to create the consent")
        assert len(blobs(shared_state, LOCKS)) == 1
        refused = teammate.pulumi("up", "--yes", check=False)
        assert refused.returncode != 0
        assert "the stack is currently locked by 1 lock(s)" in refused.stderr
        assert f"(pid {first.pid})" in refused.stderr
    finally:
        release_the_consent(owner)
        try:
            output, _ = first.communicate(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            first.kill()
            output, _ = first.communicate()
        owner.transcript.append(output)
    assert first.returncode == 0, output
    assert blobs(shared_state, LOCKS) == []
    updates = blobs(shared_state, HISTORY)

    service = {voice["id"]: voice["speakerProfileId"] for voice in owner.voices_in_service().values()}
    outputs = owner.outputs()
    assert {voice_id: voice["speakerProfileId"] for voice_id, voice in outputs["voices"].items()} == service
    assert set(service) == {voice["id"] for voice in CATALOG["voices"]}
    assert teammate.outputs() == outputs

    # Each writes the state with its own credential: the pipeline's run is recorded beside the first.
    pipeline.pulumi("up", "--yes", "--expect-no-changes")
    assert len(blobs(shared_state, HISTORY)) == 2 * len(updates)
    assert pipeline.outputs() == outputs
    teammate.pulumi("destroy", "--yes")
    assert owner.voices_in_service() == {}
    exported = owner.pulumi("stack", "export").stdout
    assert VOICE_TYPE not in exported
