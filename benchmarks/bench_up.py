"""`pulumi up` of N voices with the real CLI against the emulator's HTTP server, under the quota.

A stack of one project, one consent and N voices from a container URL, in a temporary copy of
the project with a file backend. The emulator provisions each consent and voice in S seconds
and keeps the S0 quota (50 requests in any 10 s, answered 429 beyond). Prints, from one run:

- `up`: wall time; the lower bound max(2 x S, requests / quota rate) (the consent, then the
  voices, can be no faster; nor can the requests sent go faster than the quota lets them);
  the ratio; the quota floor (`quota_floor`: the earliest any client could see the last voice
  done, the window's burst and the consent's place in it counted) and the ratio to it; requests per voice; 429s answered; creates that failed; the provider host's
  peak memory (VmHWM);
- a sequential create-and-poll loop (PUT, then GET every second until Succeeded) on the same
  emulator, for a sample of voices, scaled to N;
- preview, no-op `up` and `refresh` of the same stack: time and requests.

    .venv/bin/python benchmarks/bench_up.py --voices 50 --provisioning 5

With `--accounts K`, the stack declares K Speech accounts (`speechAccounts:`) in the emulator's
Azure Resource Manager front over HTTPS, each with an endpoint, a Custom Voice backend and a
quota of its own, one project and consent in each, and the voices spread over them; keys come
from ARM, signed in as the emulated managed identity. It prints each account's quota floor (its
create, then its share of the voices), `up` against the slower one, requests per voice, 429s
and failed creates over all accounts, the provider host's peak memory, the state file's size,
and preview, no-op `up` and refresh:

    .venv/bin/python benchmarks/bench_up.py --voices 1000 --accounts 2 --provisioning 1
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import yaml

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.account_servers import AccountServers, arm_server
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.quota import S0_QUOTA, Quota
from emulator.tls import LoopbackCertificate

ROOT = Path(__file__).resolve().parents[1]
KEY = "benchmark0123456789abcdef012345"
COMMAND_TIMEOUT = 3600
CONTAINER = "https://contoso.blob.core.windows.net/prompt-audio"
SEQUENTIAL_SAMPLE = 3
SUBSCRIPTION = "00000000-0000-0000-0000-00000000be0c"
REGIONS = ("eastus", "westeurope", "swedencentral", "westus2", "eastus2", "southeastasia", "eastasia")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voices", type=int, default=50)
    parser.add_argument("--provisioning", type=float, default=5.0, help="seconds per consent and voice")
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="the checkout whose program and providers run, with its .venv (default: this one); the emulator "
        "is always this one's",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        help="pulumi's --parallel (its default is 4 per CPU core: 8 on 2 cores); default: the voices, at least 64, "
        "as docs/scale.md advises",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        default=0,
        help=f"Speech accounts in the stack, in the emulator's ARM front (at most {len(REGIONS)}); 0: config "
        "speechEndpoint, as before",
    )
    parser.add_argument(
        "--skip-checkpoints",
        action="store_true",
        help="PULUMI_SKIP_CHECKPOINTS=true: the engine writes the state at the end of each command, not after "
        "each step (docs/scale.md)",
    )
    parser.add_argument(
        "--pulumi-floor",
        action="store_true",
        help="then Pulumi's own up of the same resources from trivial providers (same types, names, inputs, "
        "outputs, dependencies and stack outputs; no quota, no waits), with the same engine settings: what any "
        "Pulumi program creating this state pays",
    )
    parser.add_argument(
        "--profiling",
        type=Path,
        help="a folder: the engine's Go CPU profile of each up (pulumi --profiling), up.<pid>.cpu and "
        "floor.<pid>.cpu, for `go tool pprof -top`",
    )
    parser.add_argument("--account-provisioning", type=float, default=1.0, help="seconds per account create")
    args = parser.parse_args()
    args.parallel = args.parallel or max(64, args.voices)
    if not 0 <= args.accounts <= len(REGIONS):
        parser.error(f"--accounts must be 0 to {len(REGIONS)}")
    pulumi_bin = subprocess.run(
        [str(ROOT / "scripts" / "install-pulumi-cli")], capture_output=True, text=True, check=True, timeout=3600
    ).stdout.splitlines()[-1]
    if args.accounts:
        run_with_accounts(args, pulumi_bin)
        return
    # (The single-resource mode's floor is the quota floor alone; --pulumi-floor is for --accounts.)

    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=args.provisioning)
    with (
        EmulatorServer(backend) as server,
        speech_stack(pulumi_bin, args.project, server.url, args.voices, engine_environment(args)) as run,
    ):
        parallel = f"--parallel={args.parallel}"
        up, peak_kib, cpu = run.timed_with_processes("up", "--yes", "--skip-preview", parallel)
        up_requests, refused = backend.requests, backend.request_window.refused
        failed = args.voices - sum(v["status"] == "Succeeded" for v in backend.list_personal_voices())
        later = {name: (seconds, counts[0]) for name, (seconds, counts) in after_up(run, parallel, [backend]).items()}
    sequential = sequential_loop(args.provisioning) * args.voices

    rate = S0_QUOTA.requests / S0_QUOTA.seconds
    lower_bound = max(2 * args.provisioning, len(up_requests) / rate)
    print(
        f"N={args.voices} voices, provisioning {args.provisioning:g} s, quota {S0_QUOTA} (requests/seconds), "
        f"--parallel {args.parallel}{', checkpoints skipped' if args.skip_checkpoints else ''}"
    )
    floor = quota_floor(args.voices, args.provisioning, S0_QUOTA)
    print(f"up:          {up:7.1f} s   lower bound {lower_bound:.1f} s   ratio {up / lower_bound:.2f}x")
    print(f"quota floor: {floor:7.1f} s   ratio {up / floor:.2f}x (the fewest requests, each at its earliest)")
    print(f"requests:    {len(up_requests)} ({len(up_requests) / args.voices:.2f} per voice), 429s answered: {refused}")
    print(f"failed:      {failed} creates (voices not Succeeded in the service)")
    print(f"host memory: {peak_kib / 1024:.0f} MiB peak (VmHWM of the provider host)")
    print_cpu(cpu, up)
    print(f"sequential:  {sequential:7.1f} s (create-and-poll one at a time, {SEQUENTIAL_SAMPLE} timed, scaled)")
    print(f"speed-up:    {sequential / up:.1f}x over the sequential loop")
    for name, (seconds, count) in later.items():
        print(f"{name + ':':12} {seconds:7.1f} s   {count} requests")
    # The CLI's own time (start, program, plugins, state), which a no-op up is made of.
    net = up - later["no-op up"][0]
    print(
        f"up net of the CLI's own time (no-op up): {net:.1f} s, ratio {net / lower_bound:.2f}x, to the floor {net / floor:.2f}x"
    )


def run_with_accounts(args: argparse.Namespace, pulumi_bin: str) -> None:
    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=args.provisioning)
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    certificate = LoopbackCertificate("127.0.0.1")
    with (
        tempfile.TemporaryDirectory(prefix="bench-arm-") as certificates,
        EmulatorServer(backend) as server,
        arm_server(backend, certificate.server_context(), provisioning_seconds=args.account_provisioning) as arm,
    ):
        ca_file = Path(certificates) / "arm-ca.pem"
        ca_file.write_bytes(certificate.pem)
        assert arm.accounts is not None and isinstance(arm.accounts.endpoints, AccountServers)
        servers = arm.accounts.endpoints
        identity = {"IDENTITY_ENDPOINT": f"{server.url}{TOKEN_PATH}", "IDENTITY_HEADER": header}
        config = {"armEndpoint": arm.url, "armCaBundle": str(ca_file)}
        with stack(
            pulumi_bin,
            args.project,
            config,
            accounts_catalog(args.voices, args.accounts),
            {**identity, **engine_environment(args)},
        ) as run:
            parallel = f"--parallel={args.parallel}"
            up, peak_kib, cpu = run.timed_with_processes(
                "up", "--yes", "--skip-preview", parallel, *profiling(args, "up")
            )
            backends = servers.backends()
            per_account = [(len(b.requests), b.request_window.refused, len(b.list_personal_voices())) for b in backends]
            failed = args.voices - sum(v["status"] == "Succeeded" for b in backends for v in b.list_personal_voices())
            state = run.state_file().read_bytes()
            later = after_up(run, parallel, backends)
            floor_of_pulumi = (
                pulumi_floor(pulumi_bin, state, parallel, engine_environment(args), profiling(args, "floor"))
                if args.pulumi_floor
                else None
            )
    shares = voice_shares(args.voices, args.accounts)
    floors = [args.account_provisioning + quota_floor(share, args.provisioning, S0_QUOTA) for share in shares]
    slower = max(floors)
    requests_sent = sum(count for count, _, _ in per_account)
    print(
        f"N={args.voices} voices over {args.accounts} accounts, provisioning {args.provisioning:g} s (accounts "
        f"{args.account_provisioning:g} s), quota {S0_QUOTA} per account, --parallel {args.parallel}"
        f"{', checkpoints skipped' if args.skip_checkpoints else ''}"
    )
    for index, (floor, share, (count, refused, held)) in enumerate(zip(floors, shares, per_account, strict=True)):
        print(
            f"account {index}: {share} voices, quota floor {floor:.1f} s (its create, then its voices); "
            f"{count} requests, {refused} 429s, {held} voices in its service"
        )
    print(f"up:          {up:7.1f} s   to the slower floor ({slower:.1f} s): {up / slower:.2f}x")
    print(
        f"requests:    {requests_sent} ({requests_sent / args.voices:.2f} per voice), 429s answered: "
        f"{sum(refused for _, refused, _ in per_account)}"
    )
    print(f"failed:      {failed} creates (voices not Succeeded in their account's service)")
    print(f"host memory: {peak_kib / 1024:.0f} MiB peak (VmHWM of the provider host)")
    print_cpu(cpu, up)
    print_state("state file: ", state)
    keep_state(args, "up-state", state)
    for name, (seconds, counts) in later.items():
        print(f"{name + ':':12} {seconds:7.1f} s   requests per account {counts}")
    if floor_of_pulumi:
        seconds, floor_cpu, floor_state = floor_of_pulumi
        bound = max(slower, seconds)
        print(
            f"Pulumi's own up of the same state (trivial resources): {seconds:.1f} s; "
            f"up to the larger of it and the slower quota floor: {up / bound:.2f}x"
        )
        print_cpu(floor_cpu, seconds)
        print_state("its state:  ", floor_state)
        keep_state(args, "floor-state", floor_state)


def profiling(args: argparse.Namespace, name: str) -> tuple[str, ...]:
    """pulumi's --profiling for the command `name`, when --profiling is given."""
    if not args.profiling:
        return ()
    args.profiling.mkdir(parents=True, exist_ok=True)
    return ("--profiling", str(args.profiling.resolve() / name))


