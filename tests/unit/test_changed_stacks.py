"""scripts/changed-stacks: which stacks a change touches, on real git repositories."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.changed_stacks import _touches_everything, local_reason, main

ROOT = Path(__file__).resolve().parents[2]
GIT_IDENTITY = ["-c", "user.name=Pipeline Test", "-c", "user.email=pipeline@example.com", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args], check=False, cwd=repo, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def write(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def config(endpoint: str) -> str:
    return f"config:\n  personal-voice:speechEndpoint: {endpoint}\n  personal-voice:authentication: entra\n"


def catalog(audio: str) -> str:
    return f"""\
projects:
  - id: proj
consents:
  - id: consent
    projectId: proj
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioFile: {audio}
voices: []
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project with a local stack (dev), a production one and a non-production one."""
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, "Pulumi.yaml", "name: personal-voice\n")
    write(tmp_path, "provider/client.py", "# provider\n")
    write(tmp_path, "README.md", "# readme\n")
    write(tmp_path, "stacks/dev.yaml", catalog("stacks/dev-audio/consent.wav"))
    write(tmp_path, "stacks/dev-audio/consent.wav", "dev audio")
    write(tmp_path, "Pulumi.dev.yaml", config("http://127.0.0.1:8765"))
    write(tmp_path, "stacks/prod.yaml", catalog("./audio/prod/consent.wav"))
    write(tmp_path, "audio/prod/consent.wav", "prod audio")
    write(tmp_path, "Pulumi.prod.yaml", config("https://contoso-prod.cognitiveservices.azure.com"))
    write(tmp_path, "stacks/staging.yaml", catalog("audio/staging/consent.wav"))
    write(tmp_path, "audio/staging/consent.wav", "staging audio")
    write(tmp_path, "Pulumi.staging.yaml", config("https://contoso-staging.cognitiveservices.azure.com"))
    commit(tmp_path, "base")
    return tmp_path


def run(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    """main() run in `repo`: its status, the matrix it printed (None: none), and what it said."""
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        status = main(list(args))
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out else None), err


def stacks_after(repo: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str], *flags: str) -> list[str]:
    base = git(repo, "rev-parse", "HEAD")
    for path, text in changes.items():
        write(repo, path, text)
    head = commit(repo, "change")
    status, matrix, _ = run(repo, capsys, *flags, base, head)
    assert status == 0 and matrix is not None
    return [entry["stack"] for entry in matrix["include"]]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"stacks/prod.yaml": catalog("audio/prod/consent.wav") + "# reviewed\n"}, ["prod"]),
        ({"Pulumi.staging.yaml": config("https://contoso-staging-2.cognitiveservices.azure.com")}, ["staging"]),
        # named as ./audio/prod/consent.wav in the catalog: the same file
        ({"audio/prod/consent.wav": "a new recording"}, ["prod"]),
        ({"provider/client.py": "# provider, changed\n"}, ["prod", "staging"]),
        ({"Pulumi.yaml": "name: personal-voice\ndescription: changed\n"}, ["prod", "staging"]),
        ({"README.md": "# readme, changed\n"}, []),
        ({"docs/secrets.md": "# Secrets, changed\n", "mkdocs.yml": "site_name: changed\n"}, []),
        # the local stack is never the pipelines' (scripts/dev-up and CI run it)
        ({"stacks/dev.yaml": catalog("stacks/dev-audio/consent.wav") + "# x\n"}, []),
        ({"stacks/dev-audio/consent.wav": "new dev audio"}, []),
    ],
)
def test_a_change_touches_the_stacks_that_read_it(repo, capsys, changes, expected):
    assert stacks_after(repo, capsys, changes) == expected
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert stacks_after(repo, capsys, changes, "--pull-request") == expected


def test_the_pipelines_own_files_touch_every_stack_on_pull_requests_only(repo, capsys):
    changes = {".github/workflows/preview.yml": "name: Preview\n"}
    assert stacks_after(repo, capsys, changes, "--pull-request") == ["prod", "staging"]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert stacks_after(repo, capsys, changes) == []


def test_a_pull_request_is_compared_from_its_merge_base(repo, capsys):
    """main moved on (staging changed) after the branch was made: only the branch's change counts."""
    fork_point = git(repo, "rev-parse", "HEAD")
    write(repo, "Pulumi.staging.yaml", config("https://elsewhere.cognitiveservices.azure.com"))
    main_head = commit(repo, "staging changes on main")
    git(repo, "checkout", "-q", "-b", "feature", fork_point)
    write(repo, "stacks/prod.yaml", catalog("audio/prod/consent.wav") + "# feature\n")
    feature_head = commit(repo, "prod changes on the branch")

    status, matrix, _ = run(repo, capsys, "--pull-request", main_head, feature_head)
    assert status == 0 and matrix == {"include": [{"stack": "prod", "environment": "production"}]}
    # without the merge base, main's own change would count as the branch's
    status, matrix, _ = run(repo, capsys, main_head, feature_head)
    assert [entry["stack"] for entry in matrix["include"]] == ["prod", "staging"]


