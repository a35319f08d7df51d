"""scripts/say: a sentence spoken by a stack's voice, read from the stack's real outputs, through
the emulator's text-to-speech endpoint."""

import subprocess
import wave

import pytest

from tests.e2e.catalogs import CATALOG
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e


def say(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return project.script("say", "--stack", project.stack, *args)


def test_a_voice_of_the_outputs_speaks_and_a_deleted_one_says_why_not(project: Project, tmp_path) -> None:
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    out = tmp_path / "hello.wav"

    spoken = say(project, "JessicaVoice", "Hello from a personal voice.", str(out))
    assert spoken.returncode == 0, spoken.stderr
    with wave.open(str(out)) as audio:
        assert (audio.getframerate(), audio.getsampwidth(), audio.getnchannels()) == (24000, 2, 1)
        assert audio.getnframes() / 24000 == pytest.approx(len("Hello from a personal voice.") * 0.06, abs=0.01)
    assert f"wrote {out}: WAV, 24000 Hz, 16-bit mono, 1.68 s" in spoken.stdout

    unknown = say(project, "NobodyVoice", "Hello.", str(tmp_path / "nobody.wav"))
    assert unknown.returncode == 1
    assert (
        unknown.stderr.strip()
        == "say: stack e2e has no voice 'NobodyVoice' in its outputs (it has: JessicaVoice, MarkVoice)"
    )

    project.backend.delete_personal_voice("JessicaVoice")
    gone = say(project, "JessicaVoice", "Hello again.", str(tmp_path / "gone.wav"))
    assert gone.returncode == 1 and len(gone.stderr.strip().splitlines()) == 1
    assert "the text-to-speech service refused (HTTP 400)" in gone.stderr
    assert "is not a personal voice of this Speech resource" in gone.stderr
    assert not (tmp_path / "gone.wav").exists()
