"""Mermaid's own parser on diagrams (tools/mermaid-check, which scripts/setup installs from its
lock): one node process for any number of files."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "tools" / "mermaid-check" / "check.mjs"
# Starting node and Mermaid takes about a second; parsing a diagram, a few milliseconds.
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Checked:
    status: int
    # File (with `#N` for the Nth block of a Markdown file) to the parser's message, for each that failed.
    failures: dict[str, str]
    summary: str


def mermaid_check(files: list[Path]) -> Checked:
    """Each file as `check.mjs` reads it: a `.md` file's ```mermaid blocks, any other file whole."""
    assert (CHECK.parent / "node_modules").is_dir(), "tools/mermaid-check has no node_modules: run scripts/setup"
    done = subprocess.run(
        ["node", str(CHECK), *map(str, files)], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    failures = dict(line.split(": ", 1) for line in done.stderr.splitlines() if ": " in line)
    return Checked(done.returncode, failures, done.stdout.strip())