@pytest.mark.parametrize("base", ["0" * 40, "1234567890abcdef1234567890abcdef12345678"])
def test_an_unknown_base_runs_every_stack(repo, capsys, base):
    status, matrix, err = run(repo, capsys, base, "HEAD")
    assert status == 0
    assert matrix == {
        "include": [
            {"stack": "prod", "environment": "production"},
            {"stack": "staging", "environment": "non-production"},
        ]
    }
    assert "no earlier commit to compare with" in err


def test_environments_follow_the_stack_name(repo, capsys):
    for name in ("prod-eu", "production", "preprod", "staging-prod"):
        write(repo, f"stacks/{name}.yaml", catalog("audio/prod/consent.wav"))
    status, matrix, _ = run(repo, capsys, "--only", "all")
    assert status == 0
    assert {entry["stack"]: entry["environment"] for entry in matrix["include"]} == {
        "preprod": "non-production",
        "prod": "production",
        "prod-eu": "production",
        "production": "non-production",
        "staging": "non-production",
        "staging-prod": "non-production",
    }


def test_only_names_pipeline_stacks(repo, capsys):
    status, matrix, _ = run(repo, capsys, "--only", "staging, prod,staging")
    assert status == 0
    assert [entry["stack"] for entry in matrix["include"]] == ["staging", "prod"]

    status, matrix, err = run(repo, capsys, "--only", "dev,nope")
    assert status == 2 and matrix is None
    assert "not a pipeline stack: dev, nope (pipeline stacks: prod, staging)" in err


def test_a_file_name_that_is_no_stack_name_is_no_stack(repo, capsys):
    write(repo, "stacks/$(touch pwned).yaml", catalog("audio/prod/consent.wav"))
    status, matrix, err = run(repo, capsys, "--only", "all")
    assert status == 0
    assert [entry["stack"] for entry in matrix["include"]] == ["prod", "staging"]
    assert "stacks/$(touch pwned).yaml: not a stack name; ignored" in err


def test_a_broken_catalog_is_run_when_it_changes(repo, capsys):
    assert stacks_after(repo, capsys, {"stacks/staging.yaml": "voices: [unclosed\n"}) == ["staging"]
    # and names no file then: an audio change alone does not reach it
    assert stacks_after(repo, capsys, {"audio/staging/consent.wav": "again"}) == []


def test_a_catalog_naming_a_symbolic_link_is_touched_by_its_target(repo, capsys):
    (repo / "audio/prod/link.wav").symlink_to("consent.wav")
    write(repo, "stacks/prod.yaml", catalog("audio/prod/link.wav"))
    commit(repo, "consent through a link")
    assert stacks_after(repo, capsys, {"audio/prod/consent.wav": "re-recorded"}) == ["prod"]


def test_the_script_prints_the_matrix_and_says_why(repo):
    base = git(repo, "rev-parse", "HEAD")
    write(repo, "audio/staging/consent.wav", "re-recorded")
    commit(repo, "staging audio")
    done = subprocess.run(
        [ROOT / "scripts/changed-stacks", "--pull-request", base, "HEAD"],
        env={**os.environ, "PV_PROJECT_DIR": str(repo)},
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"include": [{"stack": "staging", "environment": "non-production"}]}
    assert "staging (non-production): audio/staging/consent.wav changed" in done.stderr
    assert "dev: skipped, local: speechEndpoint http://127.0.0.1:8765 is on loopback" in done.stderr


