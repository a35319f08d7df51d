"""Fixtures for the emulator's own tests: a fake clock, a mocked backend and a small API caller."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator import CustomVoiceBackend, mock_custom_voice

ENDPOINT = "https://eastus.api.cognitive.microsoft.com"
KEY = "emulator-key"
PROVISIONING_SECONDS = 10.0
MODULE_STARTUP_SECONDS = 10.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """Calls `{base}/customvoice/{path}` with the key and api-version filled in unless overridden."""

    def __init__(self, base: str = ENDPOINT, key: str | None = KEY, api_version: str | None = "2026-01-01") -> None:
        self.base = base
        self.key = key
        self.api_version = api_version

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        query = dict(params or {})
        if self.api_version is not None:
            query.setdefault("api-version", self.api_version)
        sent_headers = {"Ocp-Apim-Subscription-Key": self.key} if self.key is not None else {}
        sent_headers.update(headers or {})
        url = path if "://" in path else f"{self.base}/customvoice/{path}"
        return requests.request(method, url, json=json, params=query, headers=sent_headers, timeout=5)

    def create_project(self, project_id: str = "proj", kind: str = "PersonalVoice") -> requests.Response:
        return self.call("PUT", f"projects/{project_id}", json={"kind": kind})

    def create_consent(self, consent_id: str = "consent", project_id: str = "proj") -> requests.Response:
        return self.call("PUT", f"consents/{consent_id}", json=consent_body(project_id))

    def create_voice(self, voice_id: str = "Voice1", **changes: Any) -> requests.Response:
        return self.call("PUT", f"personalvoices/{voice_id}", json=voice_body(**changes))


def consent_body(project_id: str = "proj", **changes: Any) -> dict[str, Any]:
    return {
        "projectId": project_id,
        "voiceTalentName": "Jessica Smith",
        "companyName": "Contoso",
        "locale": "en-US",
        "audioUrl": "https://contoso.blob.core.windows.net/public/jessica-consent.wav?sig=secret",
        **changes,
    }


def voice_body(**changes: Any) -> dict[str, Any]:
    return {
        "projectId": "proj",
        "consentId": "consent",
        "audios": {
            "containerUrl": "https://contoso.blob.core.windows.net/voicecontainer?sig=secret",
            "prefix": "jessica/",
            "extensions": [".wav"],
        },
        **changes,
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slow_backend(clock: FakeClock) -> CustomVoiceBackend:
    """Provisioning takes PROVISIONING_SECONDS of the fake clock."""
    return CustomVoiceBackend(provisioning_seconds=PROVISIONING_SECONDS, clock=clock)


@pytest.fixture
def emulator(slow_backend: CustomVoiceBackend) -> Iterator[CustomVoiceBackend]:
    with mock_custom_voice(ENDPOINT, backend=slow_backend):
        yield slow_backend


@pytest.fixture
def api(emulator: CustomVoiceBackend) -> Api:
    return Api()


@pytest.fixture
def ready(emulator: CustomVoiceBackend) -> CustomVoiceBackend:
    """A PersonalVoice project 'proj' with a Succeeded consent 'consent'."""
    emulator.add_project("proj")
    emulator.add_consent("consent", "proj")
    return emulator


def wait_for_port(port_file: Path, process: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + MODULE_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if port_file.exists():
            return int(port_file.read_text(encoding="utf-8"))
        if process.poll() is not None:
            pytest.fail(f"the emulator exited early: {process.communicate()[1]}")
        time.sleep(0.02)
    pytest.fail("the emulator did not write its port file in time")
