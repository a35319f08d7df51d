"""Text to speech with a personal voice, emulated: `POST /cognitiveservices/v1`, which Azure serves
at `https://{region}.tts.speech.microsoft.com` (and on a resource's custom subdomain under
`/tts`), with SSML in the body and the audio format in `X-Microsoft-OutputFormat`.

A request speaks when its SSML has a `<voice name>` the service lists as a base model, and
inside it an `<mstts:ttsembedding speakerProfileId>` of a personal voice of this resource that
has Succeeded. The answer is real audio of the format asked for: a quiet tone, 60 ms per
character of text (at least half a second). Refusals are 400 with a one-line plain-text reason
(the service answers TTS errors without the Custom Voice API's JSON body); a bad key is the
front end's 401, as for the API.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

TTS_PATH = "/cognitiveservices/v1"
SYNTHESIS_NAMESPACE = "http://www.w3.org/2001/10/synthesis"
MSTTS_NAMESPACE = "http://www.w3.org/2001/mstts"
# The RIFF (WAV) PCM formats; the service has more (MP3, Opus, raw), which this emulator refuses.
OUTPUT_FORMATS = {
    "riff-16khz-16bit-mono-pcm": 16000,
    "riff-22050hz-16bit-mono-pcm": 22050,
    "riff-24khz-16bit-mono-pcm": 24000,
    "riff-44100hz-16bit-mono-pcm": 44100,
    "riff-48khz-16bit-mono-pcm": 48000,
}
SECONDS_PER_CHARACTER = 0.06
MINIMUM_SECONDS = 0.5
_TONE_HERTZ = 220.0
_AMPLITUDE = 3000


@dataclass(frozen=True)
class Speech:
    status: int
    headers: dict[str, str]
    body: bytes


def synthesize(
    ssml: bytes,
    headers: Mapping[str, str],
    base_models: Iterable[str],
    voice_status: Mapping[str, str],
) -> Speech:
    """`headers` in lower case; `voice_status`: each speakerProfileId's voice status."""
    output_format = headers.get("x-microsoft-outputformat", "")
    if output_format not in OUTPUT_FORMATS:
        return _refused(f"X-Microsoft-OutputFormat {output_format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    try:
        root = ElementTree.fromstring(ssml)
    except ElementTree.ParseError as error:
        return _refused(f"the SSML is not well-formed XML: {error}")
    if root.tag != f"{{{SYNTHESIS_NAMESPACE}}}speak":
        return _refused(f"the SSML's root must be <speak> in the namespace {SYNTHESIS_NAMESPACE}")
    voice = root.find(f"{{{SYNTHESIS_NAMESPACE}}}voice")
    if voice is None:
        return _refused("the SSML has no <voice>")
    listed = sorted(base_models)
    if voice.get("name") not in listed:
        return _refused(f"voice {voice.get('name')!r} is not a base model of this service: {', '.join(listed)}")
    embedding = voice.find(f"{{{MSTTS_NAMESPACE}}}ttsembedding")
    profile = embedding.get("speakerProfileId") if embedding is not None else None
    if embedding is None or not profile:
        return _refused("a personal voice speaks through <mstts:ttsembedding speakerProfileId=...> in the <voice>")
    status = voice_status.get(profile)
    if status is None:
        return _refused(f"speakerProfileId {profile!r} is not a personal voice of this Speech resource")
    if status != "Succeeded":
        return _refused(f"the personal voice of speakerProfileId {profile!r} is {status}, not Succeeded")
    text = " ".join(" ".join(embedding.itertext()).split())
    return Speech(200, {"Content-Type": "audio/wav"}, _tone(OUTPUT_FORMATS[output_format], _seconds(text)))


def voice_statuses(voices: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(voice["speakerProfileId"]): str(voice.get("status")) for voice in voices}


def _seconds(text: str) -> float:
    return max(MINIMUM_SECONDS, len(text) * SECONDS_PER_CHARACTER)


def _tone(rate: int, seconds: float) -> bytes:
    frames = int(rate * seconds)
    samples = bytearray()
    for n in range(frames):
        value = int(_AMPLITUDE * math.sin(2 * math.pi * _TONE_HERTZ * n / rate))
        samples += value.to_bytes(2, "little", signed=True)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return buffer.getvalue()


def _refused(reason: str) -> Speech:
    return Speech(400, {"Content-Type": "text/plain; charset=utf-8"}, f"Bad request: {reason}".encode())
