"""Audio files for tests, made on the spot: a sine tone as 16-bit mono PCM WAV, and MP3 frames."""

import functools
import io
import math
import struct
import wave
from pathlib import Path

TONE_HZ = 440.0


def wav_bytes(seconds: float, rate: int = 16000) -> bytes:
    frames = round(seconds * rate)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        # A whole second holds a whole number of periods (440 Hz), so seconds repeat seamlessly.
        second = _tone_second(rate)
        whole, rest = divmod(frames, rate)
        writer.writeframes(second * whole + second[: rest * 2])
    return buffer.getvalue()


@functools.cache
def _tone_second(rate: int) -> bytes:
    samples = (round(12000 * math.sin(2 * math.pi * TONE_HZ * n / rate)) for n in range(rate))
    return struct.pack(f"<{rate}h", *samples)


def write_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    """A `seconds`-long sine tone at `rate` Hz, written to `path` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(seconds, rate))
    return path


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames of 1152 samples each.
_MP3_FRAME = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(413)
_MP3_FRAME_SECONDS = 1152 / 44100


def mp3_bytes(seconds: float) -> bytes:
    """Silent MP3 frames (44.1 kHz) lasting about `seconds`: enough for a format check."""
    return _MP3_FRAME * max(1, round(seconds / _MP3_FRAME_SECONDS))
