"""A run may not delete more of the stack's voices than its config allows.

A deleted voice's speakerProfileId never comes back, and every app that speaks with it
breaks; an emptied or half-merged catalog must not do that unattended. So before any resource
is declared, the program reads the voices the stack holds and stops, naming the catalog file
and the voices, when the catalog drops more of them than allowed: at preview, before anything
changes, and at `up` before anything is registered (and so before the stack outputs are
written; a refused run keeps the outputs it had).

What the stack holds is read from its state, not from its last outputs: the engine's builtin
invoke `pulumi:pulumi:readStackResourceOutputs` returns every resource of the backend's latest
saved checkpoint (type and outputs, by URN; resources pending deletion left out). Measured with
the pinned CLI 3.260.0:
- the checkpoint is written after each step, so a first `up` that was killed or failed after
  creating voices shows them, with no stack output at all; so do stacks whose outputs were
  edited or lost (`stack export`, outputs dropped, `stack import`). The stack's own last
  outputs (a `StackReference` to itself, this guard's first design) show none of these;
- the file and azblob backends (Azurite) accept the stack as `<stack>` or
  `<organization>/<project>/<stack>` (the form used here, as in a `StackReference` on any
  backend), and refuse `<project>/<stack>`; a stack that never ran an `up` answers with no
  resources;
- it costs 8 to 30 ms per run at 2 voices and 140 to 450 ms at 200 (the preview of 200 voices
  takes 45 s, most of it their refresh under the request quota);
- secret outputs and the provider's secret config come back decrypted (the SDK unwraps them
  and marks the answer secret). The guard keeps only each voice's type and `voiceId`, never
  prints the answer; but the engine logs every property it sends at `-v=9`, so a verbose run
  shows the secrets the state holds: since no SAS is a resource input, only the config secrets
  kept in config, which the same log shows in the provider's Configure call anyway
  (docs/secrets.md: with the keys in config, 2 more lines of each per run; none with the keys in
  the environment or Entra ID). A run started with `PV_ALLOW_VOICE_DELETES=1` reads nothing.
  That cost is taken for the guard: a voice deleted by accident cannot be had back.
The provider host cannot do this check: the engine deletes without asking the provider first,
so it sees no delete at preview, and never the stack as a whole. The service's list of voices
is no substitute either: it holds voices of other stacks and of no stack.

A voice is known by its `voiceId` output, so a voice given a catalog `name` later (an alias,
the same resource) is not counted as gone, and a voice whose id changed (a replace: the old
voice is deleted) is. A voice without a `voiceId` output is counted by its resource name.
Protected voices count like the others (the engine refuses their delete anyway). Creates a
killed run left pending are not resources in state: no run deletes them (`scripts/recover`
adopts what they made), so they are not counted.

A Speech account the stack holds takes every project, consent and voice in it along when it
is deleted in Azure (catalog/account_contents.py says which). This run ends it when the catalog
no longer declares it under its resource name (a new name is a new resource: it adopts the
account, and the old name's delete then deletes it), or declares it with another value of a
field that replaces it (the provider's own diff rules). An account the state holds as a
reference (`existing: true`) never ends: its provider's delete leaves it in Azure. The voices
such a change ends cannot be had back, so a run that ends an account holding any is refused
whatever maxVoiceDeleteShare allows; ending an account that holds none is left to the account's
`protect`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi

from catalog.account_contents import holds
from catalog.environment import ALLOW_DELETES_ENVIRONMENT_VARIABLE, MAX_DELETE_SHARE_CONFIG, Environment
from provider.accounts.inputs import NAMING_FIELDS, folded, normalise
from provider.personal_voice import PersonalVoice
from provider.speech_account import SpeechAccount, SpeechAccountProvider

READ_STACK_STATE = "pulumi:pulumi:readStackResourceOutputs"
# The type the class registers its voices with (pulumi's dynamic Resource builds it from the
# class's module and name, which stacks hold).
VOICE_TYPE = f"pulumi-python:{PersonalVoice._resource_type_name}"
ACCOUNT_TYPE = f"pulumi-python:{SpeechAccount._resource_type_name}"
ACCOUNTS_FIELD = "speechAccounts"
NO_ACCOUNTS: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


class StateUnreadable(Exception):
    """The engine's answer does not say what the stack holds."""


@dataclass(frozen=True)
class Held:
    """A resource of the stack's state: its resource name and its outputs."""

    name: str
    outputs: Mapping[str, Any]


@dataclass(frozen=True)
class StackState:
    voices: tuple[Held, ...]
    accounts: tuple[Held, ...]

    def voice_ids(self) -> set[str]:
        """Each voice by its `voiceId` output, else by its resource name."""
        return {_voice_id(voice) for voice in self.voices}


def guard_deletions(
    catalog_file: str,
    declared: Iterable[str],
    environment: Environment,
    declared_accounts: Mapping[str, Mapping[str, Any]] = NO_ACCOUNTS,
) -> None:
    """Stops the run (pulumi.RunError) when it would end a Speech account holding voices, or
    delete more of the stack's voices than allowed; returns when it may go on. `declared`: the
    voice ids the catalog declares; `declared_accounts`: its Speech accounts, resource name to
    inputs as the SpeechAccount takes them. A run started with PV_ALLOW_VOICE_DELETES=1 reads
    and counts nothing."""
    if environment.deletes_allowed:
        return
    try:
        state = stack_state(read_stack_state())
    except StateUnreadable as error:
        raise pulumi.RunError(
            f"{catalog_file}: voices: the stack's state could not be read to count the voices it holds ({error}); "
            f"a run started with {ALLOW_DELETES_ENVIRONMENT_VARIABLE}=1 goes on without it"
        ) from None
    refusal = account_refusal(state, declared_accounts)
    if refusal:
        raise pulumi.RunError(f"{catalog_file}: {ACCOUNTS_FIELD}: {refusal}")
    refusal = deletion_refusal(state.voice_ids(), set(declared), environment)
    if refusal:
        raise pulumi.RunError(f"{catalog_file}: voices: {refusal}")


