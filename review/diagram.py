"""The review's cascade as a Mermaid flowchart, which GitHub draws from a ```mermaid block in
the pull request comment: each changed resource under what holds it (a Speech account, its
projects, their consents, their voices), styled by its kind of change, a voice naming the
speakerProfileId that ends; the unchanged resources beside a changed one counted in one node
per kind. Only ids, kinds of change and speakerProfileIds are shown, each as `fields.shown`
shows a value (a SAS cut, a signature or key redacted), and every character that means
something to Mermaid or HTML is written as an entity code, so a resource's name cannot break
the diagram. At most MAX_NODES nodes: one more says how many changes are not drawn (the
tables list them all).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from review.changes import Op, ResourceChange, Review
from review.fields import shown
from review.resources import ACCOUNT, CONSENT, PROJECT, VOICE, Group, Kind

# About a screen of GitHub's comment; the tables below hold every change.
MAX_NODES = 25
# What holds a resource, innermost first: a voice hangs from its consent, else its project, else its account.
_HOLDERS = {VOICE: (CONSENT, PROJECT, ACCOUNT), CONSENT: (PROJECT, ACCOUNT), PROJECT: (ACCOUNT,)}
_ENDING = (Op.REPLACE, Op.DELETE)
_GROUP_ORDER = (Group.ACCOUNTS, Group.PROJECTS, Group.CONSENTS, Group.VOICES, Group.STORAGE, Group.OTHER)
# GitHub's light palette; the text colour is set so that a dark theme keeps it readable.
CLASSES = {
    "create": "fill:#dafbe1,stroke:#1a7f37,color:#1f2328",
    "update": "fill:#fff8c5,stroke:#9a6700,color:#1f2328",
    "replace": "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,color:#1f2328",
    "delete": "fill:#ffcecb,stroke:#82071e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328",
    "blocked": "fill:#fbefff,stroke:#8250df,stroke-width:3px,color:#1f2328",
    "other": "fill:#ddf4ff,stroke:#0969da,color:#1f2328",
    "unchanged": "fill:#f6f8fa,stroke:#8c959f,color:#59636e",
}
# Written as they are in a label; any other character becomes Mermaid's entity code `#<code>;`.
_PLAIN_PUNCTUATION = frozenset(" .,:/_-+=@!?'()")


@dataclass(frozen=True)
class _Node:
    key: str
    # None for a node counting the unchanged resources of one kind.
    kind: Kind | None
    style: str
    lines: tuple[str, ...]
    # The resources it stands for that change (1 or 0), and those that do not.
    changes: int
    kept: int


def diagram(review: Review) -> str:
    """The ```mermaid block, or "" when nothing changes."""
    if not review.changes:
        return ""
    tree = _Tree(review)
    order = tree.ordered()
    shown_nodes = order if len(order) <= MAX_NODES else order[: MAX_NODES - 1]
    ids = {node.key: f"n{index}" for index, node in enumerate(shown_nodes)}
    lines = ["```mermaid", "flowchart LR"]
    for node in shown_nodes:
        lines.append(f'  {ids[node.key]}["{_label(node.lines)}"]:::{node.style}')
        parent = tree.parent.get(node.key)
        if parent in ids:
            lines.append(f"  {ids[parent]} {tree.edge(parent, node)} {ids[node.key]}")
    hidden = order[len(shown_nodes) :]
    if hidden:
        lines.append(f'  more["{_label(_more(hidden))}"]:::unchanged')
    lines += [f"  classDef {name} {style}" for name, style in CLASSES.items()]
    lines.append("```")
    return "\n".join(lines)


