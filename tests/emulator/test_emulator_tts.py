"""Text to speech with a personal voice: SSML in, audio of the asked format out, and the
refusals the TTS endpoint answers."""

import io
import wave

import pytest
import requests

from catalog.ssml import TEXT_PLACEHOLDER, personal_voice_ssml
from emulator import CustomVoiceBackend, mock_custom_voice
from tests.emulator.conftest import ENDPOINT, KEY, voice_body

FORMAT = "riff-24khz-16bit-mono-pcm"


@pytest.fixture
def voiced():
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    profile = backend.create_personal_voice("Voice1", voice_body()).resource["speakerProfileId"]
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend, str(profile)


def speak(ssml: str, output_format: str = FORMAT, key: str = KEY, path: str = "/cognitiveservices/v1"):
    headers = {"Ocp-Apim-Subscription-Key": key, "X-Microsoft-OutputFormat": output_format}
    return requests.post(f"{ENDPOINT}{path}", data=ssml.encode(), headers=headers, timeout=5)


def ssml_of(profile: str, text: str = "Hello there, this is my voice.", base_model: str = "DragonLatestNeural") -> str:
    return personal_voice_ssml(base_model, "en-US", profile).replace(TEXT_PLACEHOLDER, text)


@pytest.mark.parametrize("path", ["/cognitiveservices/v1", "/tts/cognitiveservices/v1"])
def test_a_succeeded_voice_speaks_wav_of_the_asked_format_as_long_as_its_text(voiced, path):
    _, profile = voiced
    short, long = speak(ssml_of(profile, "Hi."), path=path), speak(ssml_of(profile, "Hello " * 40), path=path)
    assert short.status_code == long.status_code == 200 and long.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(long.content)) as audio:
        assert (audio.getframerate(), audio.getsampwidth(), audio.getnchannels()) == (24000, 2, 1)
        assert audio.getnframes() / 24000 == pytest.approx(len(("Hello " * 40).strip()) * 0.06, abs=0.01)
    with wave.open(io.BytesIO(short.content)) as audio:
        assert audio.getnframes() / 24000 == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("ssml", "reason"),
    [
        ("<speak>unclosed", "not well-formed XML"),
        ("<speak version='1.0'/>", "root must be <speak> in the namespace"),
        (ssml_of("00000000-0000-0000-0000-000000000000"), "is not a personal voice of this Speech resource"),
        (ssml_of("{profile}", base_model="NoSuchNeural"), "'NoSuchNeural' is not a base model of this service"),
    ],
)
def test_bad_ssml_an_unknown_profile_or_base_model_is_400_with_a_reason(voiced, ssml, reason):
    _, profile = voiced
    refused = speak(ssml.replace("{profile}", profile))
    assert refused.status_code == 400 and reason in refused.text


def test_a_voice_not_yet_succeeded_a_bad_format_and_a_bad_key_are_refused():
    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=3600)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    profile = str(backend.create_personal_voice("Voice1", voice_body()).resource["speakerProfileId"])
    with mock_custom_voice(ENDPOINT, backend=backend):
        pending = speak(ssml_of(profile))
        assert pending.status_code == 400 and "is NotStarted, not Succeeded" in pending.text
        assert speak(ssml_of(profile), output_format="audio-24khz-48kbitrate-mono-mp3").status_code == 400
        assert speak(ssml_of(profile), key="wrong").status_code == 401
