"""scripts/new-stack before it runs pulumi: what it refuses (one line, nothing created), what it
asks in a terminal, and the starter catalog it writes, which loads as it is and, its template
uncommented, declares one project, one consent and one voice. (tests/e2e/test_new_stack_doctor.py
runs it through the real CLI.)"""

import io
import re
import sys
from pathlib import Path

import pytest

from catalog.loader import load_catalog
from scripts import new_stack
from scripts.starter_catalog import CONTAINER, LOCAL_FILES, MANAGED, StorageChoice, starter_catalog
from tests.audio import write_wav

ENDPOINT = "https://contoso-speech.cognitiveservices.azure.com"
TEMPLATE_LINE = re.compile(r"(?m)^([ \t]+)# ?")


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A project folder, no backend or passphrase in the environment, standard input not a terminal."""
    monkeypatch.chdir(tmp_path)
    for name in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "argv", ["scripts/new-stack", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return new_stack.main()

    return run


@pytest.mark.parametrize(
    "args, stdin, error",
    [
        (
            ["mine", "--endpoint", "https://westeurope.api.cognitive.microsoft.com", "--auth", "entra"],
            "",
            "new-stack: speechEndpoint: 'https://westeurope.api.cognitive.microsoft.com' is not a custom subdomain",
        ),
        (["mine/prod", "--endpoint", ENDPOINT, "--auth", "entra"], "", "new-stack: 'mine/prod' is not a stack name"),
        (["mine", "--auth", "entra"], "", "new-stack: --endpoint is needed: standard input is not a terminal"),
        (
            ["mine", "--endpoint", ENDPOINT, "--auth", "entra", "--backend", "s3://bucket"],
            "",
            "new-stack: backend: 's3://bucket' is neither file://DIR nor azblob://CONTAINER?storage_account=ACCOUNT",
        ),
        (
            ["mine", "--endpoint", ENDPOINT, "--auth", "entra", "--storage-account", "https://a.blob.core.windows.net"],
            "",
            "new-stack: --storage-account and --container go together",
        ),
        (
            ["mine", "--endpoint", ENDPOINT, "--auth", "entra", "--storage-account", "x", "--container-url", "y"],
            "",
            "new-stack: give --storage-account (a container the stack manages) or --container-url, not both",
        ),
        (["mine", "--endpoint", ENDPOINT, "--auth", "key"], "", "new-stack: no Speech key (Key 1 or Key 2 of the"),
        (
            ["mine", "--endpoint", ENDPOINT, "--auth", "entra", "--container-url", "https://a.blob.core.windows.net/v"],
            "https://a.blob.core.windows.net/v?sv=2024&sp=rl&sig=c2ln\n",
            "new-stack: the SAS token has no sig= field",
        ),
        (
            ["mine", "--endpoint", ENDPOINT, "--auth", "entra"],
            "",
            "new-stack: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the new stack's passphrase",
        ),
    ],
)
def test_what_new_stack_refuses_before_it_makes_anything(no_terminal, capsys, tmp_path, args, stdin, error):
    assert no_terminal(*args, stdin=stdin) == 2

    printed = capsys.readouterr()
    assert printed.err.startswith(error) and len(printed.err.strip().splitlines()) == 1
    assert printed.out == ""
    assert list(tmp_path.iterdir()) == []


def test_in_a_terminal_it_asks_for_what_no_flag_gave(monkeypatch, tmp_path):
    answers = iter([ENDPOINT, "key", "3", "https://acct.blob.core.windows.net/voices", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    secrets = iter(["the-speech-key-0000", "sv=2024-11-04&sp=rl&sig=c2ln"])
    monkeypatch.setattr(new_stack.getpass, "getpass", lambda prompt: next(secrets))
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    args = new_stack._parser().parse_args(["mine"])

    plan = new_stack._plan(args, new_stack.Questions(True, ask), tmp_path)

    assert (plan.endpoint, plan.authentication) == (ENDPOINT, "key")
    assert plan.storage == StorageChoice(CONTAINER, container_url="https://acct.blob.core.windows.net/voices")
    assert plan.backend == f"file://{tmp_path / '.pulumi-state'}"
    assert plan.secrets == {"speechKey": "the-speech-key-0000", "sasToken": "sv=2024-11-04&sp=rl&sig=c2ln"}
    assert asked[1] == "Authentication, entra (preferred) or key [entra]: "
    assert "the-speech-key" not in repr(plan)


@pytest.mark.parametrize("kind", [LOCAL_FILES, MANAGED, CONTAINER])
def test_the_starter_catalog_loads_and_its_template_declares_a_voice(tmp_path, kind):
    storage = {
        LOCAL_FILES: StorageChoice(LOCAL_FILES),
        MANAGED: StorageChoice(MANAGED, account_url="https://acct.blob.core.windows.net", container="prompt-audio"),
        CONTAINER: StorageChoice(CONTAINER, container_url="https://acct.blob.core.windows.net/voices"),
    }[kind]
    catalog_file = tmp_path / "stacks" / "mine.yaml"
    catalog_file.parent.mkdir()
    catalog_file.write_text(starter_catalog("mine", storage))

    starter = load_catalog(catalog_file, tmp_path)
    assert (starter.projects, starter.consents, starter.voices) == ((), (), ())
    assert (starter.storage is not None) == (kind == MANAGED)

    catalog_file.write_text(TEMPLATE_LINE.sub(r"\1", catalog_file.read_text()))
    write_wav(tmp_path / "stacks" / "mine-audio" / "consent.wav", 3, 24000)
    write_wav(tmp_path / "stacks" / "mine-audio" / "prompt.wav", 8, 24000)
    declared = load_catalog(catalog_file, tmp_path)

    [project], [consent], [voice] = declared.projects, declared.consents, declared.voices
    assert (project.id, consent.project_id, voice.consent_id) == ("mine-voices", "mine-voices", consent.id)
    assert consent.audio_file == "stacks/mine-audio/consent.wav"
    if kind == CONTAINER:
        assert (voice.container_url, voice.files) == ("https://acct.blob.core.windows.net/voices", ())
    else:
        assert (voice.container_url, voice.files) == (None, ("stacks/mine-audio/prompt.wav",))
    assert (voice.prefix is None) == (kind == LOCAL_FILES)