def keep_state(args: argparse.Namespace, name: str, text: bytes) -> None:
    """With --profiling, the state file beside the profiles too (`name`.json)."""
    if args.profiling:
        (args.profiling / f"{name}.json").write_bytes(text)


def print_state(label: str, text: bytes) -> None:
    """The state file's size, and the bytes per resource of each field of its resources (compact JSON)."""
    resources = json.loads(text)["checkpoint"]["latest"]["resources"]
    fields: dict[str, int] = {}
    for resource in resources:
        for key, value in resource.items():
            fields[key] = fields.get(key, 0) + len(json.dumps(value, separators=(",", ":")))
    print(
        f"{label} {len(text) / 1024 / 1024:.2f} MiB, {len(resources)} resources, {len(text) / len(resources):.0f} B each"
    )
    print(
        "  per resource: "
        + ", ".join(
            f"{key} {size / len(resources):.0f}" for key, size in sorted(fields.items(), key=lambda item: -item[1])
        )
    )


def print_cpu(cpu: dict[str, float], wall: float) -> None:
    """Where the up's CPU went: on a machine of C cores, C x wall is all there was."""
    cores = os.cpu_count() or 1
    total = sum(cpu.values())
    print(f"CPU:         {total:.1f} s of the {cores} x {wall:.1f} s there were ({total / (cores * wall):.0%})")
    for kind, seconds in sorted(cpu.items(), key=lambda item: -item[1]):
        print(f"  {kind:24} {seconds:7.1f} s")


