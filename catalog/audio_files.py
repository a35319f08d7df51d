"""What the service accepts as prompt audio, checked on local WAV files before upload."""

import wave
from pathlib import Path
from typing import BinaryIO

SAMPLE_RATES = (16000, 24000, 44100, 48000)
MIN_SECONDS, MAX_SECONDS = 5.0, 90.0


def wav_problem(source: Path | BinaryIO) -> str | None:
    """Why the service would not use this WAV file (a path, or a stream of at least its header),
    or None if it would."""
    try:
        with wave.open(str(source) if isinstance(source, Path) else source, "rb") as audio:
            rate, frames = audio.getframerate(), audio.getnframes()
    except (wave.Error, EOFError, OSError) as error:
        return f"not a readable WAV file ({error})"
    if rate not in SAMPLE_RATES:
        return f"sampled at {rate} Hz; the service takes {', '.join(f'{r / 1000:g} kHz' for r in SAMPLE_RATES)}"
    seconds = frames / rate
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        return f"{seconds:.1f} s long; the service takes {MIN_SECONDS:g} to {MAX_SECONDS:g} s"
    return None
