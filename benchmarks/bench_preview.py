"""The pull-request loop against Pulumi's own floor: `pulumi preview`, a no-op `pulumi up` and
`scripts/preview-review` of a voices stack, and the same commands on a program of trivial
dynamic resources, from one run with alternating rounds.

- The voices stack: one project, one consent and N voices from a container URL, against the
  emulator's HTTP server on loopback (S0 quota on), a file backend; `bench_up.py`'s stack.
- The floor: a Python program of as many trivial dynamic resources as the voices stack has
  (N + 2; create returns its inputs, read returns its state), run by the same CLI, virtualenv,
  provider launcher and host, and file backend, refreshed first like the voices stack
  (`refresh: always` in both projects' Pulumi.yaml).
- The shaped floor: the voices stack's resources again, of the same shape, from trivial dynamic
  providers (bench_up's `--pulumi-floor`: the same types, names, inputs, outputs, dependencies
  and stack outputs, taken from the state its `up` wrote): Pulumi's own cost for this data. The
  engine's work per resource grows with its properties (it marshals each, and its automatic log
  records each), which the trivial floor's one property does not show.
- `--before DIR`: a third contender, the voices stack of another checkout (a `git worktree`
  of an earlier commit, with a `.venv` link to this one's): its program, providers and
  launcher, this virtualenv's packages, to measure a change before and after in the same run.
  Each contender runs its checkout's code (PYTHONPATH), not the one the virtualenv's editable
  install points to, so the benchmark may run from a worktree of its own while the code changes.

The commands: `pulumi preview`; a no-op `pulumi up`; `pulumi preview --json --show-sames`, the
preview scripts/preview-review runs; and scripts/preview-review. Each round runs every command once per contender, the contenders' order alternating between
rounds; the medians are printed, with their ratio to each floor and the requests the emulator
received during each command (the last round's). The guard runs as in any stack
(PV_ALLOW_VOICE_DELETES unset). Preview and preview-review run at the engine's default
--parallel, as the pull-request pipeline does; the no-op `up` at --parallel 64, as dev-up.

`--profile`: one more preview of each contender, with the program run under cProfile, the
provider host under cProfile and `python -X importtime` (PV_PROVIDER_PROFILE, which
scripts/pulumi-resource-pulumi-python and provider/host.py honour only when it is set), the
engine under its own CPU profiler (`pulumi --profiling`, read with Go's pprof), and the
program's imports under `python -X importtime` in a process of their own: the top entries of each.

    .venv/bin/python benchmarks/bench_preview.py --voices 200 --rounds 5
    .venv/bin/python benchmarks/bench_preview.py --voices 200 --rounds 1 --profile
"""

import argparse
import os
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench_up import COMMAND_TIMEOUT, ROOT, Run, floor_project, shaped_floor, speech_stack

from emulator import CustomVoiceBackend, EmulatorServer

PROFILE_ENVIRONMENT_VARIABLE = "PV_PROVIDER_PROFILE"
FLOOR = "trivial floor"
SHAPED_FLOOR = "shaped floor"
FLOORS = (FLOOR, SHAPED_FLOOR)
VOICES = "voices"
BEFORE = "voices, --before"
# "preview --json": the preview scripts/preview-review runs (--json --show-sames), which it adds to.
PHASES = ("preview", "no-op up", "preview --json", "preview-review")
TOP = 25

FLOOR_PROGRAM = '''"""N trivial dynamic resources (config `resources`)."""

import pulumi

from trivial_provider import declare

for index in range(int(pulumi.Config().require("resources"))):
    declare(f"trivial-{index:04d}")
'''

# --profile: the program run under cProfile, written when its process exits.
PROFILED_PROGRAM = """import atexit, cProfile, os, runpy

_profiler = cProfile.Profile()


def _write():
    _profiler.create_stats()
    _profiler.dump_stats(os.path.join(os.environ["PV_PROVIDER_PROFILE"], f"program-{os.getpid()}.prof"))


atexit.register(_write)
_profiler.enable()
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "program.py"), run_name="__main__")
"""


