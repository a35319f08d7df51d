"""scripts/new-stack: a stack of one's own, on one's own Speech resource, in one command.

    scripts/new-stack NAME [--endpoint URL] [--auth entra|key] [--entra-client-id ID]
        [--account-name NAME --account-subscription ID --account-group GROUP --location REGION
         | --account-id ARM_ID] [--arm-endpoint URL] [--arm-ca-bundle FILE]
        [--storage-account URL --container NAME | --container-url URL]
        [--backend file://DIR | azblob://CONTAINER?storage_account=ACCOUNT]
        [--secrets-provider URL] [--api-version VERSION]

What no flag gives is asked for when standard input is a terminal, and is otherwise an error
(or its default). With an account (`--account-name ...`, an account the stack creates or
adopts, or `--account-id`, one it only refers to) the catalog declares it in `speechAccounts:`
and the config has no speechEndpoint and no speechKey: the key is read from Azure Resource
Manager at each run. Secrets are never flags, which `ps` would show: they are asked for with no
echo, or read from standard input, one a line, in this order: the Speech key (`--auth key`),
the storage account key (`--storage-account` with `--auth key`), the SAS token
(`--container-url`). Each goes to `pulumi config set --secret` on its standard input.
"""

import argparse
import getpass
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalog.environment import API_VERSION_CONFIG, ENDPOINT_CONFIG, speech_config_problems
from doctor.stack_config import pulumi_error_reason
from provider.authentication import (
    AUTHENTICATION_CONFIG,
    ENTRA_AUTHENTICATION,
    ENTRA_CLIENT_ID_CONFIG,
    KEY_AUTHENTICATION,
)
from provider.speech.client import DEFAULT_API_VERSION
from provider.speech.settings import KEY_CONFIG
from provider.storage.config_sas import SAS_CONTAINER_CONFIG, SAS_TOKEN_CONFIG
from provider.storage.settings import STORAGE_KEY_CONFIG
from provider.validation import DEFAULT_BASE_MODEL
from scripts.changed_stacks import STACK_NAME
from scripts.stack_account import AccountFlagError, StackAccount, add_account_flags, stack_account, wants_account
from scripts.starter_catalog import CONTAINER, LOCAL_FILES, MANAGED, StorageChoice, starter_catalog

BACKEND_SCHEMES = ("file://", "azblob://")
PASSPHRASE_VARIABLES = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
PULUMI_TIMEOUT_SECONDS = 300


class NewStackError(Exception):
    """What is wrong, in one line."""


@dataclass
class Plan:
    stack: str
    # Config speechEndpoint; None with an account, whose endpoint the stack reads from ARM.
    endpoint: str | None
    authentication: str
    api_version: str
    storage: StorageChoice
    backend: str
    # pulumi's, by the environment (PULUMI_BACKEND_URL): no `pulumi login` then.
    backend_from_environment: bool
    entra_client_id: str | None = None
    secrets_provider: str | None = None
    account: StackAccount | None = None
    # config key -> value, set with --secret; never printed.
    secrets: dict[str, str] = field(default_factory=dict, repr=False)


class Questions:
    """Answers from the terminal, when standard input is one; otherwise none are asked."""

    def __init__(self, interactive: bool, ask: Callable[[str], str] = input) -> None:
        self.interactive = interactive
        self._ask = ask

    def value(self, given: str | None, question: str, flag: str, default: str | None = None) -> str:
        if given:
            return given
        if not self.interactive:
            if default is not None:
                return default
            raise NewStackError(f"{flag} is needed: standard input is not a terminal, so nothing is asked")
        shown = f" [{default}]" if default else ""
        answer = self._ask(f"{question}{shown}: ").strip()
        if not answer and default is None:
            raise NewStackError(f"{question}: no answer")
        return answer or str(default)

    def secret(self, what: str) -> str:
        if self.interactive:
            answer = getpass.getpass(f"{what} (not shown): ").strip()
        else:
            answer = sys.stdin.readline().strip()
        if not answer:
            raise NewStackError(f"no {what}: give it on standard input (one secret a line), or run in a terminal")
        return answer


def main() -> int:
    args = _parser().parse_args()
    project_dir = Path.cwd()
    questions = Questions(sys.stdin.isatty())
    try:
        plan = _plan(args, questions, project_dir)
        env = _environment(plan, questions)
        wrote_catalog = _create(plan, project_dir, env)
    except NewStackError as error:
        print(f"new-stack: {error}", file=sys.stderr)
        return 2
    _report(plan, env, wrote_catalog)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/new-stack", description="Create a stack for your Speech resource.")
    parser.add_argument("name", help="the stack's name; its catalog is stacks/NAME.yaml")
    parser.add_argument("--endpoint", help="https://{name}.cognitiveservices.azure.com (or a regional endpoint)")
    parser.add_argument("--auth", choices=(ENTRA_AUTHENTICATION, KEY_AUTHENTICATION), help="entra is preferred")
    parser.add_argument("--entra-client-id", help="with entra: a user-assigned managed identity's client id")
    parser.add_argument("--storage-account", help="a container this stack manages: the account's blob endpoint")
    parser.add_argument("--container", help="with --storage-account: the container's name")
    parser.add_argument("--container-url", help="your own container, read through a SAS token (secret)")
    parser.add_argument("--backend", help="file://DIR or azblob://CONTAINER?storage_account=ACCOUNT")
    parser.add_argument("--secrets-provider", help="for pulumi stack init (default: a passphrase)")
    parser.add_argument("--api-version", help=f"default {DEFAULT_API_VERSION}")
    add_account_flags(parser)
    return parser


