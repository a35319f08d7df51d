"""The DOT of `pulumi stack graph`, made readable for scripts/stack-graph: each resource node is
labelled with its name and its type (`jessica` / `customvoice:PersonalVoice`) instead of its
whole URN, and the nodes that are not resources of the program (the stack itself, the default
providers) are left out. A label is only ever a URN's name and type, never a property value, so
no secret can reach the picture.

    python scripts/stack_graph.py < graph.dot > readable.dot
"""

import re
import sys

_NODE = re.compile(r'^(\s*)(\w+) \[label="(urn:pulumi:[^"]*)"\];\s*$')
_DYNAMIC_PREFIX = "pulumi-python:dynamic/"


def readable(dot: str) -> str:
    lines = []
    left_out: set[str] = set()
    for line in dot.splitlines():
        node = _NODE.match(line)
        if node is None:
            lines.append(line)
            continue
        indent, node_id, urn = node.groups()
        resource_type, name = urn_parts(urn)
        if resource_type.startswith("pulumi:"):
            left_out.add(node_id)
            continue
        lines.append(f'{indent}{node_id} [label="{_escaped(name)}\\n{resource_type.removeprefix(_DYNAMIC_PREFIX)}"];')
    edge = re.compile(r"^\s*(\w+) -> (\w+) ")
    kept = [line for line in lines if not ((m := edge.match(line)) and ({m[1], m[2]} & left_out))]
    return "\n".join(kept) + "\n"


def urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) of `urn:pulumi:STACK::PROJECT::[PARENT-TYPE$]TYPE::NAME` (a name may hold '::')."""
    parts = urn.split("::")
    if len(parts) < 4:
        raise ValueError(f"not a resource URN: {urn!r}")
    return parts[2].split("$")[-1], "::".join(parts[3:])


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


if __name__ == "__main__":
    sys.stdout.write(readable(sys.stdin.read()))
