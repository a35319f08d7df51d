"""What loading a catalog costs at the size limit, and what a hostile one costs before it is refused.

Each measurement runs in a fresh process (so its peak memory is its own) and prints the wall
time and the peak resident memory (ru_maxrss) of loading:
- the largest catalog accepted: voices from a container, as many as fit in the size limit;
- the YAML alias bomb that used to take gigabytes (refused at its first anchor);
- a 1 MiB document nested 40 levels deep, and a file just over the size limit (both refused).
Against the baseline of the same process importing the loader and loading a 1-voice catalog.

    .venv/bin/python benchmarks/bench_catalog.py
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from catalog.yaml_lines import MAX_BYTES

VOICE = """\
  - id: Voice{index:05d}
    projectId: contoso-personal-voices
    consentId: jessica-consent
    description: Voice number {index} of the benchmark catalog
    audios:
      containerUrl: https://contoso.blob.core.windows.net/voices
      prefix: voice{index:05d}/
      extensions: [".wav"]
"""
HEAD = """\
projects:
  - id: contoso-personal-voices
consents:
  - id: jessica-consent
    projectId: contoso-personal-voices
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioUrl: https://contoso.blob.core.windows.net/consents/jessica.wav
voices:
"""
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from catalog.loader import CatalogError, load_catalog
started = time.perf_counter()
try:
    outcome = f"{len(load_catalog(Path(sys.argv[1]), Path(sys.argv[1]).parent).voices)} voices"
except CatalogError as error:
    outcome = "refused: " + error.problems[0].reason[:60]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outcome": outcome}))
"""


def largest_catalog() -> str:
    text, index = HEAD, 0
    while len((text + VOICE.format(index=index)).encode()) <= MAX_BYTES:
        text += VOICE.format(index=index)
        index += 1
    return text


def measure(path: Path) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], check=False, capture_output=True, text=True, timeout=120
    )
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return dict(json.loads(run.stdout))


def main() -> None:
    cases = {
        "baseline: 1 voice": HEAD + VOICE.format(index=0),
        "largest accepted": largest_catalog(),
        "alias bomb": BOMB,
        "nested 40 deep": "voices: " + "[" * 40 + "]" * 40 + "\n" + "# " + "x" * (MAX_BYTES - 200) + "\n",
        "over the size limit": HEAD + "# " + "x" * MAX_BYTES + "\n",
    }
    with tempfile.TemporaryDirectory() as directory:
        baseline = None
        for name, text in cases.items():
            path = Path(directory) / "catalog.yaml"
            path.write_text(text)
            figures = measure(path)
            baseline = baseline or figures
            extra = float(figures["peak_mib"]) - float(baseline["peak_mib"])  # type: ignore[arg-type]
            print(
                f"{name:22} {len(text.encode()):>9} bytes  {float(figures['seconds']):7.3f} s  "  # type: ignore[arg-type]
                f"peak {float(figures['peak_mib']):6.1f} MiB (+{extra:5.1f} over baseline)  {figures['outcome']}"  # type: ignore[arg-type]
            )


if __name__ == "__main__":
    main()
