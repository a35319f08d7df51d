"""Read-only checks of the Speech accounts a catalog declares (`speechAccounts:`), through Azure
Resource Manager with the SpeechAccount provider's own client (`management_client`: armEndpoint,
armCaBundle and entraClientId from the stack config, DefaultAzureCredential) and its own rules
(`provider.accounts.inputs`, `provider.speech_account`).

Per account, one line each: ARM read access (a GET of the account); for a live account its
region, SKU, kind, whether it is as declared, and local auth (listKeys is called and only its
success is told, never a key); for one not created yet, a soft-deleted account of the same name
and whether its subdomain is free. Nothing is created, changed or deleted.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import Account

from catalog.environment import API_VERSION_CONFIG, BASE_MODEL_CONFIG, account_config_problems
from catalog.specs import SpeechAccountSpec
from doctor.results import CheckResult
from doctor.service_config import STACK_CONFIG
from doctor.sign_in import SIGN_IN_TODO, no_token_reason
from provider.accounts.client import ArmError, arm_errors, management_client
from provider.accounts.inputs import KINDS, PERSONAL_VOICE_SKU, differences, folded, normalise
from provider.accounts.settings import AccountSettings
from provider.authentication import ENTRA_AUTHENTICATION
from provider.config import ConfigSource, StackConfig
from provider.errors import ConfigError
from provider.regions import PERSONAL_VOICE_REGIONS
from provider.speech.client import DEFAULT_API_VERSION
from provider.speech.settings import SpeechSettings
from provider.speech_account import label, outputs_of, purge_command, soft_deleted
from provider.validation import DEFAULT_BASE_MODEL

ARM_ACCESS = "ARM access"
REGION = "region"
SKU = "SKU"
KIND = "kind"
DECLARED = "as declared"
LOCAL_AUTH = "local auth"
SOFT_DELETE = "soft delete"
SUBDOMAIN = "subdomain"
ACCOUNT_TYPE = "Microsoft.CognitiveServices/accounts"
MANAGER = "Cognitive Services Contributor"
READER = "Reader"
SPEECH_CONTRIBUTOR = "Cognitive Services Speech Contributor"
RESOURCE_GROUP_NOT_FOUND = "ResourceGroupNotFound"

T = TypeVar("T")


@dataclass(frozen=True)
class AccountConfig:
    result: CheckResult
    # Only when the result passed.
    settings: AccountSettings | None
    authentication: str


@dataclass(frozen=True)
class _Refusal:
    """ARM's answer to a call that failed, or why there was none."""

    status: int | None
    code: str | None
    message: str
    signed_in: bool = True


def check_account_config(source: ConfigSource, environ: Mapping[str, str], stack: str) -> AccountConfig:
    """The stack config of a catalog with speechAccounts, by the program's rules
    (`Environment.from_config(..., speech_accounts=True)`): no speechEndpoint and no speechKey."""
    config = StackConfig(source)
    api_version = config.get(API_VERSION_CONFIG) or DEFAULT_API_VERSION
    base_model = config.get(BASE_MODEL_CONFIG) or DEFAULT_BASE_MODEL
    problems = [f"config {problem}" for problem in account_config_problems(config, api_version, base_model)]
    authentication = ""
    settings: AccountSettings | None = None
    try:
        authentication = SpeechSettings.load(source, environ).authentication
    except ConfigError as error:
        problems.append(error.message)
    try:
        settings = AccountSettings.load(source)
    except ConfigError as error:
        problems.append(error.message)
    if problems:
        todo = (
            f"fix it with `pulumi config set <key> <value> --stack {stack}` "
            f"(or `pulumi config rm <key> --stack {stack}`; docs/configuration.md)"
        )
        return AccountConfig(CheckResult.fail(STACK_CONFIG, "; ".join(problems), todo), None, authentication)
    assert settings is not None
    found = (
        f"authentication {authentication}, apiVersion {api_version}, baseModel {base_model}, "
        f"Azure Resource Manager at {settings.arm_endpoint}"
    )
    return AccountConfig(CheckResult.ok(STACK_CONFIG, found), settings, authentication)