@dataclass
class Contender:
    name: str
    run: Run
    # The preview-review script of the contender's checkout.
    review_script: Path
    backend: CustomVoiceBackend | None = None
    seconds: dict[str, list[float]] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)

    def measure(self, phase: str, parallel: int) -> None:
        if self.backend:
            self.backend.clear_requests()
        started = time.perf_counter()
        if phase == "preview":
            self.run.pulumi("preview")
        elif phase == "no-op up":
            self.run.pulumi("up", "--yes", "--skip-preview", "--expect-no-changes", f"--parallel={parallel}")
        elif phase == "preview --json":
            self.run.pulumi("preview", "--json", "--show-sames")
        else:
            preview_review(self.run, self.review_script)
        self.seconds.setdefault(phase, []).append(time.perf_counter() - started)
        if self.backend:
            self.requests[phase] = len(self.backend.requests)

    def median(self, phase: str) -> float:
        return statistics.median(self.seconds[phase])


def preview_review(run: Run, script: Path) -> None:
    result = subprocess.run(
        [str(script), "bench"],
        check=False,
        env={**run.env, "PV_PROJECT_DIR": str(run.directory)},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if result.returncode != 0:
        sys.exit(f"{script} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


@contextmanager
def floor_stack(pulumi_bin: str, resources: int) -> Iterator[Run]:
    """The trivial program as a project of its own, with this project's runtime and plugins."""
    with floor_project(pulumi_bin, FLOOR_PROGRAM, {}) as run:
        run.pulumi("config", "set", "resources", str(resources))
        yield run


def with_the_guard(run: Run) -> Run:
    # bench_up's stacks run with deletes allowed, which skips the deletion guard's read.
    run.env.pop("PV_ALLOW_VOICE_DELETES", None)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout (a git worktree) measured beside this one")
    parser.add_argument("--parallel", type=int, default=64, help="the no-op up's --parallel")
    parser.add_argument("--profile", action="store_true", help="then profile one preview of each contender")
    args = parser.parse_args()
    # Started in the background by a shell, this process ignores SIGINT, and so would every command
    # it runs: the CLI ends each plugin with SIGINT, and waits 5 s for one that ignores it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    pulumi_bin = subprocess.run(
        [str(ROOT / "scripts" / "install-pulumi-cli")], capture_output=True, text=True, check=True, timeout=3600
    ).stdout.splitlines()[-1]

    with ExitStack() as stacks:
        contenders = [
            Contender(
                FLOOR,
                stacks.enter_context(floor_stack(pulumi_bin, args.voices + 2)),
                ROOT / "scripts" / "preview-review",
            )
        ]
        checkouts = [(VOICES, ROOT)] + ([(BEFORE, args.before.resolve())] if args.before else [])
        for name, checkout in checkouts:
            backend = CustomVoiceBackend(keys=["benchmark0123456789abcdef012345"])
            server = stacks.enter_context(EmulatorServer(backend))
            run = with_the_guard(stacks.enter_context(speech_stack(pulumi_bin, checkout, server.url, args.voices)))
            run.env["PYTHONPATH"] = str(checkout)
            contenders.append(Contender(name, run, checkout / "scripts" / "preview-review", backend))
        for contender in contenders:
            contender.run.pulumi("up", "--yes", "--skip-preview", f"--parallel={args.parallel}")
        # Made from the state the voices stack's up wrote, so after it.
        shaped = stacks.enter_context(shaped_floor(pulumi_bin, contenders[1].run.state_file().read_bytes()))
        shaped.pulumi("up", "--yes", "--skip-preview", f"--parallel={args.parallel}")
        contenders.insert(1, Contender(SHAPED_FLOOR, shaped, ROOT / "scripts" / "preview-review"))
        for contender in contenders:
            contender.run.pulumi("preview")  # warm: the first run after an up compiles and caches

        for round_ in range(args.rounds):
            order = contenders if round_ % 2 == 0 else contenders[::-1]
            for phase in PHASES:
                for contender in order:
                    contender.measure(phase, args.parallel)
        print_table(args, contenders)
        if args.profile:
            for contender in contenders:
                profile(contender)


def print_table(args: argparse.Namespace, contenders: list[Contender]) -> None:
    floors = [contender for contender in contenders if contender.name in FLOORS]
    stacks = [contender for contender in contenders if contender.name not in FLOORS]
    print(
        f"N={args.voices} voices (each floor: {args.voices + 2} resources), {args.rounds} rounds, "
        f"medians; no-op up at --parallel {args.parallel}"
    )
    names = [contender.name for contender in contenders]
    ratio_names = [f"{stack.name} / {floor.name}" for stack in stacks for floor in floors]
    print("| command | " + " | ".join(names + ratio_names) + " | requests |")
    print("|---" * (len(names) + len(ratio_names) + 2) + "|")
    for phase in PHASES:
        medians = [f"{contender.median(phase):.2f} s" for contender in contenders]
        ratios = [f"{stack.median(phase) / floor.median(phase):.2f}x" for stack in stacks for floor in floors]
        requests = ", ".join(str(stack.requests.get(phase, "-")) for stack in stacks)
        print(f"| {phase} | " + " | ".join(medians + ratios) + f" | {requests} |")
    for contender in stacks:
        extra = contender.median("preview-review") - contender.median("preview --json")
        print(f"{contender.name}: preview-review takes {extra:+.2f} s over the preview it runs (preview --json)")
    print(
        "every round (s): "
        + "; ".join(
            f"{c.name} {phase} " + " ".join(f"{s:.2f}" for s in c.seconds[phase])
            for c in contenders
            for phase in PHASES
        )
    )


def profile(contender: Contender) -> None:
    """One preview, profiled from the processes themselves."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as temporary:
        directory = Path(temporary)
        program = contender.run.directory / "__main__.py"
        shutil.copy(program, contender.run.directory / "program.py")
        original = program.read_text()
        program.write_text(PROFILED_PROGRAM)
        env = contender.run.env
        try:
            contender.run.env = {**env, PROFILE_ENVIRONMENT_VARIABLE: str(directory)}
            seconds = timed(lambda: contender.run.pulumi("preview", "--profiling", str(directory / "engine")))
        finally:
            contender.run.env = env
            program.write_text(original)
            (contender.run.directory / "program.py").unlink()
        print(f"\n## {contender.name}: one profiled preview, {seconds:.2f} s")
        print_import_times(contender)
        for importtime in sorted(directory.glob("host-*.importtime")):
            print(f"\n### provider host import times ({importtime.name}), top {TOP} cumulative")
            print_top_imports(importtime.read_text())
        for kind in ("program", "host"):
            for path in sorted(directory.glob(f"{kind}-*.prof")):
                print(f"\n### cProfile of the {kind} ({path.name}), top {TOP} by cumulative time")
                print_stats(path)
        for path in sorted(directory.glob("engine.*.cpu")):
            print_engine_profile(path)


def print_engine_profile(path: Path) -> None:
    """The engine's own CPU profile (`pulumi --profiling`, Go's pprof), read with Go's pprof when
    Go is installed: its top entries, and the share of its automatic log (every message the
    engine logs, properties included, goes to an encrypted log under PULUMI_HOME/logs)."""
    go = shutil.which("go")
    print(f"\n### the engine's CPU profile ({path.name})")
    if go is None:
        print(f"(Go is not installed: read it with `go tool pprof -top {path}`)")
        return
    for options, lines in ((["-top", "-cum", f"-nodecount={TOP}"], None), (["-top", "-focus=VerboseLogger"], 8)):
        result = subprocess.run(
            [go, "tool", "pprof", *options, str(path)], capture_output=True, text=True, timeout=120, check=False
        )
        print(f"`go tool pprof {' '.join(options)}`")
        print("\n".join(result.stdout.splitlines()[:lines]))


def timed(command: Callable[[], None]) -> float:
    started = time.perf_counter()
    command()
    return time.perf_counter() - started


def print_import_times(contender: Contender) -> None:
    """The program's own imports (those of its __main__.py), in a process of their own."""
    imports = [
        line
        for line in (contender.run.directory / "__main__.py").read_text().splitlines()
        if line.startswith(("import ", "from "))
    ]
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-X", "importtime", "-c", "\n".join(imports)],
        check=True,
        capture_output=True,
        text=True,
        cwd=contender.run.directory,
        env={**os.environ, **{k: v for k, v in contender.run.env.items() if k == "PYTHONPATH"}},
        timeout=120,
    )
    print(f"\n### the program's imports (python -X importtime of its import lines), top {TOP} cumulative")
    print_top_imports(result.stderr)


def print_top_imports(text: str) -> None:
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own_us, cumulative_us, module = (part.strip() for part in line.split(":", 1)[1].split("|"))
        rows.append((int(cumulative_us), int(own_us), module))
    print(f"all imports: {sum(own for _, own, _ in rows) / 1000:.0f} ms")
    for cumulative, own, name in sorted(rows, reverse=True)[:TOP]:
        print(f"  {cumulative / 1000:7.1f} ms cumulative {own / 1000:6.1f} ms own  {name}")


def print_stats(path: Path) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(TOP)
    print(f"this project's own code (catalog/, provider/), top {TOP} by cumulative time:")
    stats.print_stats(r"/(catalog|provider)/", TOP)


if __name__ == "__main__":
    main()