def read_stack_state() -> Any:
    """The resources of this stack's latest checkpoint, as the engine answers them."""
    own_stack = f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"
    # The stack's own registration is the one step that can run now, and a step's write beside
    # this read can make the read fail on a file backend (the checkpoint's .attrs file is
    # rewritten in place). An input that waits for the stack's URN makes the read wait for it.
    root = pulumi.runtime.get_root_resource()
    assert root is not None  # a Pulumi program runs inside its stack resource
    stack_name = root.urn.apply(lambda _: own_stack)
    try:
        answer = pulumi.runtime.invoke(READ_STACK_STATE, {"stackName": stack_name})
    except Exception as error:  # noqa: BLE001 the SDK raises the engine's errors as plain Exceptions
        raise StateUnreadable(str(error).partition("\n")[0]) from None
    return answer.value


def stack_state(answer: Any) -> StackState:
    """The voices and Speech accounts in the engine's answer."""
    resources = answer.get("outputs") if isinstance(answer, Mapping) else None
    if not isinstance(resources, Mapping):
        raise StateUnreadable(f"{READ_STACK_STATE} gave no resources")
    held: dict[str, list[Held]] = {VOICE_TYPE: [], ACCOUNT_TYPE: []}
    for urn, resource in resources.items():
        if isinstance(resource, Mapping) and resource.get("type") in held:
            outputs = resource.get("outputs")
            found = Held(_name_of(str(urn)), outputs if isinstance(outputs, Mapping) else {})
            held[resource["type"]].append(found)
    return StackState(voices=tuple(held[VOICE_TYPE]), accounts=tuple(held[ACCOUNT_TYPE]))


def _voice_id(voice: Held) -> str:
    voice_id = voice.outputs.get("voiceId")
    return voice_id if isinstance(voice_id, str) and voice_id else voice.name


def _name_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::<type>::<name>`: the resource's name."""
    return urn.split("::", 3)[-1]


def deletion_refusal(held: set[str], declared: set[str], environment: Environment) -> str | None:
    """Why deleting the voices held but no longer declared is refused, or None (a run
    allowed to delete more does not ask)."""
    gone = sorted(held - declared)
    if not gone:
        return None
    everything = len(gone) == len(held)
    if not everything and len(gone) <= environment.max_delete_share * len(held):
        return None
    limit = "all of them" if everything else f"more than {environment.max_delete_share:.0%} of them"
    return (
        f"this run would delete {len(gone)} of the stack's {len(held)} voices ({limit}): {', '.join(gone)}. "
        "Their speakerProfileIds would end for good. If that is meant, run it once with "
        f"{ALLOW_DELETES_ENVIRONMENT_VARIABLE}=1, or raise config {MAX_DELETE_SHARE_CONFIG}"
    )


def account_refusal(state: StackState, declared_accounts: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Why ending the Speech accounts this run ends, with the voices in them, is refused, or
    None when it ends none holding voices."""
    ended = []
    for account in state.accounts:
        why = why_ended(account, declared_accounts)
        voices = sorted(_voice_id(voice) for voice in state.voices if holds(account.outputs, voice.outputs))
        if why is not None and voices:
            account_name = account.outputs.get("accountName")
            ended.append(f"{account.name!r} (accountName {account_name!r}, {why}): voices {', '.join(voices)}")
    if not ended:
        return None
    accounts = "a Speech account" if len(ended) == 1 else f"{len(ended)} Speech accounts"
    in_them = "in it" if len(ended) == 1 else "in them"
    return (
        f"this run would end {accounts} and every project, consent and voice {in_them}: "
        f"{'; '.join(ended)}. Their speakerProfileIds would end for good, whatever {MAX_DELETE_SHARE_CONFIG} allows. "
        f"If that is meant, run it once with {ALLOW_DELETES_ENVIRONMENT_VARIABLE}=1; even then Pulumi's protect, "
        "every account's default, stops the delete until the catalog sets protect: false for it"
    )


def why_ended(account: Held, declared_accounts: Mapping[str, Mapping[str, Any]]) -> str | None:
    """What ends the held account in this run ("dropped", or the fields that replace it with
    their values), or None when it stays."""
    if account.outputs.get("existing") is True:
        return None  # a reference: its delete leaves the account in Azure
    declared = declared_accounts.get(account.name)
    if declared is None:
        return _dropped(account, declared_accounts)
    news, _problems = normalise(dict(declared))  # the catalog's own check names any problem
    # As the provider's diff: a reference is replaced only by another account.
    if news.get("existing") is True:
        rules = SpeechAccountProvider.reference_diff_rules
    else:
        rules = SpeechAccountProvider.diff_rules
    olds = dict(account.outputs)
    changed = rules.replacing_changes(olds, news)
    if not changed:
        return None
    return ", ".join(f"{name} {olds.get(name)!r} -> {news.get(name)!r}" for name in changed)


def _dropped(account: Held, declared_accounts: Mapping[str, Mapping[str, Any]]) -> str:
    """ "dropped", and the name it is declared again under, if any: that new resource adopts the
    account, and the old name's delete then deletes it."""
    again = [
        name
        for name, declared in declared_accounts.items()
        if all(folded(declared.get(key)) == folded(account.outputs.get(key)) for key in NAMING_FIELDS)
    ]
    if not again:
        return "dropped"
    return f"dropped, and declared again as {again[0]!r}, which adopts it before the delete of {account.name!r} ends it"
