"""From the emulator to a Speech resource of one's own, as a new user goes: `scripts/new-stack`
makes the stack (its secrets on standard input), `scripts/doctor` checks it before the first
`up`, and `pulumi up` makes the voice of the starter catalog's template; with the key and with
Entra ID, on a local folder and on Azure Blob Storage (Azurite). Then what the doctor says of
stacks that are broken as real ones are: a wrong key, an identity that may only read, a
regional endpoint with Entra ID, a container that cannot be reached."""

import json
import os
import pty
import re
import select
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.storage.blob import ContainerClient

from emulator.identity import SPEECH_USER, TOKEN_PATH
from tests.audio import write_wav
from tests.e2e.conftest import COMMAND_TIMEOUT, KEY, ROOT, SAS_SIGNATURES, Project, sas_token
from tests.identity import managed_identity_env
from tests.storage_fixtures import ACCOUNT_KEY, ACCOUNT_NAME, Azurite

pytestmark = pytest.mark.e2e

STACK = "mine"
VOICE = "JanePersonalVoice"
READER_CLIENT_ID = "5eaded00-0000-4000-8000-000000000001"
# The lines of the starter catalog's template: indented comments.
TEMPLATE_LINE = re.compile(r"(?m)^([ \t]+)# ?")


def as_a_new_user(project: Project, home: Path) -> None:
    """No backend set by the environment (new-stack logs in), a PULUMI_HOME of one's own, and
    the stack new-stack is about to make."""
    project.env = {k: v for k, v in project.env.items() if k != "PULUMI_BACKEND_URL"}
    project.env["PULUMI_HOME"] = str(home)
    project.stack = STACK


def new_stack(project: Project, *args: str, stdin: str = "", stack: str = STACK) -> str:
    made = project.script("new-stack", stack, "--endpoint", project.server.url, *args, stdin=stdin)
    assert made.returncode == 0, made.stderr
    return made.stdout


def doctor(project: Project, stack: str = STACK) -> tuple[int, list[tuple[str, str, str]]]:
    """The exit status, and each check's (status, check, what it found)."""
    result = project.script("doctor", stack)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"doctor: stack {stack}") and lines[-1].startswith("doctor: "), result.stdout
    checks = []
    for line in lines[1:-1]:
        status, _, rest = line.partition(" ")
        check, _, found = rest.strip().partition(": ")
        checks.append((status, check, found))
    return result.returncode, checks


def statuses(checks: list[tuple[str, str, str]]) -> dict[str, str]:
    return {check: status for status, check, _ in checks}


def found(checks: list[tuple[str, str, str]], name: str) -> str:
    return next(text for _, check, text in checks if check == name)


def use_the_template(project: Project, stack: str = STACK) -> None:
    """Uncomment the starter catalog's template and put the recordings where it says."""
    catalog = project.directory / "stacks" / f"{stack}.yaml"
    catalog.write_text(TEMPLATE_LINE.sub(r"\1", catalog.read_text()))
    write_wav(project.directory / "stacks" / f"{stack}-audio" / "consent.wav", 3, 24000)
    write_wav(project.directory / "stacks" / f"{stack}-audio" / "prompt.wav", 8, 24000)


def first_voice(project: Project) -> None:
    """The doctor passes on the starter catalog and on its template, then `up` makes the voice."""
    status, checks = doctor(project)
    assert status == 0 and set(statuses(checks).values()) == {"ok"}, checks
    assert found(checks, "catalog") == f"stacks/{STACK}.yaml loads: 0 project(s), 0 consent(s), 0 voice(s)"
    assert project.backend.list_projects() == []  # the doctor created nothing

    use_the_template(project)
    project.pulumi("config", "set", "pollIntervalSeconds", "0.1")
    status, checks = doctor(project)
    assert status == 0, checks
    assert found(checks, "catalog") == f"stacks/{STACK}.yaml loads: 1 project(s), 1 consent(s), 1 voice(s)"

    project.pulumi("up", "--yes")
    voice = project.voices_in_service()[VOICE]
    assert voice["status"] == "Succeeded"
    assert project.outputs()["voices"][VOICE]["speakerProfileId"] == voice["speakerProfileId"]
    assert [p["id"] for p in project.backend.list_projects()] == [f"{STACK}-voices"]


