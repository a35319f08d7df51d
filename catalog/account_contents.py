"""What a Speech account holds: the projects, consents and voices whose `speechAccountId` is
the account's `armId` (the program gives each resource in an account that input, and its
state keeps it). Deleting the account in Azure deletes all of them: the deletion guard (from
the stack's state) and the review (from a preview) find them by this one rule.

ARM ids name the same resource whatever their letter case, so they are compared without it.
"""

from collections.abc import Mapping
from typing import Any

ARM_ID = "armId"
ACCOUNT_ID = "speechAccountId"


def holds(account_outputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> bool:
    """Whether the account (by its outputs) holds the resource (by its outputs)."""
    arm_id = _folded(account_outputs.get(ARM_ID))
    return arm_id is not None and _folded(outputs.get(ACCOUNT_ID)) == arm_id


def _folded(arm_id: Any) -> str | None:
    return arm_id.lower() if isinstance(arm_id, str) and arm_id else None
