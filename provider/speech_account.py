"""The SpeechAccount resource: the Azure AI Speech resource itself, a Microsoft.CognitiveServices
account of kind SpeechServices (or AIServices), through Azure Resource Manager with the official
azure-mgmt-cognitiveservices client.

- Create adopts a live account of the same name whose declared fields match (and refuses,
  naming the fields, when they differ); ARM's PUT of a live account would update it, so the
  account is read first. A soft-deleted account of the name (Azure keeps one 48 hours) is a
  refusal that says what to do, or with `restore: true` is restored.
- `existing: true` only refers to an account: it is read (at create and every refresh) and
  compared with what is declared, never changed or deleted.
- A new subscription, group, name, location, kind or subdomain is a new account (replace);
  tags, sku, publicNetworkAccess and disableLocalAuth are updated in place (PATCH).
- Delete soft-deletes; it purges only with `purgeOnDelete: true`.
- The account's keys are never read here, so never in outputs or state.

Import path contract: stacks hold a by-reference pickle of `SpeechAccountProvider` from this
module; moving it breaks refresh and destroy of existing stacks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from provider.accounts.client import ArmError, arm_errors, finished, management_client
from provider.accounts.inputs import ACCOUNT_FIELDS, FLAGS, NAMING_FIELDS, differences, folded, normalise, unusable
from provider.accounts.settings import AccountSettings
from provider.base import DynamicProvider
from provider.diffing import DiffRules
from provider.errors import Refused
from provider.inputs import judged
from provider.resource import Resource
from provider.validation import Problem

if TYPE_CHECKING:
    # The management SDK is imported where a client is made and an account's body built: the
    # program, which declares accounts, never calls ARM.
    from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
    from azure.mgmt.cognitiveservices.models import Account

SUCCEEDED = "Succeeded"
RESTORE_REQUIRED = "FlagMustBeSetForRestore"
# What ARM cannot change in an account: another value is another account.
FIXED_FIELDS = ("location", "kind", "customSubDomainName")
# What PATCH (Accounts_Update) changes in place.
PATCHED_FIELDS = ("sku", "tags", "publicNetworkAccess", "disableLocalAuth")
STABLE_OUTPUTS = ("armId", "endpoint", "region")
ARM_SPELLINGS: dict[str, Callable[[Any], Any]] = {name: folded for name in (*NAMING_FIELDS, *FIXED_FIELDS)}


class SpeechAccountProvider(DynamicProvider[AccountSettings]):
    settings_type = AccountSettings
    diff_rules = DiffRules(
        replacing=(*NAMING_FIELDS, *FIXED_FIELDS),
        in_place=(*PATCHED_FIELDS, *FLAGS),
        comparable=ARM_SPELLINGS,
        stable_outputs=STABLE_OUTPUTS,
    )
    # For `existing: true`: only another account replaces; any other declared change is checked
    # against the account by `update`, which changes nothing.
    reference_diff_rules = DiffRules(
        replacing=NAMING_FIELDS,
        in_place=(*ACCOUNT_FIELDS, *FLAGS),
        comparable=ARM_SPELLINGS,
        stable_outputs=STABLE_OUTPUTS,
    )

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return normalise(news)

    def identity(self) -> tuple[str, ...]:
        return NAMING_FIELDS

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = super().check(olds, news)
        inputs = checked.inputs or {}
        in_the_way = judged(_replaced_under_its_own_name(olds, inputs), inputs)
        return CheckResult(inputs, [*(checked.failures or []), *(CheckFailure(p.field, p.reason) for p in in_the_way)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if not news.get("existing"):
            return super().diff(_id, olds, news)
        # What a reference does not declare is whatever the account has.
        undeclared = {name: olds[name] for name in ACCOUNT_FIELDS if name in olds and name not in news}
        return self.reference_diff_rules.diff(olds, {**news, **undeclared}, identity=self.identity())

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client(props) as client:
            if props["existing"]:
                outputs = self._referenced(client, props)
            else:
                outputs = self._adopted(client, props) or self._created(client, props)
        return CreateResult(outputs["armId"], outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client(props) as client:
            account = self._get(client, props)
        return ReadResult(id_, outputs_of(props, account)) if account is not None else ReadResult("", {})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with self.client(news) as client:
            if news["existing"]:
                # A reference (or an account becoming one): checked, never changed.
                return UpdateResult(self._referenced(client, news))
            if olds.get("existing"):
                # A reference the stack takes over: adopted as a create would, or refused.
                adopted = self._adopted(client, news)
                if adopted is None:
                    raise Refused(
                        f"{label(news, first=True)} no longer exists; run `pulumi refresh`, then `pulumi up` "
                        "to create it"
                    )
                return UpdateResult(adopted)
            patch = {name: news[name] for name in PATCHED_FIELDS if news[name] != olds.get(name)}
            if not patch:
                return UpdateResult({**olds, **{flag: news[flag] for flag in FLAGS}})
            with arm_errors(f"Updating {label(news)}"):
                poller = client.accounts.begin_update(
                    news["resourceGroupName"], news["accountName"], _patch_body(patch)
                )
                account = finished(poller, self.settings, f"Updating {label(news)}")
        return UpdateResult(outputs_of(news, account))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("existing"):
            print(f"{label(props)} is only referenced (existing: true): it stays in Azure.", file=sys.stderr)
            return
        group, name = props["resourceGroupName"], props["accountName"]
        with self.client(props) as client:
            with arm_errors(f"Deleting {label(props)}"):
                # Imported where it is caught: the program imports this module and never calls the SDK.
                from azure.core.exceptions import ResourceNotFoundError

                try:
                    finished(client.accounts.begin_delete(group, name), self.settings, f"Deleting {label(props)}")
                except ResourceNotFoundError:
                    pass  # already gone counts as deleted
            if props.get("purgeOnDelete"):
                action = f"Purging the deleted {label(props)}"
                with arm_errors(action):
                    poller = client.deleted_accounts.begin_purge(folded(props["location"]), group, name)
                    finished(poller, self.settings, action)

    # -- the steps -------------------------------------------------------------------------

    def client(self, props: dict[str, Any]) -> CognitiveServicesManagementClient:
        return management_client(self.settings, props["subscriptionId"])

    def _get(self, client: CognitiveServicesManagementClient, props: dict[str, Any]) -> Account | None:
        with arm_errors(f"Reading {label(props)}"):
            from azure.core.exceptions import ResourceNotFoundError

            try:
                return client.accounts.get(props["resourceGroupName"], props["accountName"])
            except ResourceNotFoundError:
                return None

    def _referenced(self, client: CognitiveServicesManagementClient, props: dict[str, Any]) -> dict[str, Any]:
        account = self._get(client, props)
        if account is None:
            raise Refused(
                f"{label(props, first=True)} does not exist, and existing: true only refers to an account; "
                "create it, fix its name, or drop existing: true to let the stack create it"
            )
        outputs = outputs_of(props, account)
        found = differences(props, outputs) + unusable(outputs)
        if found:
            raise Refused(
                f"{label(props, first=True)} (existing: true) is not as declared: {'; '.join(found)}. "
                "The stack never changes a referenced account: declare it as it is, or change it in Azure"
            )
        return outputs

    def _adopted(self, client: CognitiveServicesManagementClient, props: dict[str, Any]) -> dict[str, Any] | None:
        """The live account of the declared name, if there is one and it is as declared."""
        account = self._get(client, props)
        if account is None:
            return None
        outputs = outputs_of(props, account)
        found = differences(props, outputs)
        if found:
            raise Refused(
                f"{label(props, first=True)} already exists and differs from the declaration: {'; '.join(found)}. "
                "Declare it as it is (or with existing: true, to only refer to it), or choose another accountName"
            )
        if outputs["provisioningState"] != SUCCEEDED:
            raise Refused(
                f"{label(props, first=True)} already exists but is {outputs['provisioningState']} in Azure; "
                "run `pulumi up` again once it is Succeeded"
            )
        return outputs

    def _created(self, client: CognitiveServicesManagementClient, props: dict[str, Any]) -> dict[str, Any]:
        deleted = soft_deleted(client, props) if props["restore"] else None
        if deleted is not None:
            found = [
                change
                for change in differences(props, outputs_of(props, deleted))
                if change.split(":")[0] in FIXED_FIELDS
            ]
            if found:
                raise Refused(
                    f"The soft-deleted {label(props)} differs from the declaration, so restore: true cannot bring it "
                    f"back: {'; '.join(found)}. Declare it as it was, or purge it ({purge_command(props, deleted)}) "
                    "to create a new one"
                )
        action = f"{'Restoring' if deleted is not None else 'Creating'} {label(props)}"
        try:
            with arm_errors(action):
                poller = client.accounts.begin_create(
                    props["resourceGroupName"], props["accountName"], _create_body(props, restore=deleted is not None)
                )
                account = finished(poller, self.settings, action)
        except ArmError as error:
            if error.code != RESTORE_REQUIRED:
                raise
            raise _soft_delete_refusal(client, props) from None
        outputs = outputs_of(props, account)
        if outputs["provisioningState"] != SUCCEEDED:
            raise ArmError(f"{action} ended {outputs['provisioningState']}; see the account in Azure")
        return outputs


def label(props: Mapping[str, Any], *, first: bool = False) -> str:
    """How messages name the account; `first`: to begin a sentence."""
    return (
        f"{'S' if first else 's'}peech account {props.get('accountName')!r} "
        f"(resource group {props.get('resourceGroupName')!r})"
    )


def outputs_of(props: dict[str, Any], account: Account) -> dict[str, Any]:
    """What the stack keeps: the names and flags as declared, the account as ARM answered it.
    No key: ARM's Account has none, and listKeys is never called here."""
    from azure.mgmt.cognitiveservices.models import AccountProperties

    properties = account.properties or AccountProperties()
    return {
        **{name: props[name] for name in (*NAMING_FIELDS, *FLAGS) if name in props},
        "armId": account.id,
        "endpoint": properties.endpoint,
        "region": account.location,
        "provisioningState": str(properties.provisioning_state),
        "location": folded(account.location),
        "kind": account.kind,
        "sku": account.sku.name if account.sku is not None else None,
        "customSubDomainName": properties.custom_sub_domain_name,
        "disableLocalAuth": bool(properties.disable_local_auth),
        "publicNetworkAccess": str(properties.public_network_access or "Enabled"),
        "tags": dict(account.tags or {}),
    }