class _Tree:
    """The changed resources, what holds them (changed or not), and the unchanged ones beside them."""

    def __init__(self, review: Review) -> None:
        self.changes = {change.urn: change for change in review.changes}
        kinds = {change.urn: change.kind for change in review.changes} | {kept.urn: kept.kind for kept in review.kept}
        dependencies = {change.urn: change.dependencies for change in review.changes}
        dependencies |= {kept.urn: kept.dependencies for kept in review.kept}
        holder = {urn: _holder(kinds[urn], dependencies[urn], kinds) for urn in kinds}
        # The cause of a blocked change: its replacement is what the engine refused.
        self.refused = {change.blocked.cause for change in review.changes if change.blocked and change.blocked.cause}
        kept_ids = {kept.urn: kept.id for kept in review.kept}
        self.nodes: dict[str, _Node] = {}
        self.parent: dict[str, str] = {}
        for urn in self.changes:
            at: str | None = urn
            # Up to the outermost holder (a holder is always a change or a kept resource).
            while at is not None and at not in self.nodes:
                change = self.changes.get(at)
                if change is not None:
                    self.nodes[at] = _Node(at, change.kind, _style(change), _change_lines(change, review), 1, 0)
                else:
                    self.nodes[at] = self._kept(at, kinds[at], kept_ids[at])
                up = holder[at]
                if up is not None:
                    self.parent[at] = up
                at = up
        beside: Counter[tuple[str, Kind]] = Counter()
        for urn in kept_ids:
            up = holder[urn]
            if urn not in self.nodes and up is not None and up in self.nodes:
                beside[up, kinds[urn]] += 1
        for (parent, kind), count in beside.items():
            key = f"{parent} {kind.name}"
            self.nodes[key] = _Node(key, None, "unchanged", (f"{kind.counted(count)} unchanged",), 0, count)
            self.parent[key] = parent

    def _kept(self, urn: str, kind: Kind, resource_id: str) -> _Node:
        if urn in self.refused:
            said = "replace refused: it would take protected resources along"
            return _Node(urn, kind, "blocked", (f"{kind.noun} {resource_id}", said), 0, 1)
        return _Node(urn, kind, "unchanged", (f"{kind.noun} {resource_id}", "unchanged"), 0, 1)

    def ordered(self) -> list[_Node]:
        """Depth first, each node after what holds it: the outermost first, then the changes before the unchanged."""
        children: defaultdict[str | None, list[_Node]] = defaultdict(list)
        for node in self.nodes.values():
            children[self.parent.get(node.key)].append(node)
        found: list[_Node] = []
        stack = sorted(children[None], key=self._rank, reverse=True)
        while stack:
            node = stack.pop()
            found.append(node)
            stack += sorted(children[node.key], key=self._rank, reverse=True)
        return found

    def _rank(self, node: _Node) -> tuple[int, int, str]:
        """Outermost kinds first, the counts of unchanged last; blocked, then by kind of change, then by id."""
        group = _GROUP_ORDER.index(node.kind.group) if node.kind else len(_GROUP_ORDER)
        change = self.changes.get(node.key)
        ending = (0 if change.blocked else 1 + list(Op).index(change.op)) if change else len(Op) + 1
        return (group, ending, change.id if change else node.key)

    def edge(self, parent: str, child: _Node) -> str:
        """`==>` what the parent's end takes along, `-->` what it holds, `-.->` the unchanged."""
        held = self.changes.get(child.key)
        if held is None:
            return "-.->"
        holder = self.changes.get(parent)
        ends = (holder is not None and holder.op in _ENDING and not holder.blocked) or parent in self.refused
        return "==>|takes along|" if ends and held.op in _ENDING else "-->"


def _holder(kind: Kind, dependencies: tuple[str, ...], kinds: dict[str, Kind]) -> str | None:
    for holder_kind in _HOLDERS.get(kind, ()):
        found = sorted(urn for urn in dependencies if kinds.get(urn) is holder_kind)
        if found:
            return found[0]
    return None


def _style(change: ResourceChange) -> str:
    if change.blocked:
        return "blocked"
    return change.op.value


def _change_lines(change: ResourceChange, review: Review) -> tuple[str, ...]:
    named = f"{change.kind.noun} {change.id}" + (f" ({change.protection})" if change.protection else "")
    if change.blocked:
        what = f"{change.blocked.op.value} blocked: protected"
    elif change.op is Op.OTHER:
        what = change.step_op
    else:
        what = {Op.UPDATE: "update in place", Op.CREATE: "create again" if change.recreated else "create"}.get(
            change.op, change.op.value
        )
    if change.kind is not VOICE:
        return (named, what)
    return (named, what, _profile(change, review))


def _profile(change: ResourceChange, review: Review) -> str:
    """What happens to the voice's speakerProfileId."""
    profile = review.speaker_profile_id(change)
    named = f"speakerProfileId {profile}" if profile else "its speakerProfileId"
    if change.blocked:
        return f"{named} stays"
    if change.recreated:
        return f"{named} ended outside the stack"
    if change.op in _ENDING:
        return f"ends {named}"
    if change.op is Op.CREATE:
        return "speakerProfileId comes with pulumi up"
    return "same speakerProfileId" if change.op is Op.UPDATE else named


def _more(hidden: list[_Node]) -> tuple[str, ...]:
    changes, kept = sum(node.changes for node in hidden), sum(node.kept for node in hidden)
    said = []
    if changes:
        said.append(f"{changes} more change" + ("" if changes == 1 else "s"))
    if kept:
        said.append(f"{kept} more unchanged")
    return (" and ".join(said) + " not drawn", "the tables list every change")


def _label(lines: tuple[str, ...]) -> str:
    """Lines of text as one quoted Mermaid label: each value shown safely, and escaped."""
    return "<br>".join(_escaped(shown(line)) for line in lines)


def _escaped(text: str) -> str:
    return "".join(
        char if char.isalnum() or char in _PLAIN_PUNCTUATION else f"#{ord(char)};" for char in " ".join(text.split())
    )