@pytest.mark.parametrize("project", ["key", "entra"], indirect=True)
def test_new_stack_then_doctor_then_a_first_voice_on_a_local_backend(project: Project, tmp_path: Path):
    entra = "IDENTITY_HEADER" in project.env
    as_a_new_user(project, tmp_path / "home")
    if entra:  # the default backend: the project's own .pulumi-state
        printed = new_stack(project, "--auth", "entra")
        state = project.directory / ".pulumi-state"
    else:
        state = tmp_path / "my-state"
        printed = new_stack(project, "--auth", "key", "--backend", f"file://{state}", stdin=f"{KEY}\n")
    assert f"new-stack: stack {STACK} is ready" in printed
    assert f"scripts/doctor {STACK}" in printed and f"pulumi up --stack {STACK}" in printed
    assert (state / ".pulumi" / "stacks" / "personal-voice" / f"{STACK}.json").is_file()
    config = json.loads(project.pulumi("config", "--json", "--show-secrets").stdout)
    assert config["personal-voice:authentication"]["value"] == ("entra" if entra else "key")
    assert config["personal-voice:speechEndpoint"]["value"] == project.server.url
    if not entra:
        assert config["personal-voice:speechKey"] == {"value": KEY, "secret": True}
        assert KEY not in (project.directory / f"Pulumi.{STACK}.yaml").read_text()

    first_voice(project)
    credential = found(doctor(project)[1], "credential")
    assert credential.startswith("a token of the identity" if entra else "the Speech key (config speechKey)")


@pytest.fixture
def team_state(azurite_entra: Azurite) -> Iterator[ContainerClient]:
    container = azurite_entra.new_container()
    yield container
    container.delete_container()


def test_new_stack_then_doctor_then_a_first_voice_on_azure_blob_storage(
    project: Project, tmp_path: Path, azurite_entra: Azurite, team_state: ContainerClient
):
    """The backend as tests/e2e/test_azblob_backend.py reaches Azurite: the account and its key
    in the environment, its endpoint in the URL, its certificate trusted."""
    as_a_new_user(project, tmp_path / "home")
    project.env |= {
        "AZURE_STORAGE_ACCOUNT": ACCOUNT_NAME,
        "AZURE_STORAGE_KEY": ACCOUNT_KEY,
        "SSL_CERT_FILE": str(azurite_entra.ca_file),
    }
    backend = f"azblob://{team_state.container_name}?domain=127.0.0.1:{azurite_entra.port}"
    new_stack(project, "--auth", "key", "--backend", backend, stdin=f"{KEY}\n")
    assert f".pulumi/stacks/personal-voice/{STACK}.json" in [blob.name for blob in team_state.list_blobs()]
    assert "Backend URL: azblob://" in project.pulumi_without_stack("whoami", "--verbose").stdout

    first_voice(project)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_doctor_names_what_is_broken_and_what_to_do(project: Project, tmp_path: Path):
    as_a_new_user(project, tmp_path / "home")
    refused = project.script(
        "new-stack", STACK, "--endpoint", "https://westeurope.api.cognitive.microsoft.com", "--auth", "entra"
    )
    assert refused.returncode == 2 and not (project.directory / f"Pulumi.{STACK}.yaml").exists()
    assert refused.stderr.startswith("new-stack: speechEndpoint: 'https://westeurope.api.cognitive.microsoft.com'")
    state = f"file://{tmp_path / 'state'}"
    new_stack(project, "--auth", "key", "--backend", state, stdin=f"{KEY}\n")
    use_the_template(project)

    # Another passphrase than the stack's: its config cannot be read.
    passphrase = project.env["PULUMI_CONFIG_PASSPHRASE"]
    project.env["PULUMI_CONFIG_PASSPHRASE"] = "not-the-passphrase"
    status, checks = doctor(project)
    project.env["PULUMI_CONFIG_PASSPHRASE"] = passphrase
    assert status == 1 and [(s, c) for s, c, _ in checks] == [("FAIL", "stack config")]
    assert found(checks, "stack config").startswith(f"pulumi could not read stack {STACK}'s config: ")
    assert "incorrect passphrase" in found(checks, "stack config")

    # A key of another resource.
    project.pulumi("config", "set", "--secret", "speechKey", "0ther0resource0key0000000000000")
    status, checks = doctor(project)
    assert status == 1
    failing = {check: status for check, status in statuses(checks).items() if status != "ok"}
    assert failing == {"credential": "FAIL", "may write": "skip", "api-version": "skip"}
    assert found(checks, "credential").startswith("the Speech key (config speechKey) was refused: ")
    assert "(HTTP 401, code 401) -> use Key 1 or Key 2 of this very resource" in found(checks, "credential")
    assert "0ther0resource0key" not in project.transcript[-1]

    # Entra ID, with an identity that may only read (Cognitive Services Speech User).
    header = project.backend.enable_entra(user_assigned={READER_CLIENT_ID: [SPEECH_USER]})
    project.env = managed_identity_env(project.env, f"{project.server.url}{TOKEN_PATH}", header)
    project.pulumi("config", "set", "authentication", "entra")
    project.pulumi("config", "set", "entraClientId", READER_CLIENT_ID)
    status, checks = doctor(project)
    assert status == 1
    assert statuses(checks)["credential"] == "ok" and statuses(checks)["may write"] == "FAIL"
    assert found(checks, "may write").startswith("the identity may only read: a create is refused for its role")
    assert "(HTTP 403, code Forbidden" in found(checks, "may write")
    assert found(checks, "may write").endswith(
        "-> assign it Cognitive Services Speech Contributor on the Speech "
        "resource (Cognitive Services Speech User reads only)"
    )
    assert project.backend.list_projects() == []

    # Entra ID on a regional endpoint: refused before any request.
    requests_before = len(project.backend.requests)
    project.pulumi("config", "set", "speechEndpoint", "https://westeurope.api.cognitive.microsoft.com")
    status, checks = doctor(project)
    assert status == 1
    assert statuses(checks)["endpoint form"] == "FAIL" and statuses(checks)["Speech resource"] == "skip"
    assert "is not a custom subdomain endpoint" in found(checks, "endpoint form")
    assert found(checks, "region") == "westeurope offers personal voice"
    assert len(project.backend.requests) == requests_before

    # A container the service could not read: a stack of its own, made with a SAS on standard input.
    unreachable = f"http://127.0.0.1:{closed_port()}/devstoreaccount1/voices"
    sas = sas_token(SAS_SIGNATURES[1])
    new_stack(
        project,
        "--auth",
        "key",
        "--container-url",
        unreachable,
        "--backend",
        state,
        stdin=f"{KEY}\n{sas}\n",
        stack="shared",
    )
    use_the_template(project, "shared")
    status, checks = doctor(project, "shared")
    assert status == 1
    assert [(s, c) for s, c, _ in checks if s != "ok"] == [("FAIL", f"prompt audio of {VOICE}")]
    text = found(checks, f"prompt audio of {VOICE}")
    assert text.startswith(f"{unreachable} cannot be listed: [Errno 111] Connection refused -> check the URL")
    assert "it expires 2030-01-01T00:00:00Z" in text


