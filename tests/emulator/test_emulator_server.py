"""The real HTTP front: EmulatorServer in-process and `python -m emulator` as a subprocess."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from emulator import CustomVoiceBackend, EmulatorServer
from tests.emulator.conftest import KEY, Api, consent_body, voice_body, wait_for_port

REPOSITORY = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_SECONDS = 5.0


def test_round_trip_over_real_http_and_the_request_log():
    backend = CustomVoiceBackend(keys=[KEY])
    with EmulatorServer(backend, host="127.0.0.1", port=0) as server:
        url = server.url
        assert url == f"http://127.0.0.1:{server.port}"
        api = Api(base=server.url)
        assert api.create_project().status_code == 201
        consent = api.call("PUT", "consents/consent", json=consent_body())
        assert consent.headers["Operation-Location"].startswith(f"{server.url}/customvoice/operations/")
        created = api.call("PUT", "personalvoices/Voice1", json=voice_body())
        assert created.status_code == 201 and created.json()["status"] == "NotStarted"
        assert api.call("GET", "personalvoices/Voice1").json()["status"] == "Succeeded"
        assert api.call("DELETE", "personalvoices/Voice1").status_code == 204
        assert api.call("GET", "personalvoices/Voice1").status_code == 404

        log = requests.get(f"{server.url}/_emulator/requests", timeout=5)
        assert [(r["method"], r["path"], r["isWrite"]) for r in log.json()] == [
            ("PUT", "/customvoice/projects/proj", True),
            ("PUT", "/customvoice/consents/consent", True),
            ("PUT", "/customvoice/personalvoices/Voice1", True),
            ("GET", "/customvoice/personalvoices/Voice1", False),
            ("DELETE", "/customvoice/personalvoices/Voice1", True),
            ("GET", "/customvoice/personalvoices/Voice1", False),
        ]
        assert KEY not in log.text
        assert requests.delete(f"{server.url}/_emulator/requests", timeout=5).status_code == 204
        assert requests.get(f"{server.url}/_emulator/requests", timeout=5).json() == []
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{url}/_emulator/requests", timeout=1)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_only_loopback_hosts_are_accepted(host):
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(CustomVoiceBackend(), host=host)


def test_module_serves_a_seeded_backend_until_sigterm(tmp_path: Path):
    seed = tmp_path / "dev.yaml"
    seed.write_text(
        "projects:\n"
        "  - id: contoso-personal-voices\n"
        "consents:\n"
        "  - {id: jessica-consent, projectId: contoso-personal-voices, voiceTalentName: Jessica Smith,"
        " companyName: Contoso, locale: en-US}\n"
        "voices:\n"
        "  - {id: JessicaPersonalVoice}\n",
        encoding="utf-8",
    )
    port_file = tmp_path / "port"
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "CUSTOM_VOICE_EMULATOR_KEYS": "first, second"}
    command = [sys.executable, "-m", "emulator", "--port", "0", "--seed", str(seed), "--port-file", str(port_file)]
    process = subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        port = wait_for_port(port_file, process)
        api = Api(base=f"http://127.0.0.1:{port}", key="second")
        assert api.call("GET", "consents/jessica-consent").json()["status"] == "Succeeded"
        assert api.call("GET", "personalvoices").json() == {"value": []}
        assert Api(base=api.base, key="emulator-key").call("GET", "projects").status_code == 401

        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    assert process.returncode == 0, stderr
    assert stdout.strip() == f"emulator listening on http://127.0.0.1:{port}"
    assert not port_file.exists()


def test_faults_can_be_queued_and_cleared_over_http_by_another_process():
    backend = CustomVoiceBackend(keys=[KEY])
    with EmulatorServer(backend) as server:
        api = Api(base=server.url)
        fault = {
            "method": "GET",
            "path": "/customvoice/projects",
            "responses": [
                {"status": 429, "headers": {"Retry-After": "90"}, "body": {"error": {"code": "TooManyRequests"}}}
            ],
        }
        assert requests.post(f"{server.url}/_emulator/faults", json=fault, timeout=5).status_code == 204
        throttled = api.call("GET", "projects")
        assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "90")
        assert api.call("GET", "projects").status_code == 200  # one answer per queued response
        requests.post(f"{server.url}/_emulator/faults", json={**fault, "responses": [{"status": 503}]}, timeout=5)
        assert requests.delete(f"{server.url}/_emulator/faults", timeout=5).status_code == 204
        assert api.call("GET", "projects").status_code == 200
        malformed = requests.post(f"{server.url}/_emulator/faults", json={"method": "GET"}, timeout=5)
        assert malformed.status_code == 400 and "responses" in malformed.json()["error"]["message"]
