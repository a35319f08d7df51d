"""`pulumi preview --json` (as the pinned CLI, 3.260.0, prints it) as typed values.

The CLI prints one object: `steps` (each with `op`, `urn`, `oldState`, `newState`,
`replaceReasons`, `diffReasons`, `detailedDiff`), `diagnostics` when something went wrong,
and `changeSummary` (counts per op). Secret values are the text `[secret]`; values known
only at `pulumi up` are the engine's unknown sentinel. This project's dynamic providers
return no detailed diff, so a change is read from the inputs of the two states.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class PreviewFormatError(ValueError):
    """The input is not what `pulumi preview --json` prints."""


@dataclass(frozen=True)
class State:
    type: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    protect: bool
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    op: str
    urn: str
    old: State | None
    new: State | None
    replace_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str


@dataclass(frozen=True)
class Preview:
    steps: tuple[Step, ...]
    diagnostics: tuple[Diagnostic, ...]
    change_summary: Mapping[str, int]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


def read_preview(text: str) -> Preview:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PreviewFormatError(f"not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise PreviewFormatError("no `steps` list: not the output of `pulumi preview --json`")
    steps = tuple(_step(f"steps[{n}]", entry) for n, entry in enumerate(document["steps"]))
    diagnostics = tuple(
        _diagnostic(f"diagnostics[{n}]", entry) for n, entry in enumerate(document.get("diagnostics") or [])
    )
    summary = document.get("changeSummary") or {}
    if not isinstance(summary, dict) or not all(isinstance(v, int) for v in summary.values()):
        raise PreviewFormatError("changeSummary: not a count per op")
    return Preview(steps, diagnostics, summary)


def _step(where: str, entry: Any) -> Step:
    if not isinstance(entry, dict):
        raise PreviewFormatError(f"{where}: not an object")
    op, urn = entry.get("op"), entry.get("urn")
    if not isinstance(op, str) or not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        raise PreviewFormatError(f"{where}: no op or URN")
    return Step(
        op=op,
        urn=urn,
        old=_state(f"{where}.oldState", entry.get("oldState")),
        new=_state(f"{where}.newState", entry.get("newState")),
        replace_reasons=_texts(f"{where}.replaceReasons", entry.get("replaceReasons")),
    )


def _state(where: str, entry: Any) -> State | None:
    if entry is None:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        raise PreviewFormatError(f"{where}: not a resource state")
    inputs, outputs = entry.get("inputs") or {}, entry.get("outputs") or {}
    if not isinstance(inputs, dict) or not isinstance(outputs, dict):
        raise PreviewFormatError(f"{where}: inputs and outputs must be objects")
    return State(
        type=entry["type"],
        inputs=inputs,
        outputs=outputs,
        protect=entry.get("protect") is True,
        dependencies=_texts(f"{where}.dependencies", entry.get("dependencies")),
    )


def _diagnostic(where: str, entry: Any) -> Diagnostic:
    if not isinstance(entry, dict) or not isinstance(entry.get("message"), str):
        raise PreviewFormatError(f"{where}: no message")
    return Diagnostic(str(entry.get("severity") or ""), entry["message"])


def _texts(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PreviewFormatError(f"{where}: not a list of names")
    return tuple(value)
