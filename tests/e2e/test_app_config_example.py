"""examples/app-config, a second project that reads a voices stack's outputs through a stack
reference, on the same file backend: the document an app loads, as outputs and as a file; a
voice replaced in the voices stack is a change in the consumer's next preview."""

import json
import shutil

import pytest

from tests.e2e.catalogs import CATALOG, edited
from tests.e2e.conftest import ROOT, Project, leaks, write_project_file

pytestmark = pytest.mark.e2e


def consumer_of(voices: Project) -> Project:
    example = ROOT / "examples" / "app-config"
    directory = voices.directory.parent / "app-config"
    shutil.copytree(example, directory)
    write_project_file(example, directory)
    consumer = Project(directory, voices.env, voices.server, stack="app")
    consumer.pulumi("stack", "init")
    consumer.pulumi("config", "set", "voicesStack", f"organization/personal-voice/{voices.stack}")
    consumer.pulumi("config", "set", "outputFile", str(directory / "out" / "app-voices.json"))
    return consumer


def test_a_consumer_stack_turns_the_outputs_into_what_an_app_loads(project: Project) -> None:
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    voices = project.outputs()["voices"]
    consumer = consumer_of(project)

    consumer.pulumi("up", "--yes")
    written = json.loads((consumer.directory / "out" / "app-voices.json").read_text())
    assert written == consumer.outputs()["appVoices"]
    assert set(written) == {"JessicaVoice", "MarkVoice"}
    for voice_id, entry in written.items():
        assert entry == {name: voices[voice_id][name] for name in ("speakerProfileId", "baseModel", "locale", "ssml")}
    consumer.pulumi("preview", "--expect-no-changes")

    project.write_catalog(edited(lambda c: c["voices"][0]["audios"].update(prefix="jessica-v2/")))
    project.pulumi("up", "--yes")
    renewed = project.outputs()["voices"]["JessicaVoice"]["speakerProfileId"]
    assert renewed != voices["JessicaVoice"]["speakerProfileId"]
    preview = consumer.pulumi("preview", "--diff")
    assert "~ 1 to update" in preview.stdout and renewed in preview.stdout
    assert consumer.pulumi("preview", "--expect-no-changes", check=False).returncode != 0

    consumer.pulumi("destroy", "--yes")
    assert not (consumer.directory / "out" / "app-voices.json").exists()
    assert leaks(consumer) == []
