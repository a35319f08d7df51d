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


# A Speech account in the stack

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
ACCOUNT_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.CognitiveServices/accounts/contoso-voices"
CREATE = [
    "--account-subscription",
    SUBSCRIPTION,
    "--account-group",
    "voices-rg",
    "--account-name",
    "contoso-voices",
    "--location",
    "swedencentral",
]


@pytest.mark.parametrize(
    "args, error",
    [
        (
            [
                "--account-id",
                f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.Storage/storageAccounts/x",
            ],
            (
                "new-stack: --account-id: '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/voices-rg/"
                "providers/Microsoft.Storage/storageAccounts/x' is not a Speech account's ARM id (/subscriptions/{subscription id}/"
                "resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{name})"
            ),
        ),
        (
            ["--account-id", "contoso-voices"],
            "new-stack: --account-id: 'contoso-voices' is not a Speech account's ARM id",
        ),
        (["--account-id", f"{ACCOUNT_ID}/"], "new-stack: --account-id: "),
        (
            ["--account-id", ACCOUNT_ID.replace(SUBSCRIPTION, "my-subscription")],
            (
                f"new-stack: --account-id: '{ACCOUNT_ID.replace(SUBSCRIPTION, 'my-subscription')}' is not a Speech "
                "account's ARM id: 'my-subscription' is not a subscription id (a GUID)"
            ),
        ),
        (
            [*CREATE[:-1], "northeurope"],
            "new-stack: --location: 'northeurope' is not a region where personal voice runs; use one of eastasia,",
        ),
        (
            [*CREATE[:4], "--account-name", "contoso voices", *CREATE[6:]],
            "new-stack: --account-name: 'contoso voices' is not an account name",
        ),
        (CREATE[2:], "new-stack: --account-subscription is needed: standard input is not a terminal"),
        (
            ["--account-id", ACCOUNT_ID, "--location", "eastus"],
            "new-stack: give --account-id (an account to refer to) or --location, not both",
        ),
        (
            ["--endpoint", ENDPOINT, "--account-id", ACCOUNT_ID],
            "new-stack: give --endpoint (a Speech resource of your own) or an account, not both",
        ),
        (
            ["--endpoint", ENDPOINT, "--arm-endpoint", "https://127.0.0.1:4443"],
            "new-stack: --arm-endpoint and --arm-ca-bundle only go with an account",
        ),
        (
            ["--account-id", ACCOUNT_ID, "--arm-endpoint", "http://127.0.0.1:4443"],
            "new-stack: config armEndpoint: 'http://127.0.0.1:4443' must be an https:// base URL without a path",
        ),
        (
            ["--account-id", ACCOUNT_ID, "--arm-ca-bundle", "/no/such/ca.pem"],
            "new-stack: config armCaBundle: '/no/such/ca.pem' is not a file",
        ),
    ],
)
def test_account_flags_it_refuses_in_one_line_before_it_makes_anything(no_terminal, capsys, tmp_path, args, error):
    assert no_terminal("mine", "--auth", "entra", *args) == 2

    printed = capsys.readouterr()
    assert printed.err.startswith(error) and len(printed.err.strip().splitlines()) == 1
    assert printed.out == "" and list(tmp_path.iterdir()) == []


def plan_of(tmp_path: Path, *args: str) -> new_stack.Plan:
    return new_stack._plan(new_stack._parser().parse_args(["mine", *args]), new_stack.Questions(False), tmp_path)


def test_an_account_the_stack_creates_needs_no_endpoint_and_no_key_in_config(monkeypatch, tmp_path):
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no key could be read: none is asked for
    ca_bundle = tmp_path / "arm-ca.pem"
    ca_bundle.write_text("a PEM bundle")

    plan = plan_of(
        tmp_path,
        "--auth",
        "key",
        *CREATE,
        "--arm-endpoint",
        "https://127.0.0.1:4443",
        "--arm-ca-bundle",
        str(ca_bundle),
    )

    assert plan.endpoint is None and plan.secrets == {}
    assert plan.account is not None and plan.account.name == "contoso-voices"
    assert plan.account.inputs == {
        "subscriptionId": SUBSCRIPTION,
        "resourceGroupName": "voices-rg",
        "accountName": "contoso-voices",
        "location": "swedencentral",
    }
    assert new_stack._plain_config(plan) == {
        "apiVersion": "2026-01-01",
        "authentication": "key",
        "armEndpoint": "https://127.0.0.1:4443",
        "armCaBundle": str(ca_bundle),
    }


def test_an_account_referred_to_by_its_arm_id_is_existing(tmp_path, monkeypatch):
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)

    plan = plan_of(tmp_path, "--auth", "entra", "--account-id", ACCOUNT_ID.replace("resourceGroups", "resourcegroups"))

    assert plan.account is not None
    assert plan.account.inputs == {
        "subscriptionId": SUBSCRIPTION,
        "resourceGroupName": "voices-rg",
        "accountName": "contoso-voices",
        "existing": True,
    }
    assert new_stack._plain_config(plan) == {"apiVersion": "2026-01-01", "authentication": "entra"}


def test_in_a_terminal_it_asks_for_the_account_fields_no_flag_gave(monkeypatch, tmp_path):
    answers = iter([SUBSCRIPTION, "voices-rg", "eastus", "entra", "1", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    args = new_stack._parser().parse_args(["mine", "--account-name", "contoso-voices"])

    plan = new_stack._plan(args, new_stack.Questions(True, ask), tmp_path)

    assert asked[:3] == [
        "Speech account's subscription id: ",
        "Speech account's resource group (it must exist): ",
        "Speech account's region (eastasia, eastus, eastus2, southeastasia, swedencentral, westeurope, westus2): ",
    ]
    assert plan.account is not None and plan.account.inputs["location"] == "eastus"
    assert plan.endpoint is None


@pytest.mark.parametrize("existing", [False, True])
def test_the_starter_catalog_declares_the_account_and_its_template_a_voice_in_it(tmp_path, monkeypatch, existing):
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    account_args = ["--account-id", ACCOUNT_ID.replace("contoso-voices", "2024")] if existing else CREATE
    plan = plan_of(tmp_path, "--auth", "entra", *account_args)
    catalog_file = tmp_path / "stacks" / "mine.yaml"
    catalog_file.parent.mkdir()
    catalog_file.write_text(starter_catalog("mine", StorageChoice(LOCAL_FILES), plan.account))

    [account] = load_catalog(catalog_file, tmp_path).accounts

    assert account.name == ("2024" if existing else "contoso-voices")
    assert plan.account is not None and dict(account.inputs) == plan.account.inputs
    assert account.protect is True
    catalog_file.write_text(TEMPLATE_LINE.sub(r"\1", catalog_file.read_text()))
    write_wav(tmp_path / "stacks" / "mine-audio" / "consent.wav", 3, 24000)
    write_wav(tmp_path / "stacks" / "mine-audio" / "prompt.wav", 8, 24000)
    [project] = load_catalog(catalog_file, tmp_path).projects
    assert project.account == account.name
