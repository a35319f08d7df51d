"""The prompt audio the service accepts, checked on local WAV files (and headers read from a
container) before any upload: sample rate and length, with the reason a user reads."""

import io
from pathlib import Path

import pytest

from catalog.audio_files import wav_problem
from tests.audio import wav_bytes, write_wav

TAKES = "the service takes 16 kHz, 24 kHz, 44.1 kHz, 48 kHz"


@pytest.mark.parametrize("rate", [16000, 24000, 44100, 48000])
def test_every_sample_rate_the_service_takes(tmp_path, rate):
    assert wav_problem(write_wav(tmp_path / "a.wav", seconds=6, rate=rate)) is None


@pytest.mark.parametrize("rate", [8000, 22050, 32000, 96000])
def test_other_sample_rates_are_named(tmp_path, rate):
    assert wav_problem(write_wav(tmp_path / "a.wav", seconds=6, rate=rate)) == f"sampled at {rate} Hz; {TAKES}"


@pytest.mark.parametrize(
    ("seconds", "problem"), [(4.9, "4.9 s long"), (5.0, None), (90.0, None), (90.1, "90.1 s long")]
)
def test_the_length_from_5_to_90_seconds(seconds, problem):
    found = wav_problem(io.BytesIO(wav_bytes(seconds)))
    assert found == (f"{problem}; the service takes 5 to 90 s" if problem else None)


def test_a_stream_of_the_header_alone_is_enough():
    header = wav_bytes(6)[:44]
    assert wav_problem(io.BytesIO(header)) is None


def test_a_file_that_is_not_a_wav(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(b"ID3 not a riff file at all, an mp3 perhaps")
    assert wav_problem(path) == "not a readable WAV file (file does not start with RIFF id)"
    assert wav_problem(io.BytesIO(b"")) == "not a readable WAV file ()"


def test_a_missing_file(tmp_path):
    found = wav_problem(tmp_path / "absent.wav")
    assert found is not None and found.startswith("not a readable WAV file ([Errno 2] No such file or directory")


def test_a_path_is_opened_by_name(tmp_path):
    assert wav_problem(Path(write_wav(tmp_path / "a b.wav", seconds=2))) == "2.0 s long; the service takes 5 to 90 s"