def test_the_script_refuses_a_call_without_base_or_stacks(repo):
    done = subprocess.run(
        [ROOT / "scripts/changed-stacks"],
        env={**os.environ, "PV_PROJECT_DIR": str(repo)},
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "give BASE [HEAD], or --only STACKS" in done.stderr


def test_it_needs_nothing_but_pyyaml():
    """The workflows' first job installs PyYAML alone: importing the module must load no other
    third-party package (catalog.yaml_lines and provider.validation are stdlib and PyYAML)."""
    probe = (
        "import sys, scripts.changed_stacks\n"
        "third_party = {'pulumi', 'requests', 'urllib3', 'azure', 'grpc', 'google', 'jwt', 'jsonschema'}\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & third_party))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "path", ["scripts/install-pulumi-cli", "scripts/install-azurite", "scripts/pulumi-language-python/main.go"]
)
def test_what_setup_runs_is_the_pipelines_own(repo, capsys, path):
    assert stacks_after(repo, capsys, {path: "# changed\n"}, "--pull-request") == ["prod", "staging"]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert stacks_after(repo, capsys, {path: "# changed\n"}) == []


# How the workflows and scripts name the scripts they run: scripts/NAME, python -m scripts.NAME,
# and, inside scripts/, $(dirname "$0")/NAME or $here/NAME.
SCRIPT_REFERENCE = re.compile(r'(?:scripts/|\$here/|\$\(dirname "\$0"\)/)(\w[\w.-]*)|-m scripts\.(\w+)')


def scripts_run_by(text: str) -> set[str]:
    """The scripts a workflow or a shell script names outside its comments."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return {name or f"{module}.py" for name, module in SCRIPT_REFERENCE.findall(code)}


def test_every_script_a_workflow_runs_counts_as_the_pipelines_own():
    """From the workflows down through the scripts they run (setup's installers among them):
    a change to any of them previews every stack."""
    pending = set().union(*(scripts_run_by(f.read_text()) for f in (ROOT / ".github/workflows").glob("*.yml")))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        path = ROOT / "scripts" / name
        if name in seen or not path.exists():
            continue
        seen.add(name)
        if path.is_file() and path.suffix != ".py":  # a Python script's imports are covered by their folders
            pending |= scripts_run_by(path.read_text())
    assert {"setup", "install-pulumi-cli", "install-azurite", "pipeline-sign-in", "review_comment.py"} <= seen
    uncovered = sorted(
        name
        for name in seen
        if not _touches_everything(f"scripts/{name}" + ("/main.go" if (ROOT / "scripts" / name).is_dir() else ""), True)
    )
    assert uncovered == []


def test_a_stack_name_is_at_most_100_characters(repo, capsys):
    for name in ("a" * 100, "b" * 101):
        write(repo, f"stacks/{name}.yaml", catalog("audio/prod/consent.wav"))
    status, matrix, err = run(repo, capsys, "--only", "all")
    assert status == 0
    assert [entry["stack"] for entry in matrix["include"]] == ["a" * 100, "prod", "staging"]
    assert f"stacks/{'b' * 101}.yaml: not a stack name; ignored" in err


@pytest.mark.parametrize(
    ("config_text", "reason"),
    [
        (
            "config:\n  personal-voice:armEndpoint: https://127.0.0.1:8766\n",
            "local: armEndpoint https://127.0.0.1:8766 is on loopback (scripts/dev-up and CI run it)",
        ),
        ("config:\n  personal-voice:armEndpoint: https://management.azure.com\n", None),
        ("config:\n  personal-voice:armEndpoint: https://127.0.0.1.example.com\n", None),
    ],
)
def test_a_stack_whose_accounts_are_in_a_loopback_arm_is_local(tmp_path: Path, config_text: str, reason: Any) -> None:
    write(tmp_path, "Pulumi.dev.yaml", config_text)

    assert local_reason(tmp_path, "dev") == reason
