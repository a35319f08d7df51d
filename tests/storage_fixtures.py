"""A real Azurite blob service for the tests: started once per session on a free loopback
port, with its data in a temporary folder, and stopped at the end. `scripts/install-azurite`
installs it (from the npm registry, into a cache outside the repo) if needed."""

import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.storage.blob import BlobServiceClient, ContainerClient, ContainerSasPermissions, generate_container_sas

ROOT = Path(__file__).resolve().parents[1]
# Azurite's well-known development account: public, and good for Azurite only.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
INSTALL_TIMEOUT = 600
START_TIMEOUT = 60
STOP_TIMEOUT = 10
_LISTENING = re.compile(r"successfully listens on http://127\.0\.0\.1:(\d+)")


@dataclass(frozen=True)
class Azurite:
    port: int

    @property
    def account_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT_NAME}"

    def service(self) -> BlobServiceClient:
        return BlobServiceClient(self.account_url, credential=AzureNamedKeyCredential(ACCOUNT_NAME, ACCOUNT_KEY))

    def new_container(self, create: bool = True) -> ContainerClient:
        """A container with a fresh name (created unless `create` is False)."""
        container = self.service().get_container_client(f"test-{uuid.uuid4().hex[:20]}")
        if create:
            container.create_container()
        return container

    def sas_url(self, container_name: str, *, expiry: datetime | None = None) -> str:
        """The container's URL with a read+list SAS, as a voice's audios.containerUrl."""
        token = generate_container_sas(
            ACCOUNT_NAME,
            container_name,
            account_key=ACCOUNT_KEY,
            permission=ContainerSasPermissions(read=True, list=True),
            expiry=expiry or datetime.now(UTC) + timedelta(hours=1),
        )
        return f"{self.account_url}/{container_name}?{token}"


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    installed = subprocess.run(
        [str(ROOT / "scripts" / "install-azurite")], capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=True
    )
    blob_bin = installed.stdout.strip().splitlines()[-1]
    workspace = tmp_path_factory.mktemp("azurite")
    log_path = workspace / "azurite.log"
    with log_path.open("w") as log:
        # Port 0: Azurite picks a free port and says which. The flags are scripts/azurite's.
        process = subprocess.Popen(
            [blob_bin, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", str(workspace / "data")]
            + ["--loose", "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Azurite(_announced_port(process, log_path))
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


def _announced_port(process: subprocess.Popen[bytes], log_path: Path) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        found = _LISTENING.search(log_path.read_text())
        if found:
            return int(found.group(1))
        time.sleep(0.05)
    raise RuntimeError(f"Azurite did not start within {START_TIMEOUT} s; its log:\n{log_path.read_text()}")
