"""What changed in a resource's inputs, field by field, as a reviewer may read it.

The preview shows a secret as the text `[secret]` (on both sides, so a rotated SAS looks
unchanged) and a value known only at `pulumi up` as the engine's unknown sentinel. A value is
never shown whole when it could hold a secret: a URL's SAS query is cut, and any signature,
key header or bearer token left is redacted.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provider.redaction import redact, strip_query

SECRET = "[secret]"
# pulumi's unknown sentinel (pulumi.runtime.rpc.UNKNOWN), as the preview prints it.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# The pickled provider reference each dynamic resource carries: not an input anyone declares.
PROVIDER_INPUT = "__provider"
SHOWN_UNKNOWN = "[known at up]"
ABSENT = "(none)"
LONGEST_SHOWN = 100
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SAS_QUERY = re.compile(r"(?i)[?&]sig=")


class _Absent:
    def __repr__(self) -> str:
        return ABSENT


MISSING: Any = _Absent()


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any  # MISSING when the field is new
    new: Any  # MISSING when the field is gone

    @property
    def opaque(self) -> bool:
        """Both sides secret: whether it changed at all cannot be told."""
        return self.old == SECRET and self.new == SECRET


def is_hidden(value: Any) -> bool:
    return value in (SECRET, UNKNOWN)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Each field whose shown value differs, by path (`audios.prefix`, `files[0].sha256`).
    Lists of objects are compared item by item, other lists as one value."""
    changes: list[FieldChange] = []
    _compare("", dict(old), dict(new), changes)
    return changes


def secret_fields(values: Mapping[str, Any], under: str = "") -> list[str]:
    """The paths of the secret values (under `under`, a top-level field, when given)."""
    found: list[str] = []
    _secrets("", {k: v for k, v in values.items() if k != PROVIDER_INPUT}, found)
    return [path for path in found if not under or path == under or path.startswith((f"{under}.", f"{under}["))]


def shown(value: Any) -> str:
    if value is MISSING:
        return ABSENT
    if value == SECRET:
        return SECRET
    if value == UNKNOWN:
        return SHOWN_UNKNOWN
    if isinstance(value, str):
        return _shown_text(value)
    return _shorter(redact(json.dumps(_masked(value), ensure_ascii=False)))


def _compare(path: str, old: Any, new: Any, changes: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            if key != PROVIDER_INPUT:
                _compare(_joined(path, key), old.get(key, MISSING), new.get(key, MISSING), changes)
    elif _objects(old) and _objects(new):
        for index in range(max(len(old), len(new))):
            _compare(
                f"{path}[{index}]",
                old[index] if index < len(old) else MISSING,
                new[index] if index < len(new) else MISSING,
                changes,
            )
    elif old != new and SECRET in (old, new) and _holds_secret(old) and _holds_secret(new):
        # Pulumi may mark a whole object secret on one side only: its parts cannot be compared.
        changes.append(FieldChange(path, SECRET, SECRET))
    elif old != new:
        changes.append(FieldChange(path, old, new))


def _secrets(path: str, value: Any, found: list[str]) -> None:
    if value == SECRET:
        found.append(path)
    elif isinstance(value, dict):
        for key in sorted(value):
            _secrets(_joined(path, key), value[key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _secrets(f"{path}[{index}]", item, found)


def _holds_secret(value: Any) -> bool:
    found: list[str] = []
    _secrets("", value, found)
    return bool(found)


def _objects(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _joined(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items() if key != PROVIDER_INPUT}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        return shown(value)
    return value


def _shown_text(text: str) -> str:
    if _DIGEST.match(text):
        return f"{text[:12]}…"
    if _SAS_QUERY.search(text):
        text = f"{strip_query(text)}?{SECRET}"
    return _shorter(redact(" ".join(text.split())))


def _shorter(text: str) -> str:
    return text if len(text) <= LONGEST_SHOWN else f"{text[: LONGEST_SHOWN - 1]}…"