def in_a_terminal(project: Project, command: list[str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Runs `command` on a terminal of its own (a pseudo-terminal), typing each answer once its
    question shows; returns the exit status and all the terminal showed."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the terminal is its standard input and output
        os.execve(command[0], command, {**project.env, "PV_PROJECT_DIR": str(project.directory)})
    shown, typed_at, pending = b"", 0, list(answers)
    deadline = time.monotonic() + COMMAND_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if not select.select([terminal], [], [], 0.2)[0]:
                continue
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the child is gone
                break
            if not chunk:
                break
            shown += chunk
            if pending and pending[0][0].encode() in shown[typed_at:]:
                os.write(terminal, f"{pending.pop(0)[1]}\n".encode())
                typed_at = len(shown)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(terminal)
    text = shown.decode(errors="replace")
    project.transcript.append(text)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), text


def test_new_stack_asks_in_a_terminal_and_shows_no_secret(project: Project, tmp_path: Path):
    as_a_new_user(project, tmp_path / "home")
    state = tmp_path / "state"
    status, shown = in_a_terminal(
        project,
        [str(ROOT / "scripts" / "new-stack"), STACK],
        [
            ("Speech endpoint (https://{name}.cognitiveservices.azure.com): ", project.server.url),
            ("Authentication, entra (preferred) or key [entra]: ", "key"),
            ("3) your own container and its SAS token [1]: ", ""),
            ("(a team's) [file://", f"file://{state}"),
            ("Speech key (Key 1 or Key 2 of the resource) (not shown): ", KEY),
        ],
    )

    assert status == 0, shown
    assert f"new-stack: stack {STACK} is ready" in shown
    assert project.server.url in shown and KEY not in shown  # the answers echo, the key does not
    config = json.loads(project.pulumi("config", "--json", "--show-secrets").stdout)
    assert config["personal-voice:speechKey"] == {"value": KEY, "secret": True}
    assert config["personal-voice:speechEndpoint"]["value"] == project.server.url
    assert (state / ".pulumi" / "stacks" / "personal-voice" / f"{STACK}.json").is_file()
