"""The review as Markdown: the first line, the cascade as a diagram, then a table per group (voices, consents,
projects, storage) with a row per changed resource, the unchanged ones counted, and why the
preview failed when it did."""

from review.changes import Op, ResourceChange, Review
from review.consequences import consequence
from review.diagram import diagram
from review.fields import shown
from review.markup import block, cell, code
from review.resources import Group
from review.summary import first_line

_ORDER = list(Op)
_HEADER = "| change | id | what changed | consequence |\n|---|---|---|---|"


def render(review: Review) -> str:
    parts = [first_line(review)]
    drawn = diagram(review)
    if drawn:
        parts.append(drawn)
    for group in Group:
        rows = sorted(
            (c for c in review.changes if c.kind.group is group),
            key=lambda c: (not c.blocked, _ORDER.index(c.op), c.id),
        )
        if rows:
            parts.append(f"### {group.value}\n\n{_HEADER}\n" + "\n".join(_row(change, review) for change in rows))
    parts.append(f"Unchanged (not listed): {_unchanged(review)}.")
    if any(change.blocked for change in review.changes):
        parts.append(
            "**Blocked.** A protected resource (catalog `protect: true`, or config `protectVoices`) is neither "
            "replaced nor deleted: `pulumi up` fails on it and its speakerProfileId stays. Undo the change, or "
            "lift the protection first in a change of its own."
        )
    if review.failures:
        parts.append("**The preview failed:**\n\n" + block("\n\n".join(review.failures)))
    if review.failed:
        parts.append(
            "A failed preview can stop before it reaches every resource: the rows above may not be all of the change."
        )
    return "\n\n".join(parts) + "\n"


def _row(change: ResourceChange, review: Review) -> str:
    what = "<br>".join(
        [
            *(f"{code(f.path)}: {code(shown(f.old))} -> {code(shown(f.new))}" for f in change.fields),
            *map(cell, change.notes),
        ]
    )
    columns = (_change(change), _id(change), what or _default_what(change), consequence(change, review))
    return "| " + " | ".join(cell(column) for column in columns) + " |"


def _change(change: ResourceChange) -> str:
    if change.blocked:
        return f"**blocked** {change.blocked.op.value}"
    if change.op is Op.OTHER:
        return code(change.step_op)
    return f"{change.op.value} (again)" if change.recreated else change.op.value


def _id(change: ResourceChange) -> str:
    return f"{code(change.id)} ({change.protection})" if change.protection else code(change.id)


def _default_what(change: ResourceChange) -> str:
    return {Op.CREATE: "new in the catalog", Op.DELETE: "no longer in the catalog"}.get(change.op, "")


def _unchanged(review: Review) -> str:
    listed = [
        kind.counted(count)
        for group in Group
        for kind, count in sorted(review.unchanged.items(), key=lambda item: item[0].name)
        if kind.group is group
    ]
    if review.unchanged_unlisted:
        rest = review.unchanged_unlisted
        listed.append(f"{rest} more" if listed else f"{rest} resource" + ("" if rest == 1 else "s"))
    return ", ".join(listed) or "none"
