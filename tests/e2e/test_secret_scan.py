"""The e2e projects' secret scan finds each secret in each form (no CLI needed)."""

import base64
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from emulator import CustomVoiceBackend, EmulatorServer
from tests.e2e.conftest import KEY, SAS_SIGNATURES, Project, leaks
from tests.storage_fixtures import ACCOUNT_KEY


class ScannedProject(Project):
    """A project that ran nothing: its transcript is given, and `stack export` prints a stub."""

    def __init__(self, transcript: list[str], env: dict[str, str] | None = None) -> None:
        super().__init__(Path("."), env or {}, EmulatorServer(CustomVoiceBackend()), transcript=transcript)

    def pulumi(self, *args: str, check: bool = True) -> Any:
        self.transcript.append('{"deployment": {"secrets_providers": {"type": "passphrase"}}}')


def test_a_clean_project_has_no_leak():
    assert leaks(ScannedProject(["Updating (e2e)", "Resources: + 5 created"])) == []


@pytest.mark.parametrize(
    ("printed", "found"),
    [
        (f"error: key {KEY} refused", "Speech key in the CLI output"),
        (base64.b64encode(KEY.encode()).decode(), "Speech key in the CLI output"),
        (f"url?sig={quote(SAS_SIGNATURES[1], safe='')}", "SAS signature 1 in the CLI output"),
        (ACCOUNT_KEY, "storage account key in the CLI output"),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl", "a bearer token in the CLI output"),
    ],
)
def test_each_secret_is_found_raw_url_encoded_or_base64(printed, found):
    assert leaks(ScannedProject([printed])) == [found]


def test_the_identity_header_and_the_emulators_request_log_are_scanned():
    project = ScannedProject([], env={"IDENTITY_HEADER": "aWRlbnRpdHktaGVhZGVy"})
    project.backend.record_request("GET", "/customvoice/projects", {"note": "aWRlbnRpdHktaGVhZGVy"})
    assert leaks(project) == ["managed identity header in the emulator request log"]
