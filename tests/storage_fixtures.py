"""A real Azurite blob service for the tests: started once per session on a free loopback
port, with its data in a temporary folder, and stopped at the end. `scripts/install-azurite`
installs it (from the npm registry, into a cache outside the repo) if needed.

`azurite_entra` is a second one that also takes Microsoft Entra ID tokens (`--oauth basic`),
which Azurite serves over HTTPS only: with a self-signed certificate for 127.0.0.1 made for the
session, whose file clients are given to trust."""

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.storage.blob import BlobServiceClient, ContainerClient, ContainerSasPermissions, generate_container_sas

from emulator.tls import LoopbackCertificate

ROOT = Path(__file__).resolve().parents[1]
# Azurite's well-known development account: public, and good for Azurite only.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
INSTALL_TIMEOUT = 600
START_TIMEOUT = 60
STOP_TIMEOUT = 10
_LISTENING = re.compile(r"successfully listens on https?://127\.0\.0\.1:(\d+)")
# The flags scripts/azurite starts it with.
_FLAGS = ["--loose", "--skipApiVersionCheck", "--disableTelemetry", "--silent"]


@dataclass(frozen=True)
class Azurite:
    port: int
    # The certificate to trust, when it serves HTTPS.
    ca_file: Path | None = None

    @property
    def account_url(self) -> str:
        scheme = "https" if self.ca_file else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{ACCOUNT_NAME}"

    def service(self) -> BlobServiceClient:
        return BlobServiceClient(
            self.account_url,
            credential=AzureNamedKeyCredential(ACCOUNT_NAME, ACCOUNT_KEY),
            connection_verify=str(self.ca_file) if self.ca_file else True,
        )

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
    with _running_azurite(tmp_path_factory.mktemp("azurite")) as running:
        yield running


@pytest.fixture(scope="session")
def azurite_entra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    workspace = tmp_path_factory.mktemp("azurite-entra")
    cert, key = LoopbackCertificate("127.0.0.1").write(workspace)
    with _running_azurite(workspace, ("--cert", str(cert), "--key", str(key), "--oauth", "basic"), cert) as running:
        yield running


@contextmanager
def _running_azurite(
    workspace: Path, extra_flags: tuple[str, ...] = (), ca_file: Path | None = None
) -> Iterator[Azurite]:
    installed = subprocess.run(
        [str(ROOT / "scripts" / "install-azurite")], capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=True
    )
    blob_bin = installed.stdout.strip().splitlines()[-1]
    log_path = workspace / "azurite.log"
    with log_path.open("w") as log:
        # Port 0: Azurite picks a free port and says which.
        process = subprocess.Popen(
            [blob_bin, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", str(workspace / "data")]
            + _FLAGS
            + list(extra_flags),
            stdout=log,
            stderr=subprocess.STDOUT,
            # A copy whose source carries a SAS is checked by a request Azurite sends itself.
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(ca_file)} if ca_file else None,
        )
    try:
        yield Azurite(_announced_port(process, log_path), ca_file)
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
