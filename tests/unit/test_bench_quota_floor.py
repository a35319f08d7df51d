"""The quota floor the benchmark reports: the earliest any client could see N voices done; and the
catalog of its accounts mode."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from catalog.loader import load_catalog
from emulator.quota import NO_QUOTA, S0_QUOTA, Quota


def bench_up() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_up.py"
    spec = importlib.util.spec_from_file_location("bench_up", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("voices", "provisioning"), [(1, 1.0), (50, 5.0), (200, 1.0)])
def test_without_a_quota_the_floor_is_the_consent_then_the_voices(voices: int, provisioning: float) -> None:
    assert bench_up().quota_floor(voices, provisioning, NO_QUOTA) == 2 * provisioning


def test_voices_that_fit_in_the_burst_wait_for_nothing_but_provisioning() -> None:
    # project, consent, poll, 47 voices, final poll: 51 requests, the 51st 10 s after the first.
    assert bench_up().quota_floor(46, 5.0, S0_QUOTA) == 10.0
    assert bench_up().quota_floor(47, 5.0, S0_QUOTA) == 10.0


def test_voices_past_the_burst_wait_for_the_consents_poll_to_leave_the_window() -> None:
    # 50 voices: creates 51 and 52 wait for the project's and the consent's creates (0 s) to
    # leave the window (10 s), create 53 for the consent's poll (5 s): it is sent at 15 s.
    assert bench_up().quota_floor(50, 5.0, S0_QUOTA) == 20.0


def test_a_long_run_goes_at_the_quota_rate() -> None:
    quota = Quota(requests=10, seconds=10.0)
    # 1000 voices at 1 request per second: the last create about 1000 s in.
    assert 990.0 <= bench_up().quota_floor(1000, 1.0, quota) <= 1010.0


def test_the_accounts_catalog_spreads_the_voices_as_voice_shares_says_and_loads(tmp_path: Path) -> None:
    bench = bench_up()
    declared = bench.accounts_catalog(7, 2)
    path = tmp_path / "stacks" / "bench.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(declared))

    loaded = load_catalog(path, tmp_path)

    projects = {project.id: project.account for project in loaded.projects}
    held = [sum(projects[voice.project_id] == account.name for voice in loaded.voices) for account in loaded.accounts]
    assert held == bench.voice_shares(7, 2) == [4, 3]
    assert {account.inputs["location"] for account in loaded.accounts} == {"eastus", "westeurope"}
