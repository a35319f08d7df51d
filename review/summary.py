"""The review's first line: what a reviewer needs to know, readable alone (a commit status,
a notification): whether any voice's speakerProfileId ends, then the rest in counts."""

from collections import Counter

from review.changes import Op, ResourceChange, Review
from review.resources import VOICE, Group, Kind

# Room for one catalog problem with its absolute path; the whole message follows in the review.
LONGEST_FAILURE = 300
_VERBS = {Op.REPLACE: "replaced", Op.DELETE: "deleted", Op.CREATE: "created", Op.UPDATE: "updated in place"}
_OTHER_GROUPS = (Group.CONSENTS, Group.PROJECTS, Group.ACCOUNTS, Group.STORAGE, Group.OTHER)
# Kinds whose in-place updates change only how the service is reached, never the service.
_SERVICE_GROUPS = (Group.VOICES, Group.CONSENTS, Group.PROJECTS)


def first_line(review: Review) -> str:
    blocked = [change for change in review.changes if change.blocked]
    if blocked:
        return f"blocked: {_blocked(review, blocked)}, so `pulumi up` fails"
    if review.failed:
        reason = " ".join(" ".join(review.failures[:1]).split())
        cut = reason if len(reason) <= LONGEST_FAILURE else f"{reason[: LONGEST_FAILURE - 1]}…"
        return f"preview failed: {cut}" if cut else "preview failed"
    voices = _voices([change for change in review.changes if change.kind is VOICE])
    others = _others([change for change in review.changes if change.kind is not VOICE])
    line = f"{voices}; {others}" if others else f"{voices}; nothing else changes"
    if review.changes and all(_reached_only(change) for change in review.changes):
        line += "; nothing changes in the service"
    return line


def _blocked(review: Review, changes: list[ResourceChange]) -> str:
    said = []
    for op in (Op.REPLACE, Op.DELETE):
        of_op = [change for change in changes if change.blocked and change.blocked.op is op]
        if not of_op:
            continue
        kinds = {change.kind for change in of_op}
        if len(of_op) == 1:
            noun = of_op[0].kind.noun
        else:
            noun = of_op[0].kind.plural if len(kinds) == 1 else "resources"
        named = ", ".join(_blocked_id(review, change) for change in of_op)
        said.append(f"protected {noun} {named} would be {_VERBS[op]}")
    return " and ".join(said)


def _blocked_id(review: Review, change: ResourceChange) -> str:
    cause = change.blocked.cause if change.blocked else None
    if cause is None:
        return change.id
    return f"{change.id} (with {review.label(cause)})"


def _voices(changes: list[ResourceChange]) -> str:
    if not changes:
        return "no change to any voice"
    again = sum(1 for change in changes if change.recreated)
    counts = Counter(change.op for change in changes if not change.recreated)
    said = []
    if counts[Op.REPLACE]:
        said.append(f"{VOICE.counted(counts[Op.REPLACE])} replaced: {_new_ids(counts[Op.REPLACE])}")
    if counts[Op.DELETE]:
        ends = "its speakerProfileId ends" if counts[Op.DELETE] == 1 else "their speakerProfileIds end"
        said.append(f"{VOICE.counted(counts[Op.DELETE])} deleted: {ends}")
    if again:
        said.append(f"{VOICE.counted(again)} made again (gone from the service): {_new_ids(again)}")
    if counts[Op.CREATE]:
        said.append(f"{VOICE.counted(counts[Op.CREATE])} created: {_new_ids(counts[Op.CREATE])}")
    if counts[Op.UPDATE]:
        same = "same speakerProfileId" if counts[Op.UPDATE] == 1 else "same speakerProfileIds"
        said.append(f"{VOICE.counted(counts[Op.UPDATE])} updated in place: {same}")
    if counts[Op.OTHER]:
        said.append(f"{VOICE.counted(counts[Op.OTHER])} with other steps")
    return "; ".join(said)


def _new_ids(count: int) -> str:
    return "new speakerProfileId" if count == 1 else "new speakerProfileIds"


def _others(changes: list[ResourceChange]) -> str:
    counts: Counter[tuple[Kind, Op]] = Counter((change.kind, change.op) for change in changes)
    said = []
    for group in _OTHER_GROUPS:
        for (kind, op), count in sorted(counts.items(), key=lambda item: (item[0][0].name, list(Op).index(item[0][1]))):
            if kind.group is group:
                said.append(f"{kind.counted(count)} {_VERBS.get(op, 'with other steps')}")
    return ", ".join(said)


def _reached_only(change: ResourceChange) -> bool:
    return change.op is Op.UPDATE and change.kind.group in _SERVICE_GROUPS