# Pulumi's floor: trivial dynamic resources, declared by `declare` (bench_preview's floor too).
FLOOR_PROVIDER = '''"""A dynamic provider that does nothing (pickled by reference, as this project's)."""

from pulumi.dynamic import CreateResult, ReadResult, Resource, ResourceProvider

# Pulumi's serialize_provider leaves one more wrapper on the pure-Python Pickler per resource
# (docs/scale.md); put back as found, as this project's resources do, or ~1000 resources fail.
from provider.resource import pickler_as_found


class Trivial(Resource):
    def __init__(self, name, extra):
        super().__init__(TrivialProvider(), name, {"name": name, **extra})


class TrivialProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(props["name"], props)

    def read(self, id_, props):
        return ReadResult(id_, props)


def declare(name, **extra):
    with pickler_as_found():
        Trivial(name, extra)
'''
# The floor of `--pulumi-floor`: the stack's resources again, of the same shape, from trivial dynamic
# providers. The engine's checkpoint work per step is per property and per byte of the state
# (docs/scale.md), so the floor's state is the stack's: the same types and names, the same
# inputs (the program's and check's), outputs, dependencies and property dependencies, and the
# same stack outputs, registered once every resource is created, as the stack's are.
SHAPED_PROVIDER = '''"""Trivial dynamic resources shaped like recorded ones (resource-data.json beside this file)."""

import json
import types
from pathlib import Path

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, ResourceProvider

from provider.resource import pickler_as_found

RECORDED = json.loads(Path(__file__).with_name("resource-data.json").read_text())


def _key(props):
    return json.dumps({k: v for k, v in props.items() if k != "__provider"}, sort_keys=True)


# What check returns for what the program sent, and what create returns for what check returned.
CHECKED = {_key(entry["sent"]): entry["inputs"] for entry in RECORDED}
CREATED = {_key(entry["inputs"]): (entry["id"], entry["outputs"]) for entry in RECORDED}


class ShapedProvider(ResourceProvider):
    def check(self, _olds, news):
        return CheckResult({**CHECKED[_key(news)], "__provider": news["__provider"]}, [])

    def create(self, props):
        return CreateResult(*CREATED[_key(props)])

    def read(self, id_, props):
        return ReadResult(id_, props)


class Shaped(Resource):
    def __init__(self, name, props, opts):
        super().__init__(ShapedProvider(), name, props, opts)


_CLASSES = {}


def _class_of(type_token):
    """A subclass whose type token is `type_token` (pulumi-python:dynamic/MODULE:NAME)."""
    if type_token not in _CLASSES:
        module_part, name = type_token.split(":")[1:]
        keywords = {"module": module_part.partition("/")[2], "name": name}
        _CLASSES[type_token] = types.new_class(name, (Shaped,), keywords)
    return _CLASSES[type_token]


def declare_like(entry, declared):
    """The resource `entry` records, its properties depending on the same resources of `declared`
    (by type::name)."""
    props = {}
    for key, value in entry["sent"].items():
        sources = [declared[other].id for other in entry["propertyDependencies"].get(key, [])]
        props[key] = pulumi.Output.all(*sources).apply(lambda _, value=value: value) if sources else value
    opts = pulumi.ResourceOptions(depends_on=[declared[other] for other in entry["dependencies"]])
    with pickler_as_found():
        return _class_of(entry["type"])(entry["name"], props, opts)
'''
SHAPED_FLOOR_PROGRAM = '''"""The recorded resources again, from trivial providers, and the recorded stack outputs once all are created."""

import json

import pulumi

from catalog.output_waits import install as wait_for_outputs_in_linear_time
from shaped_provider import RECORDED, declare_like

# As the stack's program does: the SDK's own wait is quadratic in the outputs (docs/scale.md).
wait_for_outputs_in_linear_time()
declared = {}
for entry in RECORDED:
    declared[entry["key"]] = declare_like(entry, declared)
created = pulumi.Output.all(*[resource.id for resource in declared.values()])
for key, value in json.load(open("stack-outputs.json")).items():
    pulumi.export(key, created.apply(lambda _, value=value: value))
'''


