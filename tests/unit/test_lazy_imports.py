"""What a run imports that it does not use: the Azure Storage SDK is imported only where a storage
client is made or a token signed, not by the program or a provider host of Speech resources alone
(it was the largest import of their start; benchmarks/bench_preview.py --profile); the Azure
management SDK only where an ARM client is made, never by the program, which declares accounts
but never calls ARM (50 ms of its start, measured with `python -X importtime`); requests, urllib3
and azure.core only where a Custom Voice client, an auth or a credential is made, or an SDK error
caught, never by the program, which sends nothing (60 ms of its start)."""

import subprocess
import sys
from pathlib import Path

import pytest
from azure.storage.blob import ContainerSasPermissions

from provider.storage.sas import PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]


def imported_after(statement: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        # The program's modules (__main__.py), with no storage in the catalog.
        "import catalog.deletion_guard, catalog.environment, catalog.loader, catalog.stack, provider.errors",
        # What a provider host of a voices stack unpickles.
        "import provider.personal_voice, provider.consent, provider.project",
    ],
)
def test_a_run_of_speech_resources_does_not_import_the_storage_sdk(statement: str):
    assert "azure.storage.blob" not in imported_after(statement)


# What __main__.py imports.
PROGRAM_MODULES = (
    "import catalog.deletion_guard, catalog.environment, catalog.loader, catalog.output_waits, catalog.stack, "
    "provider.errors"
)


def test_the_program_does_not_import_the_management_sdk():
    assert "azure.mgmt.cognitiveservices" not in imported_after(PROGRAM_MODULES)


def test_a_management_client_still_imports_it_when_made():
    made = (
        "from provider.accounts.client import management_client; from provider.accounts.settings import "
        "AccountSettings; management_client(AccountSettings(), '00000000-0000-0000-0000-000000000000')"
    )
    assert "azure.mgmt.cognitiveservices" in imported_after(made)


def test_a_storage_client_still_imports_it_when_made():
    made = "from provider.storage.client import container_client; container_client('http://127.0.0.1:1/a', 'c', None)"
    assert "azure.storage.blob" in imported_after(made)


def test_the_sas_permissions_written_out_are_the_sdks():
    assert PERMISSIONS == str(ContainerSasPermissions(read=True, list=True))


@pytest.mark.parametrize("package", ["requests", "urllib3", "azure.core"])
def test_the_program_does_not_import_the_http_library_or_azure_core(package: str):
    assert package not in imported_after(PROGRAM_MODULES)


def test_a_custom_voice_client_still_imports_the_http_library_when_made():
    made = (
        "from provider.speech.client import CustomVoiceClient; from provider.speech.settings import SpeechSettings; "
        "CustomVoiceClient('http://127.0.0.1:1', SpeechSettings(speech_key='k').auth())"
    )
    imported = imported_after(made)
    assert {"requests", "urllib3"} <= imported
    # Key authentication needs nothing of azure.core: a provider host imports it for Entra ID or storage only.
    assert "azure.core" not in imported


@pytest.mark.parametrize(
    "made",
    [
        # An Entra ID auth of the Custom Voice client.
        "from provider.speech.settings import SpeechSettings; SpeechSettings(authentication='entra').auth()",
        # The storage account key's credential.
        (
            "from provider.storage.settings import StorageSettings; "
            "StorageSettings(account_key='a2V5').credential('http://127.0.0.1:1/devstoreaccount1')"
        ),
    ],
)
def test_a_credential_still_imports_azure_core_when_made(made: str):
    assert "azure.core" in imported_after(made)
