"""What the service reads from an audio file: its format, length and sample rate.

WAV is read with the stdlib `wave` (PCM only, as Python 3.11's module reads it); MP3 with
mutagen, which finds the frames and computes the length without decoding them.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from typing import Any

from mutagen import MutagenError
from mutagen.mp3 import MP3

MIN_SECONDS = 5.0
MAX_SECONDS = 90.0
SAMPLE_RATES = frozenset({16000, 24000, 44100, 48000})


@dataclass(frozen=True)
class AudioInfo:
    format: str  # "wav" or "mp3"
    seconds: float
    sample_rate: int


def inspect_audio(data: bytes) -> AudioInfo | None:
    """The file's format, length and sample rate; None if it is neither WAV nor MP3."""
    return _wav(data) or _mp3(data)


def is_usable(info: AudioInfo | None) -> bool:
    """Prompt audio the service trains on: WAV or MP3, 5 to 90 seconds long, at 16, 24, 44.1 or 48 kHz."""
    return info is not None and MIN_SECONDS <= info.seconds <= MAX_SECONDS and info.sample_rate in SAMPLE_RATES


def _wav(data: bytes) -> AudioInfo | None:
    try:
        with wave.open(io.BytesIO(data)) as reader:
            rate = reader.getframerate()
            return AudioInfo("wav", reader.getnframes() / rate if rate else 0.0, rate)
    except (wave.Error, EOFError):
        return None


def _mp3(data: bytes) -> AudioInfo | None:
    try:
        # MP3 skips an ID3 tag before the frames; its `info` is typed as the base class's None.
        info: Any = MP3(io.BytesIO(data)).info
    except MutagenError:
        return None
    return AudioInfo("mp3", float(info.length), int(info.sample_rate))
