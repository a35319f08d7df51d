"""The real pulumi CLI, a local file backend and the emulator's HTTP server, in a temporary
copy of the project. Every command is bounded in time; the fixtures stop what they start.

Every project is scanned for secrets at its end, whether its test passed or failed: all the
CLI printed, `pulumi stack export` and the emulator's request log must hold none of the
secrets the test could configure (Speech key, storage account key, SAS signatures, the
managed identity header), raw, URL-encoded or base64, nor any bearer token. (Azurite runs
`--silent`: it keeps no request log to scan.)"""

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.account_servers import AccountServers, arm_server
from emulator.arm import AccountsService
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.prompt_audio_inspector import PromptAudioInspector
from emulator.tls import LoopbackCertificate
from tests.identity import managed_identity_env
from tests.storage_fixtures import ACCOUNT_KEY

ROOT = Path(__file__).resolve().parents[2]
KEY = "e2e0123456789abcdef0123456789abc"
SAS_SIGNATURES = ("ZTJlc2lnbmF0dXJlb25l", "ZTJlc2lnbmF0dXJldHdv")
# The container config sasToken is issued for, which the catalogs' URLs (tests/e2e/catalogs.py) lie in.
SAS_CONTAINER = "http://127.0.0.1:10000/devstoreaccount1/voices"
COMMAND_TIMEOUT = 300
# Every JWT starts with the base64 of '{"', header and payload alike.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


def sas_token(signature: str) -> str:
    return f"sv=2024-11-04&sp=rl&se=2030-01-01T00%3A00%3A00Z&sr=c&sig={signature}%3D"


def shown(args: tuple[str, ...]) -> str:
    """The command line, with the value of a `config set --secret` masked."""
    return " ".join(args[:-1] + ("[secret]",)) if "--secret" in args else " ".join(args)


@pytest.fixture(scope="session")
def pulumi_bin() -> str:
    installed = subprocess.run(
        [str(ROOT / "scripts" / "install-pulumi-cli")], capture_output=True, text=True, timeout=3600, check=True
    )
    return installed.stdout.strip().splitlines()[-1]