@contextmanager
def floor_project(
    pulumi_bin: str, program: str, files: dict[str, str], environment: dict[str, str] | None = None
) -> Iterator["Run"]:
    """A stack of its own running `program` (with `FLOOR_PROVIDER` and `files` beside it), with this
    project's runtime and plugins and a file backend."""
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as temporary:
        home = Path(temporary)
        directory = home / "project"
        directory.mkdir()
        (home / "state").mkdir()
        settings = project_settings(ROOT)
        settings["name"] = "trivial-floor"
        settings["description"] = "Pulumi's floor: trivial dynamic resources"
        (directory / "Pulumi.yaml").write_text(yaml.safe_dump(settings))
        (directory / "__main__.py").write_text(program)
        (directory / "trivial_provider.py").write_text(FLOOR_PROVIDER)
        for name, text in files.items():
            (directory / name).write_text(text)
        # This checkout's provider host, whichever the virtualenv's editable install points to.
        env = {**cli_environment(pulumi_bin, ROOT, home), "PYTHONPATH": str(ROOT), **(environment or {})}
        run = Run(directory, env)
        run.pulumi("stack", "init")
        yield run


def pulumi_floor(
    pulumi_bin: str, state: bytes, parallel: str, environment: dict[str, str], extra: tuple[str, ...] = ()
) -> tuple[float, dict[str, float], bytes]:
    """Pulumi's own `up` of the resources of `state` (the state file `up` wrote: a refresh after it
    rewrites the property dependencies) again, of the same shape, from trivial providers
    (`SHAPED_PROVIDER`): seconds, the CPU seconds of each kind of process, and its state file."""
    with shaped_floor(pulumi_bin, state, environment) as floor:
        seconds, _, cpu = floor.timed_with_processes("up", "--yes", "--skip-preview", parallel, *extra)
        return seconds, cpu, floor.state_file().read_bytes()


