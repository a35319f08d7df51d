"""The deletion guard counts the voices in the stack's state, not in its last outputs: a stack
whose first `up` was killed after creating its voices (state, no outputs) and a stack whose
outputs were lost are refused at preview, naming the voices, and lose none of them."""

import json
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.catalogs import CATALOG, VOICE_TYPE, edited, voice_ids_in_state
from tests.e2e.conftest import COMMAND_TIMEOUT, Project
from tests.e2e.test_recovery import lock_files, processes_in, start_up

pytestmark = pytest.mark.e2e

VOICE_IDS = {voice["id"] for voice in CATALOG["voices"]}
HELD_CONSENT = "held-consent"
# Longer than the test: what the service has not been told to finish stays provisioning.
HELD_SECONDS = 3600.0
WAIT_SECONDS = 60.0
REFUSAL = "would delete 2 of the stack's 2 voices (all of them): JessicaVoice, MarkVoice"


def with_a_consent_no_voice_needs(catalog: dict) -> None:
    catalog["consents"].append({**catalog["consents"][0], "id": HELD_CONSENT})


def checkpoint(project: Project) -> dict:
    """The stack's state file as the killed run left it (read without the CLI, which a kill
    may leave mid-write: an unreadable file reads as empty)."""
    state = Path(project.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    try:
        return json.loads((state / ".pulumi" / "stacks" / "personal-voice" / f"{project.stack}.json").read_text())
    except (OSError, ValueError):
        return {}


def voices_in_checkpoint(project: Project) -> set[str]:
    resources = (checkpoint(project).get("checkpoint", {}).get("latest") or {}).get("resources", [])
    return {r["id"] for r in resources if r["type"] == VOICE_TYPE and r.get("id")}


def finish_what_the_service_holds(project: Project) -> None:
    """Every consent and voice the run created so far provisions now, but the held consent."""
    backend = project.backend
    for consent in backend.list_consents():
        if consent["id"] != HELD_CONSENT and consent["status"] != "Succeeded":
            backend.set_status("consents", consent["id"], "Succeeded")
    for voice in backend.list_personal_voices():
        if voice["status"] != "Succeeded":
            backend.set_status("personalvoices", voice["id"], "Succeeded")


def refused_preview(project: Project) -> str:
    project.backend.clear_requests()
    preview = project.pulumi("preview", check=False)
    output = f"{preview.stdout}\n{preview.stderr}"
    assert preview.returncode != 0, output
    assert f"stacks/{project.stack}.yaml: voices: this run {REFUSAL}" in output
    assert "Traceback" not in output
    assert project.writes_seen() == []
    return output


def test_a_first_up_killed_after_creating_its_voices_is_guarded_at_preview(project: Project):
    project.backend.provisioning_seconds = HELD_SECONDS
    project.write_catalog(edited(with_a_consent_no_voice_needs))
    run = start_up(project)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while voices_in_checkpoint(project) != VOICE_IDS:
            assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s for the voices to be in state"
            finish_what_the_service_holds(project)
            time.sleep(0.1)
        # The run still waits for the held consent: it has written no stack outputs.
        assert run.poll() is None
    finally:
        run.send_signal(signal.SIGKILL)
        output, _ = run.communicate(timeout=COMMAND_TIMEOUT)
        project.transcript.append(output)
    killed_at = time.monotonic()
    while processes_in(project.directory) and time.monotonic() < killed_at + WAIT_SECONDS:
        time.sleep(0.25)
    for lock in lock_files(project):  # as `scripts/recover` does once the run is gone
        lock.unlink()
    assert project.outputs() == {}
    assert voice_ids_in_state(project) == VOICE_IDS

    project.write_catalog(edited(lambda c: c.update(voices=[])))
    refused_preview(project)
    refused = project.pulumi("up", "--yes", check=False)
    assert refused.returncode != 0 and REFUSAL in refused.stdout
    assert set(project.voices_in_service()) == VOICE_IDS
    assert voice_ids_in_state(project) == VOICE_IDS
    assert project.outputs() == {}  # a refused run writes no outputs


def test_a_stack_whose_outputs_were_lost_is_still_guarded(project: Project, tmp_path: Path):
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    exported = json.loads(project.pulumi("stack", "export").stdout)
    (stack,) = [r for r in exported["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    stack.pop("outputs", None)
    edited_state = tmp_path / "without-outputs.json"
    edited_state.write_text(json.dumps(exported))
    project.pulumi("stack", "import", "--file", str(edited_state))
    assert project.outputs() == {}

    project.write_catalog(edited(lambda c: c.update(voices=[])))
    refused_preview(project)
    assert set(project.voices_in_service()) == VOICE_IDS

    project.write_catalog(edited(lambda c: c.update(voices=c["voices"][:1])))
    project.pulumi("up", "--yes")  # one of two: half the voices may go, and the outputs come back
    assert set(project.voices_in_service()) == {"JessicaVoice"}
    assert set(project.outputs()["voices"]) == {"JessicaVoice"}