class _WrittenOut(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass
class Project:
    """A temporary copy of the project with its own stack, backend and emulator."""

    directory: Path
    env: dict[str, str]
    server: EmulatorServer
    stack: str = "e2e"
    # The emulator's ARM front (mode "account"): the catalog's accounts live there, each with
    # an endpoint and backend of its own.
    arm: EmulatorServer | None = None
    transcript: list[str] = field(default_factory=list)
    # Secrets a test made itself (a SAS it minted, say), scanned for as the fixed ones are.
    own_secrets: dict[str, str] = field(default_factory=dict)

    @property
    def backend(self) -> CustomVoiceBackend:
        return self.server.backend

    @property
    def accounts(self) -> AccountsService:
        assert self.arm is not None and self.arm.accounts is not None, "a project of mode 'account'"
        return self.arm.accounts

    def account_backends(self) -> list[CustomVoiceBackend]:
        """The Custom Voice backend of every account endpoint opened so far."""
        if self.arm is None or self.arm.accounts is None:
            return []
        endpoints = self.arm.accounts.endpoints
        return endpoints.backends() if isinstance(endpoints, AccountServers) else []

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs the CLI on the stack (see `pulumi_without_stack`)."""
        return self.pulumi_without_stack(*args, "--stack", self.stack, check=check)

    def pulumi_without_stack(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs the CLI; what it prints is kept for the secret scans, unless it was asked to
        show secrets (`--show-secrets`)."""
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            check=False,
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        # What the CLI printed, to be searched for secrets (our own command line holds them).
        if "--show-secrets" not in args:
            self.transcript.append(f"{result.stdout}\n{result.stderr}")
        if check and result.returncode != 0:
            raise AssertionError(f"pulumi {shown(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def login(self, backend_url: str) -> None:
        """`pulumi login` to `backend_url`, with this project's environment (its PULUMI_HOME)."""
        self.pulumi_without_stack("login", backend_url)

    def script(self, name: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Runs the repository's scripts/NAME on this project (PV_PROJECT_DIR), `stdin` its
        standard input (never a terminal); what it prints is kept for the secret scan."""
        result = subprocess.run(
            [str(ROOT / "scripts" / name), *args],
            env={**self.env, "PV_PROJECT_DIR": str(self.directory)},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        self.transcript.append(f"{result.stdout}\n{result.stderr}")
        return result

    def write_catalog(self, catalog: dict[str, Any]) -> None:
        # As a person writes it: no anchors and aliases for values that happen to be shared.
        text = yaml.dump(catalog, Dumper=_WrittenOut, sort_keys=False)
        (self.directory / "stacks" / f"{self.stack}.yaml").write_text(text)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "output", "--json").stdout)

    def voices_in_service(self) -> dict[str, dict[str, Any]]:
        return {v["id"]: v for v in self.backend.list_personal_voices()}

    def account_backend(self, subscription_id: str, resource_group: str, name: str) -> CustomVoiceBackend:
        """The Custom Voice backend of one account of the ARM front."""
        endpoints = self.accounts.endpoints
        assert isinstance(endpoints, AccountServers)
        account = self.accounts.get(AccountKey(subscription_id, resource_group, name))
        return endpoints.backend_at(account["properties"]["endpoint"])

    def clear_requests(self) -> None:
        for backend in (self.backend, *self.account_backends()):
            backend.clear_requests()

    def writes_seen(self) -> list[tuple[str, str]]:
        """Every write request the emulator's Custom Voice endpoints (its own and its accounts') saw."""
        return [
            (r.method, r.path)
            for backend in (self.backend, *self.account_backends())
            for r in backend.requests
            if r.is_write
        ]


@dataclass(frozen=True)
class StateBackend:
    """A backend other than a local folder: the URL `pulumi login` is given, and the environment
    the CLI needs to reach it (credentials stay there, out of the command line)."""

    url: str
    env: dict[str, str]


@pytest.fixture
def project(tmp_path: Path, pulumi_bin: str, request: pytest.FixtureRequest) -> Iterator[Project]:
    """Authenticated with the Speech key, or, parametrized indirectly with "entra", with Microsoft
    Entra ID: config `authentication: entra`, no key, a token from the emulator's managed identity.
    Parametrized with "storage", the emulator reads prompt audio through each voice's SAS URL
    (from Azurite) as the service does, and the stack has Azurite's account key. "entra-storage"
    is both Entra and that reading, from `azurite_entra` (HTTPS; its certificate trusted)."""
    mode = getattr(request, "param", "key")
    trust = request.getfixturevalue("azurite_entra").ca_file if mode == "entra-storage" else None
    with new_project(tmp_path, pulumi_bin, mode, trust) as made:
        yield made


def write_project_file(source: Path, directory: Path) -> None:
    """`source`'s Pulumi.yaml into `directory`, its paths (the virtualenv, plugin folders),
    relative to `source`, made absolute."""
    project_file = yaml.safe_load((source / "Pulumi.yaml").read_text())
    options = project_file["runtime"]["options"]
    options["virtualenv"] = str((source / options["virtualenv"]).resolve())
    for plugin in project_file.get("plugins", {}).get("providers", []):
        plugin["path"] = str((source / plugin["path"]).resolve())
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump(project_file))


@contextmanager
def new_project(
    tmp_path: Path,
    pulumi_bin: str,
    mode: str = "key",
    trust: Path | None = None,
    state: StateBackend | None = None,
) -> Iterator[Project]:
    """A project in `tmp_path` with its stack initialised and configured, destroyed at the end.
    `trust`: a certificate the provider host and the emulator trust besides the usual ones.
    `state`: the backend to `pulumi login` to, instead of a local folder.
    Mode "account": no Speech endpoint or key in config; the emulator's ARM front over HTTPS
    (its certificate trusted through config armCaBundle), where the catalog's speechAccounts
    are made, and a managed identity that may manage them."""
    entra = mode in ("entra", "entra-storage")
    inspector = PromptAudioInspector(str(trust) if trust else None) if mode.endswith("storage") else None
    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=0.3, audio_inspector=inspector)
    if mode == "account":
        identity_header: str | None = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    else:
        identity_header = backend.enable_entra() if entra else None
    directory = tmp_path / "project"
    directory.mkdir()
    shutil.copy(ROOT / "__main__.py", directory)
    (directory / "stacks").mkdir()
    write_project_file(ROOT, directory)
    env = {
        # The keys come from the stack's config alone (a case removes one from it).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PULUMI_") and k not in ("PYTHONPATH", "AZURE_SPEECH_KEY", "AZURE_STORAGE_KEY")
        },
        "PATH": f"{pulumi_bin}{os.pathsep}{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        **({"REQUESTS_CA_BUNDLE": str(trust)} if trust else {}),
        **({"PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}"} if state is None else state.env),
    }
    if state is None:
        (tmp_path / "state").mkdir()
    with ExitStack() as running:
        server = running.enter_context(EmulatorServer(backend))
        project = Project(directory, env, server)
        if state is not None:
            project.login(state.url)
        project.pulumi("stack", "init")
        if mode == "storage":
            project.pulumi("config", "set", "--secret", "storageAccountKey", ACCOUNT_KEY)
        project.pulumi("config", "set", "pollIntervalSeconds", "0.1")
        if mode == "account":
            certificate = LoopbackCertificate("127.0.0.1")
            ca_file = tmp_path / "arm-ca.pem"
            ca_file.write_bytes(certificate.pem)
            project.arm = running.enter_context(
                arm_server(backend, certificate.server_context(), provisioning_seconds=0.3)
            )
            project.pulumi("config", "set", "armEndpoint", project.arm.url)
            project.pulumi("config", "set", "armCaBundle", str(ca_file))
        else:
            project.pulumi("config", "set", "speechEndpoint", server.url)
        if identity_header is None:
            project.pulumi("config", "set", "--secret", "speechKey", KEY)
        else:
            project.env = managed_identity_env(env, f"{server.url}{TOKEN_PATH}", identity_header)
        if entra:
            project.pulumi("config", "set", "authentication", "entra")
        project.pulumi("config", "set", "--secret", "sasToken", sas_token(SAS_SIGNATURES[0]))
        project.pulumi("config", "set", "sasContainer", SAS_CONTAINER)
        yield project
        leaked = leaks(project)
        project.pulumi("destroy", "--yes", check=False)
        assert leaked == [], f"secrets leaked: {leaked}"


def leaks(project: Project) -> list[str]:
    """Which secret shows where (see the module docstring)."""
    project.pulumi("stack", "export", check=False)  # into the transcript
    requests = [request for backend in (project.backend, *project.account_backends()) for request in backend.requests]
    texts = {
        "CLI output": "\n".join(project.transcript),
        "emulator request log": json.dumps([request.to_json() for request in requests]),
    }
    secrets = {"Speech key": KEY, "storage account key": ACCOUNT_KEY}
    if project.arm is not None:
        secrets |= {f"account key {n}": key for n, key in enumerate(project.accounts.issued_keys())}
    secrets |= {f"SAS signature {n}": signature for n, signature in enumerate(SAS_SIGNATURES)}
    secrets |= project.own_secrets
    if "IDENTITY_HEADER" in project.env:
        secrets["managed identity header"] = project.env["IDENTITY_HEADER"]
    found = {
        f"{name} in the {where}"
        for name, secret in secrets.items()
        for form in (secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode())
        for where, text in texts.items()
        if form in text
    }
    found |= {f"a bearer token in the {where}" for where, text in texts.items() if JWT.search(text)}
    return sorted(found)