@contextmanager
def shaped_floor(pulumi_bin: str, state: bytes, environment: dict[str, str] | None = None) -> Iterator["Run"]:
    """A stack (not yet up) of the resources of `state` again, of the same shape, from trivial
    providers: Pulumi's own floor for this data (bench_preview's shaped floor too)."""
    resources = json.loads(state)["checkpoint"]["latest"]["resources"]
    files = {
        "shaped_provider.py": SHAPED_PROVIDER,
        "resource-data.json": json.dumps(recorded_resources(resources)),
        "stack-outputs.json": json.dumps(stack_outputs(resources)),
    }
    with floor_project(pulumi_bin, SHAPED_FLOOR_PROGRAM, files, environment) as floor:
        yield floor


def recorded_resources(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The custom resources of a state's `resources`, in its order, as `SHAPED_PROVIDER` declares them again: type,
    name, key, what the program sent (its property dependencies' keys, the values as checked), the inputs
    check returned, id, outputs, and the names of the resources each depends on."""
    recorded = []
    for resource in resources:
        if not resource.get("custom") or resource["type"].startswith("pulumi:providers:"):
            continue
        inputs = {k: v for k, v in resource.get("inputs", {}).items() if k != "__provider"}
        property_dependencies = resource.get("propertyDependencies", {})
        recorded.append(
            {
                "type": resource["type"],
                "name": resource["urn"].rsplit("::", 1)[1],
                "key": resource_key(resource["urn"]),
                "sent": {k: inputs[k] for k in property_dependencies if k in inputs},
                "inputs": inputs,
                "id": resource["id"],
                "outputs": {k: v for k, v in resource.get("outputs", {}).items() if k != "__provider"},
                "dependencies": [resource_key(urn) for urn in resource.get("dependencies", [])],
                "propertyDependencies": {
                    k: [resource_key(urn) for urn in urns] for k, urns in property_dependencies.items() if urns
                },
            }
        )
    return recorded


def resource_key(urn: str) -> str:
    """type::name, the part of a URN the floor's stack shares (its project is another)."""
    return urn.split("::", 2)[2]


def stack_outputs(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r.get("outputs", {}) for r in resources if r["type"] == "pulumi:pulumi:Stack")


def engine_environment(args: argparse.Namespace) -> dict[str, str]:
    return {"PULUMI_SKIP_CHECKPOINTS": "true"} if args.skip_checkpoints else {}


def voice_shares(voices: int, accounts: int) -> list[int]:
    """How many of the voices each account holds (round-robin, as `accounts_catalog` spreads them)."""
    return [len(range(index, voices, accounts)) for index in range(accounts)]


def quota_floor(voices: int, provisioning: float, quota: Quota) -> float:
    """Seconds until the last voice can be seen done, for any client: the fewest requests (the
    project's create, the consent's, one poll that finds it done, the voices' creates, one poll
    that finds the last done), each sent at the earliest the order and the quota allow. The
    quota is a sliding window: request k can go no sooner than `quota.seconds` after request
    k - `quota.requests`. So a burst fills the window at once, and what comes after waits for
    the burst's requests to leave it: max(2 x S, requests / rate) does not see that."""
    sent: list[float] = []

    def send(earliest: float) -> float:
        if quota.requests and len(sent) >= quota.requests:
            earliest = max(earliest, sent[-quota.requests] + quota.seconds)
        sent.append(earliest)
        return earliest

    send(0.0)  # the project
    consent_done = send(0.0) + provisioning
    voices_allowed = send(consent_done)  # the poll that finds the consent done
    last_create = max(send(voices_allowed) for _ in range(voices))
    return send(last_create + provisioning)


class Run:
    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env

    def pulumi(self, *args: str) -> None:
        result = subprocess.run(
            ["pulumi", *args, "--stack", "bench", "--non-interactive"],
            check=False,
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        if result.returncode != 0:
            sys.exit(f"pulumi {' '.join(args)} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr}")

    def state_file(self) -> Path:
        """The file backend's checkpoint of the stack."""
        state = Path(self.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
        return next((state / ".pulumi" / "stacks").glob("*/bench.json"))

    def timed(self, *args: str) -> float:
        started = time.perf_counter()
        self.pulumi(*args)
        return time.perf_counter() - started

    def timed_with_processes(self, *args: str) -> tuple[float, int, dict[str, float]]:
        """The command's wall time, the largest VmHWM (KiB) a provider host reached, and the CPU
        seconds each kind of process of the run used (`PROCESS_KINDS`, and this process's own:
        the emulator). The run's processes are told from other runs' on the machine by this run's
        backend in their environment."""
        peaks: dict[int, int] = {}
        cpu: dict[int, tuple[str, float]] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                for pid, kind, kib, seconds in run_processes(self.env["PULUMI_BACKEND_URL"]):
                    if kind == "provider host":
                        peaks[pid] = max(peaks.get(pid, 0), kib)
                    cpu[pid] = (kind, seconds)

        sampler = threading.Thread(target=sample, daemon=True)
        own_before = time.process_time()
        sampler.start()
        try:
            wall = self.timed(*args)
        finally:
            done.set()
            sampler.join()
        by_kind = {"emulator (this process)": time.process_time() - own_before}
        for kind, seconds in cpu.values():
            by_kind[kind] = by_kind.get(kind, 0.0) + seconds
        return wall, max(peaks.values(), default=0), by_kind


def after_up(run: Run, parallel: str, backends: list[CustomVoiceBackend]) -> dict[str, tuple[float, list[int]]]:
    """Preview, no-op `up` and refresh of the stack `up` made: each one's time, and the requests
    each of `backends` received during it."""
    later = {}
    for name, command in (
        ("preview", ("preview",)),
        ("no-op up", ("up", "--yes", "--skip-preview", "--expect-no-changes", parallel)),
        ("refresh", ("refresh", "--yes", "--skip-preview", parallel)),
    ):
        for backend in backends:
            backend.clear_requests()
        later[name] = (run.timed(*command), [len(backend.requests) for backend in backends])
    return later


# The processes of a run, by what their command line holds (first match wins).
PROCESS_KINDS = (
    (b"provider.host", "provider host"),
    (b"pulumi.dynamic", "provider host"),
    (b"pulumi-language-python-exec", "program"),
    (b"pulumi-language-python", "language host"),
    (b"pulumi-resource-pulumi-python", "provider launcher"),
)
ENGINE = "engine (pulumi)"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def run_processes(backend_url: str) -> Iterator[tuple[int, str, int, float]]:
    """(pid, kind, VmHWM in KiB, CPU seconds so far) of each process of a kind in PROCESS_KINDS
    whose environment has PULUMI_BACKEND_URL=`backend_url` (the engine passes it on to the
    language host, the program and the provider hosts)."""
    own_run = f"PULUMI_BACKEND_URL={backend_url}\0".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            kind = next((name for marker, name in PROCESS_KINDS if marker in command), None)
            if kind is None and command.split(b" ", 1)[0].endswith(b"pulumi"):
                kind = ENGINE
            if kind is None or own_run not in (entry / "environ").read_bytes() + b"\0":
                continue
            status = (entry / "status").read_text()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
        # utime and stime are the 14th and 15th fields of stat, the 12th and 13th after the command.
        yield int(entry.name), kind, int(hwm), (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@contextmanager
def stack(
    pulumi_bin: str,
    project: Path,
    config: dict[str, str],
    declared: dict[str, Any],
    environment: dict[str, str] | None = None,
) -> Iterator[Run]:
    """A stack of `declared` (a catalog) with the plain `config` and config sasToken; the CLI's
    environment has `environment` too."""
    with tempfile.TemporaryDirectory(prefix="bench-up-") as temporary:
        home = Path(temporary)
        directory = home / "project"
        (directory / "stacks").mkdir(parents=True)
        (home / "state").mkdir()
        shutil.copy(project / "__main__.py", directory)
        (directory / "Pulumi.yaml").write_text(yaml.safe_dump(project_settings(project)))
        (directory / "stacks" / "bench.yaml").write_text(yaml.safe_dump(declared, sort_keys=False))
        run = Run(directory, {**cli_environment(pulumi_bin, project, home), **(environment or {})})
        run.pulumi("stack", "init")
        for key, value in config.items():
            run.pulumi("config", "set", key, value)
        run.pulumi("config", "set", "--secret", "sasToken", "sv=2024-11-04&sp=rl&sr=c&sig=YmVuY2g%3D")
        run.pulumi("config", "set", "sasContainer", CONTAINER)
        yield run


@contextmanager
def speech_stack(
    pulumi_bin: str, project: Path, endpoint: str, voices: int, environment: dict[str, str] | None = None
) -> Iterator[Run]:
    """`catalog(voices)` on the Speech resource at `endpoint` (config speechEndpoint and speechKey)."""
    with stack(pulumi_bin, project, {"speechEndpoint": endpoint}, catalog(voices), environment) as run:
        run.pulumi("config", "set", "--secret", "speechKey", KEY)
        yield run


def project_settings(project: Path) -> dict[str, Any]:
    """`project`'s Pulumi.yaml, for a copy elsewhere: its virtualenv and provider launcher by absolute path."""
    settings: dict[str, Any] = yaml.safe_load((project / "Pulumi.yaml").read_text())
    settings["runtime"]["options"]["virtualenv"] = str(project / ".venv")
    for plugin in settings.get("plugins", {}).get("providers", []):
        plugin["path"] = str(project / plugin["path"])
    return settings


def cli_environment(pulumi_bin: str, project: Path, home: Path) -> dict[str, str]:
    """The pinned CLI and `project`'s virtualenv first on PATH, a file backend under `home`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PULUMI_") and k != "PYTHONPATH"},
        "PATH": f"{pulumi_bin}{os.pathsep}{project / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PULUMI_HOME": str(home / "pulumi-home"),
        "PULUMI_BACKEND_URL": f"file://{home / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PV_ALLOW_VOICE_DELETES": "1",
    }


def catalog(voices: int) -> dict[str, Any]:
    return {
        "projects": [{"id": "bench-project"}],
        "consents": [
            {
                "id": "bench-consent",
                "projectId": "bench-project",
                "voiceTalentName": "Jessica Smith",
                "companyName": "Contoso",
                "locale": "en-US",
                "audioUrl": f"{CONTAINER}/consent.wav",
            }
        ],
        "voices": [
            {
                "id": f"voice-{index:04d}",
                "projectId": "bench-project",
                "consentId": "bench-consent",
                "audios": {"containerUrl": CONTAINER, "prefix": f"voice-{index:04d}/", "extensions": [".wav"]},
            }
            for index in range(voices)
        ],
    }


def accounts_catalog(voices: int, accounts: int) -> dict[str, Any]:
    """`catalog(voices)` over `accounts` Speech accounts: a project and a consent in each, the
    voices round-robin."""
    single = catalog(voices)
    names = [f"bench-{index}" for index in range(accounts)]
    consent = single["consents"][0]
    return {
        "speechAccounts": [
            {
                "name": name,
                "subscriptionId": SUBSCRIPTION,
                "resourceGroupName": "bench-rg",
                "accountName": f"bench-voices-{index}",
                "location": REGIONS[index],
                "protect": False,
                "purgeOnDelete": True,
            }
            for index, name in enumerate(names)
        ],
        "projects": [{"id": f"{name}-project", "account": name} for name in names],
        "consents": [{**consent, "id": f"{name}-consent", "projectId": f"{name}-project"} for name in names],
        "voices": [
            {
                **voice,
                "projectId": f"{names[index % accounts]}-project",
                "consentId": f"{names[index % accounts]}-consent",
            }
            for index, voice in enumerate(single["voices"])
        ],
    }


def sequential_loop(provisioning: float) -> float:
    """Seconds per voice of Microsoft's samples' way: create, then GET every second."""
    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=provisioning)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    headers = {"Ocp-Apim-Subscription-Key": KEY}
    params = {"api-version": "2026-01-01"}
    body = {"projectId": "proj", "consentId": "consent", "audios": {"containerUrl": CONTAINER, "extensions": [".wav"]}}
    with EmulatorServer(backend) as server, requests.Session() as session:
        started = time.perf_counter()
        for index in range(SEQUENTIAL_SAMPLE):
            url = f"{server.url}/customvoice/personalvoices/seq-{index}"
            session.put(url, json=body, headers=headers, params=params, timeout=30).raise_for_status()
            while session.get(url, headers=headers, params=params, timeout=30).json()["status"] != "Succeeded":
                time.sleep(1.0)
        return (time.perf_counter() - started) / SEQUENTIAL_SAMPLE


if __name__ == "__main__":
    main()
