"""scripts/pinned.py: the pins the workflows read from pyproject.toml."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.pinned import pin_of

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = """\
[project]
name = "x"
dependencies = ["pulumi==3.260.0", "PyYAML == 6.0.4", "requests>=2"]
[project.optional-dependencies]
dev = ["types-PyYAML==6.0.12.20261113", "ruff==0.17.6"]
"""


def test_a_pin_is_found_by_its_normalised_name_and_never_by_a_longer_one(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT)
    assert pin_of("pyyaml", pyproject) == ("PyYAML", "6.0.4")
    assert pin_of("types_pyyaml", pyproject) == ("types-PyYAML", "6.0.12.20261113")
    assert pin_of("ruff", pyproject) == ("ruff", "0.17.6")
    with pytest.raises(LookupError, match="pins no requests"):
        pin_of("requests", pyproject)


def test_the_script_prints_the_repositorys_pins():
    def pinned(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, ROOT / "scripts/pinned.py", *args], check=False, capture_output=True, text=True, timeout=30
        )

    sdk = next(line for line in (ROOT / "pyproject.toml").read_text().splitlines() if '"pulumi==' in line)
    assert pinned("--version", "pulumi").stdout.strip() == sdk.split("==")[1].strip('",')
    assert pinned("PyYAML").stdout.strip().startswith("PyYAML==")
    missing = pinned("no-such-package")
    assert missing.returncode == 1
    assert "pyproject.toml pins no no-such-package" in missing.stderr
