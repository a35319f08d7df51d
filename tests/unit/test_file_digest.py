"""The content digest of a local file (`provider.hashing.file_sha256`): a changed recording
must give another digest, whatever its size."""

import hashlib
from pathlib import Path

import pytest

from provider.hashing import file_sha256


@pytest.mark.parametrize("size", [0, 5, (1 << 20) - 1, 1 << 20, (3 << 20) + 7])
def test_the_digest_is_the_sha256_of_the_whole_content(tmp_path: Path, size: int):
    content = bytes(index % 251 for index in range(size))
    path = tmp_path / "prompt.wav"
    path.write_bytes(content)
    assert file_sha256(path) == hashlib.sha256(content).hexdigest()
    assert file_sha256(str(path)) == hashlib.sha256(content).hexdigest()


def test_a_change_past_the_first_mebibyte_changes_the_digest(tmp_path: Path):
    first, second = tmp_path / "a.wav", tmp_path / "b.wav"
    first.write_bytes(b"\0" * (2 << 20))
    second.write_bytes(b"\0" * ((2 << 20) - 1) + b"\1")
    assert file_sha256(first) != file_sha256(second)
