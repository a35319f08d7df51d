"""bench_up's Pulumi floor, through the real CLI: Pulumi's own `up` of the stack's resources again
from trivial providers holds the stack's state in the same shape (benchmarks/bench_up.py
--pulumi-floor), and --profiling leaves the engine's CPU profile of both `up`s."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def by_key(state: Path) -> dict[str, dict[str, Any]]:
    """The state's resources by type::name (the floor's URNs name another project)."""
    resources = json.loads(state.read_text())["checkpoint"]["latest"]["resources"]
    return {resource["urn"].split("::", 2)[2]: resource for resource in resources}


def shape(resource: dict[str, Any]) -> dict[str, Any]:
    """What the engine writes of a resource that the floor must write too."""

    def keys(urns: list[str]) -> list[str]:
        return sorted(urn.split("::", 2)[2] for urn in urns)

    def plain(properties: dict[str, Any]) -> dict[str, Any]:
        # __provider is each program's own pickled provider (secret): its length differs by the class's name.
        return {key: value for key, value in properties.items() if key != "__provider"}

    return {
        "id": resource.get("id"),
        "inputs": plain(resource.get("inputs", {})),
        "outputs": plain(resource.get("outputs", {})),
        "secret provider": "ciphertext" in json.dumps(resource.get("inputs", {}).get("__provider")),
        "dependencies": keys(resource.get("dependencies", [])),
        "propertyDependencies": {key: keys(urns) for key, urns in resource.get("propertyDependencies", {}).items()},
    }


def test_the_floor_writes_the_stacks_resources_in_the_same_shape(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_up.py"),
            *("--voices", "3", "--accounts", "2", "--provisioning", "0.2", "--account-provisioning", "0.2"),
            *("--pulumi-floor", "--profiling", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Pulumi's own up of the same state" in done.stdout and "its state:" in done.stdout
    stack, floor = by_key(tmp_path / "up-state.json"), by_key(tmp_path / "floor-state.json")
    custom = [key for key, resource in stack.items() if resource["type"].startswith("pulumi-python:dynamic/")]
    assert len(custom) == 2 + 2 + 2 + 3  # accounts, projects, consents, voices
    for key in custom:
        assert shape(floor[key]) == shape(stack[key]), key
    voice = stack["pulumi-python:dynamic/customvoice:PersonalVoice::voice-0000"]
    assert len(voice["dependencies"]) == 3 and shape(voice)["secret provider"]
    [stack_outputs] = [r["outputs"] for r in stack.values() if r["type"] == "pulumi:pulumi:Stack"]
    [floor_outputs] = [r["outputs"] for r in floor.values() if r["type"] == "pulumi:pulumi:Stack"]
    assert floor_outputs == stack_outputs and len(stack_outputs["voices"]) == 3
    # The engine's Go CPU profile of each up, for `go tool pprof`.
    assert list(tmp_path.glob("up.*.cpu")) and list(tmp_path.glob("floor.*.cpu"))
