"""bench_up's Pulumi floor holds the stack's resources in the same shape, and its CPU figures count
only the processes of its own run."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.unit.test_bench_quota_floor import bench_up

STACK = "urn:pulumi:bench::personal-voice::pulumi:pulumi:Stack::personal-voice-bench"
PROVIDER = "urn:pulumi:bench::personal-voice::pulumi:providers:pulumi-python::default"
PROJECT = "urn:pulumi:bench::personal-voice::pulumi-python:dynamic/customvoice:Project::p"
VOICE = "urn:pulumi:bench::personal-voice::pulumi-python:dynamic/customvoice:PersonalVoice::v"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:x"}


def state() -> list[dict[str, Any]]:
    return [
        {"urn": STACK, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {"voices": {"v": {"id": "x"}}}},
        {"urn": PROVIDER, "custom": True, "type": "pulumi:providers:pulumi-python", "id": "0"},
        {
            "urn": PROJECT,
            "custom": True,
            "type": "pulumi-python:dynamic/customvoice:Project",
            "id": "p",
            "inputs": {"__provider": SECRET, "projectId": "p", "kind": "added by check"},
            "outputs": {"__provider": SECRET, "projectId": "p", "kind": "added by check"},
            "propertyDependencies": {"__provider": [], "projectId": []},
        },
        {
            "urn": VOICE,
            "custom": True,
            "type": "pulumi-python:dynamic/customvoice:PersonalVoice",
            "id": "v",
            "inputs": {"__provider": SECRET, "projectId": "p", "voiceId": "v"},
            "outputs": {"__provider": SECRET, "projectId": "p", "voiceId": "v", "status": "Succeeded"},
            "dependencies": [PROJECT],
            "propertyDependencies": {"__provider": [], "projectId": [PROJECT], "voiceId": []},
        },
    ]


def test_the_floor_records_each_custom_resource_with_its_inputs_outputs_and_dependencies() -> None:
    recorded = bench_up().recorded_resources(state())
    assert [entry["key"] for entry in recorded] == [
        "pulumi-python:dynamic/customvoice:Project::p",
        "pulumi-python:dynamic/customvoice:PersonalVoice::v",
    ]
    project, voice = recorded
    # What the program sent is what its property dependencies name; check added the rest.
    assert project["sent"] == {"projectId": "p"}
    assert project["inputs"] == {"projectId": "p", "kind": "added by check"}
    assert voice["outputs"] == {"projectId": "p", "voiceId": "v", "status": "Succeeded"}
    assert voice["dependencies"] == [project["key"]]
    assert voice["propertyDependencies"] == {"projectId": [project["key"]]}
    assert bench_up().stack_outputs(state()) == {"voices": {"v": {"id": "x"}}}


def test_the_floor_sends_no_secret_and_no_provider_resource() -> None:
    text = repr(bench_up().recorded_resources(state()))
    assert "ciphertext" not in text and "__provider" not in text and "providers" not in text


def started(pid: int) -> bool:
    """The process runs its command (not Python's fork before the exec)."""
    return b"pulumi-language-python-exec" in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_cpu_figures_count_the_processes_of_this_run_only() -> None:
    # Two "programs" (by their command line), one of this run's backend and one of another run's.
    command = [sys.executable, "-c", "import time; time.sleep(30)", "pulumi-language-python-exec"]
    ours = subprocess.Popen(command, env={**os.environ, "PULUMI_BACKEND_URL": "file:///tmp/bench-ours/state"})
    theirs = subprocess.Popen(command, env={**os.environ, "PULUMI_BACKEND_URL": "file:///tmp/bench-ours/state2"})
    bench = bench_up()
    try:
        deadline = time.monotonic() + 10
        while not all(started(process.pid) for process in (ours, theirs)) and time.monotonic() < deadline:
            time.sleep(0.05)
        found = {pid for pid, _, _, _ in bench.run_processes("file:///tmp/bench-ours/state")}
        assert ours.pid in found and theirs.pid not in found
        # The other run's own backend finds it.
        assert theirs.pid in {pid for pid, _, _, _ in bench.run_processes("file:///tmp/bench-ours/state2")}
    finally:
        for process in (ours, theirs):
            process.kill()
            process.wait(10)