def _plan(args: argparse.Namespace, ask: Questions, project_dir: Path) -> Plan:
    if not STACK_NAME.match(args.name):
        raise NewStackError(f"{args.name!r} is not a stack name (1 to 100 letters, digits, '_', '.' and '-')")
    if args.endpoint and wants_account(args):
        raise NewStackError("give --endpoint (a Speech resource of your own) or an account, not both")
    try:
        account = stack_account(args, lambda given, question, flag: ask.value(given, question, flag))
    except AccountFlagError as error:
        raise NewStackError(str(error)) from None
    endpoint = None
    if account is None:
        endpoint = ask.value(
            args.endpoint, "Speech endpoint (https://{name}.cognitiveservices.azure.com)", "--endpoint"
        )
    authentication = ask.value(args.auth, "Authentication, entra (preferred) or key", "--auth", ENTRA_AUTHENTICATION)
    api_version = args.api_version or DEFAULT_API_VERSION
    problems = [
        str(p)
        for p in speech_config_problems(endpoint, api_version, DEFAULT_BASE_MODEL, authentication)
        if account is None or p.field != ENDPOINT_CONFIG
    ]
    if authentication not in (ENTRA_AUTHENTICATION, KEY_AUTHENTICATION):
        problems.append(f"authentication: {authentication!r} is neither entra nor key")
    storage = _storage(args, ask)
    problems += storage.problems()
    environment_backend = os.environ.get("PULUMI_BACKEND_URL")
    backend = _backend(args.backend, environment_backend, ask, project_dir)
    if not backend.startswith(BACKEND_SCHEMES):
        problems.append(f"backend: {backend!r} is neither file://DIR nor azblob://CONTAINER?storage_account=ACCOUNT")
    if problems:
        raise NewStackError("; ".join(problems))
    plan = Plan(
        stack=args.name,
        endpoint=endpoint,
        authentication=authentication,
        api_version=api_version,
        storage=storage,
        backend=backend,
        backend_from_environment=environment_backend is not None,
        entra_client_id=args.entra_client_id,
        secrets_provider=args.secrets_provider,
        account=account,
    )
    if authentication == KEY_AUTHENTICATION and account is None:
        plan.secrets[KEY_CONFIG] = ask.secret("Speech key (Key 1 or Key 2 of the resource)")
    if storage.kind == MANAGED and authentication == KEY_AUTHENTICATION:
        plan.secrets[STORAGE_KEY_CONFIG] = ask.secret(f"storage account key of {storage.account_url}")
    if storage.kind == CONTAINER:
        token = ask.secret(f"SAS token (read and list) of {storage.container_url}")
        if "://" in token or "sig=" not in token:
            raise NewStackError("the SAS token has no sig= field: give the token (sv=...&sig=...), not a URL")
        plan.secrets[SAS_TOKEN_CONFIG] = token
    return plan


def _storage(args: argparse.Namespace, ask: Questions) -> StorageChoice:
    if args.container_url and args.storage_account:
        raise NewStackError("give --storage-account (a container the stack manages) or --container-url, not both")
    if args.storage_account or args.container:
        if not (args.storage_account and args.container):
            raise NewStackError("--storage-account and --container go together: the container the stack manages")
        return StorageChoice(MANAGED, account_url=args.storage_account, container=args.container)
    if args.container_url:
        return StorageChoice(CONTAINER, container_url=args.container_url)
    choice = ask.value(
        None,
        "Prompt audio: 1) local files sent with each voice's create, 2) a container the stack manages, "
        "3) your own container and its SAS token",
        "--storage-account or --container-url",
        "1",
    )
    if choice == "2":
        account = ask.value(None, "Storage account's blob endpoint (https://{account}.blob.core.windows.net)", "")
        return StorageChoice(MANAGED, account_url=account, container=ask.value(None, "Container name", "", "voices"))
    if choice == "3":
        return StorageChoice(CONTAINER, container_url=ask.value(None, "Container URL, without the SAS", ""))
    if choice != "1":
        raise NewStackError(f"prompt audio: {choice!r} is not 1, 2 or 3")
    return StorageChoice(LOCAL_FILES)


def _backend(given: str | None, from_environment: str | None, ask: Questions, project_dir: Path) -> str:
    if from_environment is not None:
        if given and given != from_environment:
            raise NewStackError(
                f"PULUMI_BACKEND_URL is {from_environment}, which overrides any login: unset it to use {given}"
            )
        return from_environment
    default = f"file://{project_dir / '.pulumi-state'}"
    return ask.value(
        given, "State backend, file://DIR or azblob://CONTAINER?storage_account=ACCOUNT (a team's)", "", default
    )