def _create_body(props: dict[str, Any], *, restore: bool) -> Account:
    from azure.mgmt.cognitiveservices.models import Account, AccountProperties, Sku

    return Account(
        location=props["location"],
        kind=props["kind"],
        sku=Sku(name=props["sku"]),
        tags=props["tags"],
        properties=AccountProperties(
            custom_sub_domain_name=props["customSubDomainName"],
            public_network_access=props["publicNetworkAccess"],
            disable_local_auth=props["disableLocalAuth"],
            restore=True if restore else None,
        ),
    )


def _patch_body(patch: dict[str, Any]) -> Account:
    from azure.mgmt.cognitiveservices.models import Account, AccountProperties, Sku

    properties = AccountProperties(
        public_network_access=patch.get("publicNetworkAccess"), disable_local_auth=patch.get("disableLocalAuth")
    )
    return Account(
        tags=patch.get("tags"), sku=Sku(name=patch["sku"]) if "sku" in patch else None, properties=properties
    )


def soft_deleted(client: CognitiveServicesManagementClient, props: dict[str, Any]) -> Account | None:
    """The soft-deleted account of the declared group and name, in whatever region it was."""
    with arm_errors(f"Listing the subscription's soft-deleted accounts for {label(props)}"):
        for account in client.deleted_accounts.list():
            if folded(account.name) == folded(props["accountName"]) and folded(_group_of(account.id)) == folded(
                props["resourceGroupName"]
            ):
                return account
    return None


