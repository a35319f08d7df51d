"""The pulumi CLI the user has is used: a pulumi on PATH at or above the pinned SDK's version (of
its major version), with its language host and exec shim beside it (as Pulumi's install puts
them), is what setup prints, with nothing built and one line saying so; an older one, or one of
another major version, is not used, and the project's own build is, as before."""

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PINNED = "v3.260.0"
COMPANIONS = ("pulumi-language-python", "pulumi-language-python-exec")
SCRIPT_TIMEOUT = 120


def an_install(folder: Path, cli_bin: str, companions: tuple[str, ...] = COMPANIONS) -> Path:
    """A pulumi install of the pinned version in `folder`: the real CLI and `companions`."""
    folder.mkdir()
    for name in ("pulumi", *companions):
        (folder / name).symlink_to(Path(cli_bin) / name)
    return folder


def another_version(folder: Path, version: str) -> Path:
    """A pulumi that reports `version`, with the companions of an install beside it."""
    folder.mkdir()
    for name in ("pulumi", *COMPANIONS):
        (folder / name).write_text(f"#!/bin/sh\necho {version}\n")
        (folder / name).chmod(0o755)
    return folder


def path_with_first(folder: Path) -> str:
    """PATH with `folder` first, and without any other pulumi, nor Go (so nothing can be built)."""
    kept = [
        entry
        for entry in os.environ["PATH"].split(os.pathsep)
        if entry and not any(os.access(Path(entry) / tool, os.X_OK) for tool in ("pulumi", "go"))
    ]
    return os.pathsep.join([str(folder), *kept])


def run(script: str, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / script)],
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )


def printed_bin(result: subprocess.CompletedProcess[str]) -> Path:
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def test_a_pulumi_on_path_at_the_pinned_version_is_used_and_nothing_is_built(pulumi_bin: str, tmp_path: Path):
    installed = an_install(tmp_path / "official", pulumi_bin)
    empty_cache = tmp_path / "cache"
    result = run("install-pulumi-cli", path_with_first(installed), PV_CACHE_DIR=str(empty_cache))
    assert printed_bin(result) == installed.resolve()
    assert result.stderr.splitlines() == [
        f"install-pulumi-cli: using {installed}/pulumi ({PINNED}; this project's SDK needs {PINNED} or later)"
    ]
    assert not empty_cache.exists()
    reported = subprocess.run(
        [str(installed / "pulumi"), "version"], check=True, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT
    )
    assert reported.stdout.strip() == PINNED


def test_setup_prints_the_folder_of_the_pulumi_on_path(pulumi_bin: str, tmp_path: Path):
    installed = an_install(tmp_path / "official", pulumi_bin)
    assert printed_bin(run("setup", path_with_first(installed))) == installed.resolve()


def test_an_older_pulumi_is_not_used_and_says_why(pulumi_bin: str, tmp_path: Path):
    other = another_version(tmp_path / "other", "v3.250.0")
    result = run("setup", path_with_first(other))
    assert printed_bin(result) == Path(pulumi_bin)
    why = f"it reports 'v3.250.0', and this project's SDK needs {PINNED} or later"
    assert result.stderr.splitlines() == [f"install-pulumi-cli: not using {other}/pulumi: {why}"]


def test_a_newer_pulumi_of_the_same_major_version_is_used_and_nothing_is_built(tmp_path: Path):
    newer = another_version(tmp_path / "newer", "v3.274.1")
    empty_cache = tmp_path / "cache"
    result = run("install-pulumi-cli", path_with_first(newer), PV_CACHE_DIR=str(empty_cache))
    assert printed_bin(result) == newer.resolve()
    assert result.stderr.splitlines() == [
        f"install-pulumi-cli: using {newer}/pulumi (v3.274.1; this project's SDK needs {PINNED} or later)"
    ]
    assert not empty_cache.exists()


def test_a_pulumi_of_the_next_major_version_is_not_used(pulumi_bin: str, tmp_path: Path):
    other = another_version(tmp_path / "next", "v4.0.0")
    result = run("install-pulumi-cli", path_with_first(other))
    assert printed_bin(result) == Path(pulumi_bin)
    assert "it reports 'v4.0.0', of another major version" in result.stderr


def test_a_pulumi_without_its_language_host_is_not_used(pulumi_bin: str, tmp_path: Path):
    bare = an_install(tmp_path / "bare", pulumi_bin, companions=("pulumi-language-python-exec",))
    result = run("install-pulumi-cli", path_with_first(bare))
    assert printed_bin(result) == Path(pulumi_bin)
    assert "there is no pulumi-language-python beside it" in result.stderr
