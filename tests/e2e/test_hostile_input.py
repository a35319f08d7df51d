"""Hostile and careless input through the real CLI: every case of `hostile_inputs` is refused
at preview in one line naming the file, line and field (or the config key), with no
traceback and not one request to the service; and a run never deletes more voices than it
may."""

import os
from collections.abc import Iterator

import pytest
import yaml

from tests.audio import write_wav
from tests.e2e.catalogs import CATALOG, edited
from tests.e2e.conftest import Project, new_project
from tests.e2e.hostile_inputs import AUDIO, BASE, CASES, Case

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str) -> Iterator[Project]:
    """One stack for every case: each writes its catalog and config, and puts the config back."""
    with new_project(tmp_path_factory.mktemp("hostile"), pulumi_bin) as project:
        for name, (seconds, rate) in AUDIO.items():
            (project.directory / name).parent.mkdir(exist_ok=True)
            write_wav(project.directory / name, seconds, rate)
        outside = write_wav(project.directory.parent / "outside.wav", 6)
        os.symlink(outside, project.directory / "audio" / "linked.wav")
        yield project


def preview_of(project: Project, case: Case) -> str:
    catalog = project.directory / "stacks" / f"{project.stack}.yaml"
    catalog.write_bytes(case.catalog if isinstance(case.catalog, bytes) else case.catalog.encode())
    stack_config = project.directory / f"Pulumi.{project.stack}.yaml"
    original = stack_config.read_text()
    if case.config:
        # Written as `pulumi config set` writes them (which takes no value starting with "-").
        settings = yaml.safe_load(original)
        for key, value in case.config.items():
            if value is None:
                del settings["config"][f"personal-voice:{key}"]
            else:
                settings["config"][f"personal-voice:{key}"] = value
        stack_config.write_text(yaml.safe_dump(settings))
    project.backend.clear_requests()
    try:
        result = project.pulumi("preview", check=False)
    finally:
        stack_config.write_text(original)
    assert result.returncode != 0, f"{case.name}: accepted\n{result.stdout}"
    return f"{result.stdout}\n{result.stderr}"


def test_the_base_catalog_itself_passes(shared: Project):
    (shared.directory / "stacks" / f"{shared.stack}.yaml").write_text(BASE)
    shared.pulumi("preview")
    assert shared.writes_seen() == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_input_is_refused_at_preview_in_one_line_and_sends_nothing(shared: Project, case: Case):
    output = preview_of(shared, case)
    assert case.expected in output
    assert "Traceback" not in output
    assert shared.backend.requests == []


def test_an_emptied_catalog_deletes_nothing_and_a_mass_delete_needs_to_be_allowed(project: Project):
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    catalog_file = project.directory / "stacks" / f"{project.stack}.yaml"

    catalog_file.write_text("# everything was here\n")
    emptied = project.pulumi("up", "--yes", check=False)
    assert emptied.returncode != 0 and "(catalog): declares nothing" in emptied.stdout

    project.write_catalog(edited(lambda c: c.update(voices=[])))
    everything = project.pulumi("up", "--yes", check=False)
    assert everything.returncode != 0
    assert "would delete 2 of the stack's 2 voices (all of them): JessicaVoice, MarkVoice" in everything.stdout
    assert "Traceback" not in everything.stdout
    assert set(project.voices_in_service()) == {"JessicaVoice", "MarkVoice"}

    project.write_catalog(edited(lambda c: c.update(voices=c["voices"][:1])))
    project.pulumi("up", "--yes")  # one of two: half the voices may go
    assert set(project.voices_in_service()) == {"JessicaVoice"}

    project.write_catalog(edited(lambda c: c.update(voices=[])))
    project.env["PV_ALLOW_VOICE_DELETES"] = "1"
    project.pulumi("up", "--yes")
    assert project.voices_in_service() == {}