def _group_of(arm_id: str | None) -> str | None:
    parts = (arm_id or "").split("/")
    lowered = [part.lower() for part in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered[:-1] else None


def _soft_delete_refusal(client: CognitiveServicesManagementClient, props: dict[str, Any]) -> Refused:
    try:
        deleted = soft_deleted(client, props)
    except ArmError:
        deleted = None  # listing needs read access to the subscription; the refusal stands without it
    properties = deleted.properties if deleted is not None else None
    until = f" until {properties.scheduled_purge_date}" if properties and properties.scheduled_purge_date else ""
    return Refused(
        f"{label(props, first=True)} was deleted and Azure keeps it{until} (soft delete), so no new account "
        f"can take its name: set restore: true to get it back as it was (its keys, subdomain and voices), or "
        f"purge it for good ({purge_command(props, deleted)}), or choose another accountName"
    )


def purge_command(props: dict[str, Any], deleted: Account | None) -> str:
    location = folded(deleted.location) if deleted is not None else props["location"]
    return (
        f"`az cognitiveservices account purge --location {location} "
        f"--resource-group {props['resourceGroupName']} --name {props['accountName']}`"
    )


def _replaced_under_its_own_name(olds: dict[str, Any], news: dict[str, Any]) -> list[Problem]:
    """A change that replaces an account by one of the same name: the delete leaves the old one
    soft-deleted, and Azure refuses the create. Refused at preview unless the old account
    purges on delete (which must be in the stack before the replacement)."""
    if not olds or olds.get("existing") or news.get("existing") or olds.get("purgeOnDelete") is True:
        return []
    if any(folded(olds.get(name)) != folded(news.get(name)) for name in NAMING_FIELDS):
        return []
    return [
        Problem(
            name,
            f"changing it replaces {label(news)} by a new account of the same name, which Azure refuses while "
            "the old one is soft-deleted (48 hours): choose another accountName, or first set purgeOnDelete: true "
            "and run `pulumi up`, so that the replacement purges the old account, and every voice in it, for good",
        )
        for name in FIXED_FIELDS
        if folded(olds.get(name)) != folded(news.get(name))
    ]


@dataclass
class SpeechAccountArgs:
    subscription_id: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    location: pulumi.Input[str] | None = None
    sku: pulumi.Input[str] | None = None
    kind: pulumi.Input[str] | None = None
    custom_sub_domain_name: pulumi.Input[str] | None = None
    disable_local_auth: pulumi.Input[bool] | None = None
    public_network_access: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, str]] | None = None
    existing: bool = False
    restore: bool = False
    purge_on_delete: bool = False


class SpeechAccount(Resource, module="cognitiveservices", name="SpeechAccount"):
    """A Microsoft.CognitiveServices account for personal voice. `endpoint` is its custom
    subdomain endpoint; no key is an output."""

    # Attributes keep ARM's camelCase names, as dynamic resources' outputs do.
    armId: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    region: pulumi.Output[str]
    provisioningState: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SpeechAccountArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "subscriptionId": args.subscription_id,
            "resourceGroupName": args.resource_group_name,
            "accountName": args.account_name,
            "location": args.location,
            "sku": args.sku,
            "kind": args.kind,
            "customSubDomainName": args.custom_sub_domain_name,
            "disableLocalAuth": args.disable_local_auth,
            "publicNetworkAccess": args.public_network_access,
            "tags": args.tags,
            "existing": args.existing,
            "restore": args.restore,
            "purgeOnDelete": args.purge_on_delete,
            **{name: None for name in (*STABLE_OUTPUTS, "provisioningState")},
        }
        super().__init__(SpeechAccountProvider(), resource_name, props, opts)