def _environment(plan: Plan, ask: Questions) -> dict[str, str]:
    """pulumi's environment: a passphrase for the stack's secrets unless a provider is given."""
    env = dict(os.environ)
    if plan.secrets_provider or any(name in env for name in PASSPHRASE_VARIABLES):
        return env
    if not ask.interactive:
        raise NewStackError(
            "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the new stack's passphrase, "
            "or give --secrets-provider"
        )
    passphrase = getpass.getpass("Passphrase of the new stack's secrets (not shown): ")
    if not passphrase or getpass.getpass("The passphrase again: ") != passphrase:
        raise NewStackError("the passphrases are empty or differ")
    env["PULUMI_CONFIG_PASSPHRASE"] = passphrase
    return env


def _create(plan: Plan, project_dir: Path, env: dict[str, str]) -> bool:
    """Whether it wrote the starter catalog (one that exists is kept)."""

    def pulumi(*args: str, secret: str | None = None) -> None:
        _pulumi(list(args), project_dir, env, secret)

    if not plan.backend_from_environment:
        if plan.backend.startswith("file://"):
            Path(plan.backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        pulumi("login", plan.backend)
    secrets_provider = ["--secrets-provider", plan.secrets_provider] if plan.secrets_provider else []
    pulumi("stack", "init", plan.stack, *secrets_provider)
    try:
        for key, value in _plain_config(plan).items():
            pulumi("config", "set", key, value, "--stack", plan.stack)
        for key, value in plan.secrets.items():
            pulumi("config", "set", "--secret", key, "--stack", plan.stack, secret=value)
    except NewStackError as error:
        # The stack holds nothing yet: removing it lets the same command run again.
        _pulumi(["stack", "rm", plan.stack, "--yes"], project_dir, env, None)
        raise NewStackError(f"{error} (stack {plan.stack} was removed again)") from None
    catalog = project_dir / "stacks" / f"{plan.stack}.yaml"
    if catalog.exists():
        return False
    catalog.parent.mkdir(exist_ok=True)
    catalog.write_text(starter_catalog(plan.stack, plan.storage, plan.account), encoding="utf-8")
    return True


def _plain_config(plan: Plan) -> dict[str, str]:
    config = {ENDPOINT_CONFIG: plan.endpoint} if plan.endpoint else {}
    config |= {API_VERSION_CONFIG: plan.api_version, AUTHENTICATION_CONFIG: plan.authentication}
    if plan.account is not None:
        config |= plan.account.config
    if plan.entra_client_id:
        config[ENTRA_CLIENT_ID_CONFIG] = plan.entra_client_id
    if plan.storage.kind == CONTAINER and plan.storage.container_url:
        # The one container config sasToken goes to (provider.storage.config_sas).
        config[SAS_CONTAINER_CONFIG] = plan.storage.container_url
    return config


def _pulumi(args: list[str], project_dir: Path, env: dict[str, str], secret: str | None) -> None:
    """Runs pulumi; a secret goes to its standard input, never to its command line."""
    try:
        result = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=project_dir,
            env=env,
            input=secret or "",
            capture_output=True,
            text=True,
            timeout=PULUMI_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NewStackError(f"pulumi {' '.join(args[:2])} could not be run: {error}") from None
    if result.returncode != 0:
        raise NewStackError(f"pulumi {' '.join(args[:3])} failed: {pulumi_error_reason(result.stderr)}")


def _report(plan: Plan, env: dict[str, str], wrote_catalog: bool) -> None:
    stack = plan.stack
    config = ", ".join([*_plain_config(plan), *(f"{key} (secret)" for key in plan.secrets)])
    declared = f"Speech account {plan.account.name}, and nothing in it" if plan.account else "nothing"
    catalog = f"a starter declaring {declared}: uncomment its template" if wrote_catalog else "kept as it was"
    tools = f"{Path(shutil.which('pulumi') or 'pulumi').parent}:{Path(sys.executable).parent}"
    print(f"new-stack: stack {stack} is ready")
    print(f"  backend  {plan.backend}{' (PULUMI_BACKEND_URL)' if plan.backend_from_environment else ''}")
    print(f"  config   Pulumi.{stack}.yaml: {config}")
    print(f"  catalog  stacks/{stack}.yaml: {catalog}")
    passphrase = (
        "" if plan.secrets_provider else "Every pulumi command on it needs its passphrase (PULUMI_CONFIG_PASSPHRASE). "
    )
    print(f"{passphrase}Next:")
    print(f"  scripts/doctor {stack}")
    print(f'  export PATH="{tools}:$PATH" PULUMI_HOME="{env.get("PULUMI_HOME", "~/.pulumi")}"')
    print(f"  pulumi preview --stack {stack}")
    print(f"  pulumi up --stack {stack}")


if __name__ == "__main__":
    sys.exit(main())
