"""One change per resource, from the preview's steps and diagnostics.

The preview lists a resource once per step: a refresh step for every resource the stack held
(Pulumi.yaml refreshes first), then its own step (`same`, `create`, `update`, `delete`,
`replace`; with `--show-replacement-steps` also `create-replacement` and `delete-replaced`).
A protected resource that would be replaced or deleted makes the preview fail: the engine says
so in a diagnostic naming its URN, and when the replacement came from a resource it depends on
(a project replaced takes its consents and voices along) it stops there, without a step.

A Speech account holds the projects, consents and voices whose state names it
(catalog/account_contents.py): they go with it as with a resource they depend on, and one the
preview shows no step for is deleted in Azure all the same when the account is.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from catalog.account_contents import holds
from provider.redaction import redact
from review.fields import SECRET, FieldChange, field_changes, secret_fields, shown
from review.preview import Diagnostic, Preview, State, Step
from review.resources import ACCOUNT, Group, Kind, kind_of, name_of_urn, resource_id, type_of_urn

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


class Op(Enum):
    DELETE = "delete"
    REPLACE = "replace"
    CREATE = "create"
    UPDATE = "update"
    # An op this review has no words for; the row shows the CLI's name of it.
    OTHER = "other"


# The steps of one resource, each mapped to the change it is part of.
_STEP_OPS = {
    "create": Op.CREATE,
    "update": Op.UPDATE,
    "replace": Op.REPLACE,
    "create-replacement": Op.REPLACE,
    "delete-replaced": Op.REPLACE,
    "delete": Op.DELETE,
}
# Steps that change nothing: a read of the stack's own outputs, the refresh before the preview.
_NO_CHANGE = frozenset({"same", "read", "refresh"})

_BLOCKED_REPLACE_WITH = re.compile(
    r'unable to replace resource "(?P<urn>[^"]+)"\s+as part of replacing "(?P<cause>[^"]+)"\s+'
    r"as it is currently marked for protection"
)
_BLOCKED_REPLACE = re.compile(r'unable to replace resource "(?P<urn>[^"]+)"\s+as it is currently marked for protection')
_BLOCKED_DELETE = re.compile(r'resource "(?P<urn>[^"]+)" cannot be deleted\s+because it is protected')
# What the engine adds after the errors that say why.
_WRAP_UP = re.compile(r"^(preview failed|an unhandled error occurred: Program exited with non-zero exit code: \d+)$")


@dataclass(frozen=True)
class Blocked:
    op: Op
    # The resource whose replacement would have taken this one along.
    cause: str | None = None


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    kind: Kind
    id: str
    op: Op
    step_op: str
    # As the stack holds it (refreshed), and as the catalog declares it now.
    old: State | None
    new: State | None
    fields: tuple[FieldChange, ...]
    # What changed that is no field of the inputs (a status the service set, say).
    notes: tuple[str, ...]
    blocked: Blocked | None
    # Created again: the refresh found it gone from the service.
    recreated: bool
    # The Speech accounts of the preview that hold it.
    within: tuple[str, ...] = ()

    @property
    def protection(self) -> str | None:
        """ "protected", or "protection lifted" when the catalog frees it in this very change."""
        if self.new is not None:
            return "protected" if self.new.protect else "protection lifted" if self.old and self.old.protect else None
        return "protected" if self.old and self.old.protect else None

    @property
    def dependencies(self) -> tuple[str, ...]:
        """What it goes along with: what its state depends on, and the accounts that hold it."""
        state = self.old.dependencies if self.old else self.new.dependencies if self.new else ()
        return (*state, *self.within)

    def output(self, name: str) -> Any:
        return self.old.outputs.get(name) if self.old else None


@dataclass(frozen=True)
class Kept:
    """A resource the change leaves as it is: what the diagram hangs the changed ones from."""

    urn: str
    kind: Kind
    id: str
    # What its state depends on, and the accounts that hold it.
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    changes: tuple[ResourceChange, ...]
    unchanged: Counter[Kind]
    # Unchanged resources the preview counted but did not list (run without `--show-sames`).
    unchanged_unlisted: int
    # Why the preview failed, besides protected resources (their changes are `blocked`).
    failures: tuple[str, ...]
    failed: bool
    stack_outputs: Mapping[str, Any]
    # The resources of the preview that do not change (listed or not by `--show-sames`).
    kept: tuple[Kept, ...] = ()

    def label(self, urn: str) -> str:
        return label_of(urn, self.changes)

    def taken_along(self, urn: str) -> list[ResourceChange]:
        """The replaced or deleted resources that depend on `urn` (directly or not)."""
        found: list[ResourceChange] = []
        frontier = {urn}
        while frontier:
            found_now = [
                change
                for change in self.changes
                if change.op in (Op.REPLACE, Op.DELETE)
                and change not in found
                and frontier.intersection(change.dependencies)
            ]
            found += found_now
            frontier = {change.urn for change in found_now}
        return found

    def speaker_profile_id(self, change: ResourceChange) -> str | None:
        """From the voice's state, else from the stack's outputs (by voice id)."""
        held = change.output("speakerProfileId")
        if isinstance(held, str) and held not in ("", SECRET):
            return held
        voice = (self.stack_outputs.get("voices") or {}).get(change.id)
        profile = voice.get("speakerProfileId") if isinstance(voice, dict) else None
        return profile if isinstance(profile, str) and profile else None


def review_of(preview: Preview) -> Review:
    steps_by_urn: dict[str, list[Step]] = {}
    for step in preview.steps:
        steps_by_urn.setdefault(step.urn, []).append(step)
    blocked = _blocked(preview.errors)
    changes: list[ResourceChange] = []
    # Resources of no change of their own, and whether the preview counted them as the same.
    no_change: dict[str, tuple[Kind, bool]] = {}
    same_not_unchanged = 0
    for urn, steps in steps_by_urn.items():
        kind = kind_of(_type_of(urn, steps))
        if kind is None:
            same_not_unchanged += any(step.op == "same" for step in steps)
            continue
        change = _change(urn, kind, steps, blocked.get(urn))
        if change is not None:
            changes.append(change)
        else:
            no_change[urn] = (kind, any(step.op == "same" for step in steps))
    for urn, why in blocked.items():
        kind = kind_of(type_of_urn(urn))
        if urn not in steps_by_urn and kind is not None and (change := _change(urn, kind, [], why)):
            changes.append(change)
    held = _held(steps_by_urn)
    accounts = {urn: state for urn, state in held.items() if kind_of(state.type) is ACCOUNT}
    changes = [replace(change, within=_accounts_holding(change.old, accounts)) for change in changes]
    # What this change deletes (of which the accounts, in Azure, with everything they hold).
    ended = {change.urn for change in changes if change.op in (Op.REPLACE, Op.DELETE) and change.blocked is None}
    unchanged: Counter[Kind] = Counter()
    kept: list[Kept] = []
    for urn, (kind, same) in no_change.items():
        holding = _accounts_holding(held.get(urn), accounts)
        ended_with = [account for account in holding if account in ended]
        if ended_with:
            changes.append(_deleted_with(urn, kind, held[urn], ended_with, changes))
            # The preview counted it as the same; it is not.
            same_not_unchanged += same
            continue
        if same:
            unchanged[kind] += 1
        if urn in held:
            state = held[urn]
            kept.append(
                Kept(urn, kind, resource_id(kind, state.inputs, name_of_urn(urn)), (*state.dependencies, *holding))
            )
    changes = [_with_cascade(change, changes) for change in changes]
    counted_same = preview.change_summary.get("same", 0) - same_not_unchanged
    return Review(
        changes=tuple(changes),
        unchanged=unchanged,
        unchanged_unlisted=max(0, counted_same - sum(unchanged.values())),
        failures=_failures(preview.errors, blocked),
        failed=bool(preview.errors),
        stack_outputs=_stack_outputs(preview.steps),
        kept=tuple(kept),
    )


def _held(steps_by_urn: Mapping[str, list[Step]]) -> dict[str, State]:
    """Each resource the stack holds, by the first state the preview shows of it."""
    held = {}
    for urn, steps in steps_by_urn.items():
        old = next((step.old for step in steps if step.old is not None), None)
        if old is not None:
            held[urn] = old
    return held


def _accounts_holding(state: State | None, accounts: Mapping[str, State]) -> tuple[str, ...]:
    if state is None:
        return ()
    return tuple(urn for urn, account in accounts.items() if holds(account.outputs, state.outputs))


def _deleted_with(
    urn: str, kind: Kind, state: State, accounts: list[str], changes: list[ResourceChange]
) -> ResourceChange:
    """A resource of no step of its own that the delete of the accounts holding it ends."""
    named = " and ".join(label_of(account, changes) for account in accounts)
    return ResourceChange(
        urn=urn,
        kind=kind,
        id=resource_id(kind, state.inputs, name_of_urn(urn)),
        op=Op.DELETE,
        step_op=Op.DELETE.value,
        old=state,
        new=None,
        fields=(),
        notes=(f"no step of its own: deleted in Azure with {named}",),
        blocked=None,
        recreated=False,
        within=tuple(accounts),
    )


def _type_of(urn: str, steps: Iterable[Step]) -> str:
    for step in steps:
        for state in (step.new, step.old):
            if state is not None:
                return state.type
    return type_of_urn(urn)


def _change(urn: str, kind: Kind, steps: list[Step], blocked: Blocked | None) -> ResourceChange | None:
    ops = [(step, _STEP_OPS.get(step.op, Op.OTHER)) for step in steps if step.op not in _NO_CHANGE]
    refreshed = next((step.old for step in steps if step.op == "refresh" and step.old), None)
    if not ops and blocked is None:
        return None
    op = min((found for _, found in ops), key=list(Op).index, default=blocked.op if blocked else Op.OTHER)
    main = [step for step, found in ops if found is op]
    old = next((step.old for step in main if step.old), refreshed)
    new = next((step.new for step in main if step.new), None)
    reasons = list(dict.fromkeys(reason for step in main for reason in step.replace_reasons))
    fields, notes = _what_changed(op, old, new, reasons)
    # A create of a resource the stack held: the refresh found it gone.
    recreated = op is Op.CREATE and refreshed is not None
    if recreated:
        notes.append("gone from the service (found by the refresh): made again")
    known = old or new
    return ResourceChange(
        urn=urn,
        kind=kind,
        id=resource_id(kind, known.inputs if known else {}, name_of_urn(urn)),
        op=op,
        step_op=main[0].op if main else op.value,
        old=old,
        new=new,
        fields=tuple(fields),
        notes=tuple(notes),
        blocked=blocked,
        recreated=recreated,
    )


def _what_changed(
    op: Op, old: State | None, new: State | None, reasons: list[str]
) -> tuple[list[FieldChange], list[str]]:
    if old is None or new is None or op not in (Op.UPDATE, Op.REPLACE, Op.OTHER):
        return [], []
    fields = field_changes(old.inputs, new.inputs)
    if reasons:
        # The provider named what replaces: a secret on both sides that is not among them is noise.
        fields = [field for field in fields if not field.opaque or any(_under(field.path, r) for r in reasons)]
    notes = []
    for reason in reasons:
        if any(_under(change.path, reason) for change in fields):
            continue
        hidden = secret_fields(new.inputs, under=reason)
        if hidden:
            fields += [FieldChange(path, SECRET, SECRET) for path in hidden]
        elif reason not in new.inputs and reason in old.outputs:
            notes.append(f"{reason} is {shown(old.outputs[reason])} in the service (found by the refresh)")
    if not fields and not notes and op is Op.UPDATE:
        # Nothing shows, so what changed is a secret (a rotated SAS token, say).
        fields = [FieldChange(path, SECRET, SECRET) for path in secret_fields(new.inputs)]
    return fields, notes


def _under(path: str, field: str) -> bool:
    return path == field or path.startswith((f"{field}.", f"{field}["))


def _with_cascade(change: ResourceChange, changes: list[ResourceChange]) -> ResourceChange:
    """A replacement with no change of its own comes with the replaced resources it depends on."""
    if change.op is not Op.REPLACE or change.fields or change.notes:
        return change
    if change.blocked and change.blocked.cause:
        note = f"replaced as part of replacing {label_of(change.blocked.cause, changes)}"
        return replace(change, notes=(*change.notes, note))
    causes = [c for c in changes if c.op is Op.REPLACE and c.urn in change.dependencies]
    if not causes:
        return change
    named = " and ".join(label_of(cause.urn, changes) for cause in sorted(causes, key=_outermost_first))
    return replace(change, notes=(*change.notes, f"no change of its own: replaced with {named}"))


def label_of(urn: str, changes: Iterable[ResourceChange]) -> str:
    """ "project contoso-personal-voices": how a resource is named in words."""
    change = next((change for change in changes if change.urn == urn), None)
    if change is not None:
        return f"{change.kind.noun} {change.id}"
    kind = kind_of(type_of_urn(urn))
    return f"{kind.noun} {name_of_urn(urn)}" if kind else name_of_urn(urn)


def _outermost_first(change: ResourceChange) -> int:
    return {Group.ACCOUNTS: 0, Group.PROJECTS: 1, Group.CONSENTS: 2}.get(change.kind.group, 3)


def _blocked(errors: Iterable[Diagnostic]) -> dict[str, Blocked]:
    found: dict[str, Blocked] = {}
    for error in errors:
        for urn, blocked in _protection_refusals(error.message):
            found.setdefault(urn, blocked)
    return found


def _protection_refusals(message: str) -> list[tuple[str, Blocked]]:
    """The resources the engine refuses to replace or delete because they are protected."""
    return [
        *((m["urn"], Blocked(Op.REPLACE, m["cause"])) for m in _BLOCKED_REPLACE_WITH.finditer(message)),
        *((m["urn"], Blocked(Op.REPLACE)) for m in _BLOCKED_REPLACE.finditer(message)),
        *((m["urn"], Blocked(Op.DELETE)) for m in _BLOCKED_DELETE.finditer(message)),
    ]


def _failures(errors: tuple[Diagnostic, ...], blocked: Mapping[str, Blocked]) -> tuple[str, ...]:
    """The errors that say why the preview failed: not the protection refusals (their changes
    are blocked), nor the engine's wrap-up of earlier errors, unless nothing else is said."""
    said = [_message(error) for error in errors if not _protection_refusals(error.message)]
    reasons = [message for message in said if not _WRAP_UP.match(message)]
    return tuple(reasons if reasons or blocked else said)


def _message(error: Diagnostic) -> str:
    return redact(error.message.strip().removeprefix("error: ").removeprefix("Preview failed: ").strip())


def _stack_outputs(steps: Iterable[Step]) -> Mapping[str, Any]:
    for step in steps:
        if step.old is not None and step.old.type == ROOT_STACK_TYPE:
            return step.old.outputs
    return {}