def check_accounts(
    accounts: Sequence[SpeechAccountSpec], settings: AccountSettings, authentication: str, stack: str
) -> list[CheckResult]:
    results: list[CheckResult] = []
    for spec in accounts:
        # The catalog loaded, so the inputs pass the SpeechAccount's rules; this adds its defaults.
        props, _ = normalise(dict(spec.inputs))
        with management_client(settings, props["subscriptionId"]) as client:
            results += _AccountChecks(spec.name, props, client, authentication, stack).run()
    return results


class _AccountChecks:
    def __init__(
        self,
        name: str,
        props: dict[str, Any],
        client: CognitiveServicesManagementClient,
        authentication: str,
        stack: str,
    ) -> None:
        self.name = name
        self.props = props
        self.client = client
        self.authentication = authentication
        self.stack = stack

    def check(self, what: str) -> str:
        return f"{what} of account {self.name}"

    def run(self) -> list[CheckResult]:
        group, account_name = self.props["resourceGroupName"], self.props["accountName"]
        read = _arm(f"Reading {label(self.props)}", lambda: self.client.accounts.get(group, account_name))
        if isinstance(read, _Refusal):
            return self._not_read(read)
        outputs = outputs_of(self.props, read)
        where = f"{outputs['armId']} ({outputs['provisioningState']}), endpoint {outputs['endpoint']}"
        return [
            CheckResult.ok(self.check(ARM_ACCESS), f"read {where}"),
            self._region(outputs),
            self._sku(outputs),
            self._kind(outputs),
            self._declared(outputs),
            self._local_auth(outputs),
        ]

    # -- an account ARM did not give ---------------------------------------------------------

    def _not_read(self, refusal: _Refusal) -> list[CheckResult]:
        check = self.check(ARM_ACCESS)
        if refusal.status == 404 and refusal.code == RESOURCE_GROUP_NOT_FOUND:
            group, subscription = self.props["resourceGroupName"], self.props["subscriptionId"]
            return [
                CheckResult.fail(
                    check,
                    refusal.message,
                    f"create the resource group first (the stack does not): `az group create --name {group} "
                    f"--location {self.props.get('location') or '<region>'} --subscription {subscription}`",
                )
            ]
        if refusal.status == 404 and self.props["existing"]:
            return [
                CheckResult.fail(
                    check,
                    f"{label(self.props, first=True)} does not exist, and existing: true only refers to an account",
                    "create it, fix its name in the catalog, or drop existing: true to let the stack create it",
                )
            ]
        if refusal.status == 404:
            return [
                CheckResult.ok(
                    check,
                    f"{label(self.props, first=True)} does not exist yet: the first `pulumi up` creates it",
                ),
                *self._new_name(),
            ]
        return [CheckResult.fail(check, refusal.message, self._access_todo(refusal))]

    def _access_todo(self, refusal: _Refusal) -> str:
        if not refusal.signed_in:
            return SIGN_IN_TODO
        if refusal.status == 403:
            if self.props["existing"]:
                return f"assign the identity {READER} on the account (existing: true only reads it)"
            return (
                f"assign the identity {MANAGER} on the account (on its resource group before it exists), "
                f"which the stack needs to create and manage it ({READER} only reads it)"
            )
        if refusal.status is None:
            return "check config armEndpoint (and armCaBundle, for the emulator) and that this machine may reach it"
        return "see Azure Resource Manager's message"

    def _new_name(self) -> list[CheckResult]:
        """For an account the first `up` creates: what could stop it taking its name."""
        listed = _arm("Listing soft-deleted accounts", lambda: soft_deleted(self.client, self.props))
        subdomain = self.props["customSubDomainName"]
        if isinstance(listed, _Refusal):
            deleted = None
            results = [self._deleted_unlisted(listed)]
        else:
            deleted = listed
            results = [self._soft_deleted(deleted)]
        held = deleted is not None and folded(
            deleted.properties.custom_sub_domain_name if deleted.properties else None
        ) == folded(subdomain)
        return [*results, self._subdomain(subdomain, held)]

    def _deleted_unlisted(self, refusal: _Refusal) -> CheckResult:
        check = self.check(SOFT_DELETE)
        if self.props["restore"]:
            return CheckResult.fail(
                check,
                refusal.message,
                f"restore: true needs to list the subscription's soft-deleted accounts: assign the identity {READER} "
                "on the subscription",
            )
        return CheckResult.skip(
            check,
            f"not checked: {refusal.message}",
            f"`az cognitiveservices account list-deleted` shows whether {self.props['accountName']} is soft-deleted",
        )

    def _soft_deleted(self, deleted: Account | None) -> CheckResult:
        check = self.check(SOFT_DELETE)
        if deleted is None:
            return CheckResult.ok(check, "no soft-deleted account of this name")
        properties = deleted.properties
        until = properties.scheduled_purge_date if properties is not None else None
        kept = f"soft-deleted {label(self.props)} is kept until {until or 'its purge date'}"
        if self.props["restore"]:
            return CheckResult.ok(
                check,
                f"{kept}: restore: true brings it back at the first `pulumi up`, as it was deleted "
                "(its location, kind and subdomain must be as declared)",
            )
        return CheckResult.fail(
            check,
            f"{kept} (Azure purges it then), so the first `pulumi up` cannot create one of the same name "
            "(FlagMustBeSetForRestore)",
            f"set restore: true to get it back as it was (its keys, subdomain and voices), or purge it for good "
            f"({purge_command(self.props, deleted)}), or choose another accountName",
        )

    def _subdomain(self, subdomain: str, held_by_deleted: bool) -> CheckResult:
        """`held_by_deleted`: the soft-deleted account of the same name has this subdomain."""
        check = self.check(SUBDOMAIN)
        answer = _arm(
            f"Checking whether subdomain {subdomain!r} is free",
            lambda: self.client.check_domain_availability(
                subdomain_name=subdomain, type=ACCOUNT_TYPE, kind=self.props["kind"]
            ),
        )
        if isinstance(answer, _Refusal):
            return CheckResult.fail(check, answer.message, self._access_todo(answer))
        if answer.is_subdomain_available:
            return CheckResult.ok(check, f"{subdomain} is free")
        if held_by_deleted and self.props["restore"]:
            return CheckResult.ok(check, f"{subdomain} is held by the soft-deleted account restore: true brings back")
        todo = "choose another customSubDomainName (subdomains are unique across Azure)"
        if held_by_deleted:
            todo = f"the soft-deleted account of this name holds it: restore it or purge it ({self.check(SOFT_DELETE)})"
        return CheckResult.fail(check, f"{subdomain} is not free: {answer.reason or 'ARM gave no reason'}", todo)

    # -- a live account ----------------------------------------------------------------------

    def _region(self, outputs: dict[str, Any]) -> CheckResult:
        region = outputs["location"]
        if region in PERSONAL_VOICE_REGIONS:
            return CheckResult.ok(self.check(REGION), f"{region} offers personal voice")
        return CheckResult.fail(
            self.check(REGION),
            f"{region} does not offer personal voice",
            f"an account's region cannot change: use an account in one of {', '.join(PERSONAL_VOICE_REGIONS)}",
        )

    def _sku(self, outputs: dict[str, Any]) -> CheckResult:
        sku = outputs["sku"]
        if sku == PERSONAL_VOICE_SKU:
            return CheckResult.ok(self.check(SKU), f"{sku}, which personal voice needs")
        free = " (free)" if sku == "F0" else ""
        return CheckResult.fail(
            self.check(SKU),
            f"{sku}{free} cannot hold personal voices: personal voice needs {PERSONAL_VOICE_SKU}",
            f"`az cognitiveservices account update --name {self.props['accountName']} "
            f"--resource-group {self.props['resourceGroupName']} --sku {PERSONAL_VOICE_SKU}`",
        )

    def _kind(self, outputs: dict[str, Any]) -> CheckResult:
        kind = outputs["kind"]
        if kind in KINDS:
            return CheckResult.ok(self.check(KIND), f"{kind} serves personal voice")
        return CheckResult.fail(
            self.check(KIND),
            f"{kind} does not serve personal voice (only {' and '.join(KINDS)} do)",
            "an account's kind cannot change: use another account",
        )

    def _declared(self, outputs: dict[str, Any]) -> CheckResult:
        check = self.check(DECLARED)
        found = differences(self.props, outputs)
        if self.props["existing"]:
            if found:
                return CheckResult.fail(
                    check,
                    f"{'; '.join(found)}: `pulumi up` refuses a referenced account that is not as declared",
                    "declare it as it is, or change it in Azure (the stack never changes it)",
                )
            return CheckResult.ok(check, "existing: true, and as declared: the stack refers to it, never changes it")
        if found:
            return CheckResult.fail(
                check,
                f"{'; '.join(found)}: the first `pulumi up` refuses to adopt an account that differs",
                "declare it as it is (or with existing: true, to only refer to it), or choose another accountName",
            )
        return CheckResult.ok(
            check, "it exists and is as declared (a stack that does not hold it yet adopts it at its first `pulumi up`)"
        )

    def _local_auth(self, outputs: dict[str, Any]) -> CheckResult:
        check = self.check(LOCAL_AUTH)
        if outputs["disableLocalAuth"]:
            return CheckResult.ok(
                check,
                f"disableLocalAuth is true: no key; Microsoft Entra ID tokens will be used for its voices, and the "
                f"identity needs {SPEECH_CONTRIBUTOR} on the account",
            )
        group, account_name = self.props["resourceGroupName"], self.props["accountName"]
        listed = _arm(
            f"Listing the keys of {label(self.props)}", lambda: self.client.accounts.list_keys(group, account_name)
        )
        entra = self.authentication == ENTRA_AUTHENTICATION
        if not isinstance(listed, _Refusal):
            use = "config authentication entra uses tokens instead" if entra else "the run reads the key there"
            return CheckResult.ok(check, f"local auth is on and listKeys works (no key shown; {use})")
        if entra and listed.status == 403:
            return CheckResult.ok(
                check,
                f"local auth is on but listKeys is refused (HTTP 403), which config authentication entra does not "
                f"need: tokens are used, and the identity needs {SPEECH_CONTRIBUTOR} on the account",
            )
        todo = self._access_todo(listed)
        if listed.status == 403:
            todo = (
                f"listKeys needs {MANAGER} on the account ({READER} cannot list keys); or use Microsoft Entra ID: "
                f"`pulumi config set authentication entra --stack {self.stack}`, with {SPEECH_CONTRIBUTOR}"
            )
        return CheckResult.fail(check, listed.message, todo)


def _arm(action: str, call: Callable[[], T]) -> T | _Refusal:
    """`call`'s answer, or ARM's refusal in one line (`arm_errors`'s, or its own for a call that
    already speaks through it)."""
    status: int | None = None
    try:
        with arm_errors(action):
            try:
                return call()
            except ClientAuthenticationError as error:
                reason = f"Microsoft Entra ID gave no token for Azure Resource Manager: {no_token_reason(error)}"
                return _Refusal(None, None, reason, signed_in=False)
            except HttpResponseError as error:
                status = error.status_code
                raise
    except ArmError as error:
        return _Refusal(status, error.code, error.message)
