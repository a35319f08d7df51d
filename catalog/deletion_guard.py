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
  kept in config, which the same log shows in the provider's Configure call anyway (README,
  Secrets: with the keys in config, 2 more lines of each per run; none with the keys in the
  environment or Entra ID). A run started with `PV_ALLOW_VOICE_DELETES=1` reads nothing.
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
"""

from collections.abc import Iterable, Mapping
from typing import Any

import pulumi

from catalog.environment import ALLOW_DELETES_ENVIRONMENT_VARIABLE, MAX_DELETE_SHARE_CONFIG, Environment
from provider.personal_voice import PersonalVoice

READ_STACK_STATE = "pulumi:pulumi:readStackResourceOutputs"
# The type the class registers its voices with (pulumi's dynamic Resource builds it from the
# class's module and name, which stacks hold).
VOICE_TYPE = f"pulumi-python:{PersonalVoice._resource_type_name}"


class StateUnreadable(Exception):
    """The engine's answer does not say what the stack holds."""


def guard_deletions(catalog_file: str, declared: Iterable[str], environment: Environment) -> None:
    """Stops the run (pulumi.RunError) when it would delete more of the stack's voices than
    allowed; returns when it may go on. A run started with PV_ALLOW_VOICE_DELETES=1 reads and
    counts nothing."""
    if environment.deletes_allowed:
        return
    try:
        held = voices_in_state(read_stack_state())
    except StateUnreadable as error:
        raise pulumi.RunError(
            f"{catalog_file}: voices: the stack's state could not be read to count the voices it holds ({error}); "
            f"a run started with {ALLOW_DELETES_ENVIRONMENT_VARIABLE}=1 goes on without it"
        ) from None
    refusal = deletion_refusal(held, set(declared), environment)
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


def voices_in_state(answer: Any) -> set[str]:
    """The voice ids of the voices in the engine's answer."""
    resources = answer.get("outputs") if isinstance(answer, Mapping) else None
    if not isinstance(resources, Mapping):
        raise StateUnreadable(f"{READ_STACK_STATE} gave no resources")
    held = set()
    for urn, resource in resources.items():
        if isinstance(resource, Mapping) and resource.get("type") == VOICE_TYPE:
            outputs = resource.get("outputs")
            voice_id = outputs.get("voiceId") if isinstance(outputs, Mapping) else None
            held.add(voice_id if isinstance(voice_id, str) and voice_id else _name_of(str(urn)))
    return held


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
