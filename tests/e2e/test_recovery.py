"""A `pulumi up` killed at any point is made whole by one command, `scripts/recover`, and leaves
no process behind; a lock whose pulumi still runs is never taken over."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.catalogs import CATALOG, VOICE_TYPE, edited
from tests.e2e.conftest import COMMAND_TIMEOUT, Project

pytestmark = pytest.mark.e2e

VOICE_IDS = {"JessicaVoice", "MarkVoice", "AnnaVoice", "BenVoice"}
PROCESS_EXIT_SECONDS = 20


def four_voices(catalog: dict) -> None:
    template = catalog["voices"][0]
    catalog["voices"] = [
        {
            **template,
            "id": voice_id,
            "name": voice_id.lower(),
            "audios": {**template["audios"], "prefix": f"{voice_id}/"},
        }
        for voice_id in sorted(VOICE_IDS)
    ]


def start_up(project: Project, skip_checkpoints: bool = False) -> subprocess.Popen[str]:
    # PULUMI_SKIP_CHECKPOINTS: the engine writes the state once, at the end, not after each step
    # (docs/scale.md): a killed run leaves the state as it was before the run.
    return subprocess.Popen(
        ["pulumi", "up", "--yes", "--stack", project.stack, "--non-interactive"],
        cwd=project.directory,
        env={**project.env, "PULUMI_SKIP_CHECKPOINTS": "true"} if skip_checkpoints else project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def processes_in(directory: Path) -> dict[int, str]:
    """The processes working in the project's directory (the CLI, its language and provider
    hosts, the program), by pid, with their command lines."""
    found = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if Path(os.readlink(proc / "cwd")) == directory:
                    found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
    return found


def lock_files(project: Project) -> list[Path]:
    state = Path(project.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return list((state / ".pulumi" / "locks").rglob("*.json"))


def deployment(project: Project) -> dict:
    return json.loads(project.pulumi("stack", "export").stdout)["deployment"]


@pytest.mark.parametrize(
    ("kill_after", "skip_checkpoints"), [(2.0, False), (4.0, False), (6.5, False), (4.0, True), (6.5, True)]
)
def test_a_killed_up_is_made_whole_by_one_command(project: Project, kill_after: float, skip_checkpoints: bool):
    project.backend.provisioning_seconds = 3.0
    project.write_catalog(edited(four_voices))
    run = start_up(project, skip_checkpoints)
    time.sleep(kill_after)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=COMMAND_TIMEOUT)

    killed_at = time.monotonic()
    while processes_in(project.directory) and time.monotonic() < killed_at + PROCESS_EXIT_SECONDS:
        time.sleep(0.25)
    assert processes_in(project.directory) == {}, "the run's language or provider host outlived it"
    if skip_checkpoints:
        assert not [r for r in deployment(project).get("resources", []) if r["type"] == VOICE_TYPE], (
            "a checkpoint was written"
        )
    print(f"killed after {kill_after} s: every process of the run gone {time.monotonic() - killed_at:.1f} s later")

    recovered = project.script("recover", project.stack)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    service = project.voices_in_service()
    assert set(service) == VOICE_IDS and {v["status"] for v in service.values()} == {"Succeeded"}
    state = deployment(project)
    in_state = [r["id"] for r in state["resources"] if r["type"] == VOICE_TYPE]
    assert sorted(in_state) == sorted(VOICE_IDS)  # each exactly once
    assert not state.get("pending_operations")
    assert lock_files(project) == []

    again = project.script("recover", project.stack)
    assert again.returncode == 0 and "0 to" not in again.stderr
    assert set(project.voices_in_service()) == VOICE_IDS


def test_a_lock_whose_pulumi_still_runs_is_refused(project: Project):
    # Long enough that the run outlasts the refused recovery by seconds, even on a loaded machine.
    project.backend.provisioning_seconds = 8.0
    project.write_catalog(CATALOG)
    run = start_up(project)
    try:
        # Wait for the lock, and for the hosts (what the check after a kill looks for) to be there.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            lock_files(project) and "provider.host" in " ".join(processes_in(project.directory).values())
        ):
            time.sleep(0.2)
        assert "pulumi-language-python" in " ".join(processes_in(project.directory).values())
        refused = project.script("recover", project.stack)
        assert refused.returncode != 0
        assert f"locked by a pulumi that is still running (pid {run.pid} " in refused.stderr
        # The refusal left the run alone. (Its provider hosts come and go between the refresh and
        # the update: the run itself and its language host are what must still be there.)
        assert run.poll() is None
        assert "pulumi-language-python" in " ".join(processes_in(project.directory).values())
    finally:
        output, _ = run.communicate(timeout=COMMAND_TIMEOUT)
    assert run.returncode == 0, output
    assert set(project.voices_in_service()) == {"JessicaVoice", "MarkVoice"}
