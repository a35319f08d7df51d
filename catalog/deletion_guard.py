"""A run may not delete more of the stack's voices than its config allows.

A deleted voice's speakerProfileId never comes back, and every app that speaks with it
breaks; an emptied or half-merged catalog must not do that unattended. The voices the stack
held are its own last outputs, read back through a reference to itself, so the check runs at
preview, before anything is changed.
"""

from collections.abc import Iterable
from typing import Any

import pulumi

from catalog.environment import ALLOW_DELETES_ENVIRONMENT_VARIABLE, MAX_DELETE_SHARE_CONFIG, Environment


class DeletionGuard:
    """`reference` reads the stack's last outputs (the program's resources depend on it);
    `checked` resolves once they show that this run deletes no more voices than allowed,
    otherwise the run stops with the list."""

    def __init__(self, catalog_file: str, declared: Iterable[str], environment: Environment) -> None:
        declared_ids = set(declared)
        own_stack = f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"
        self.reference = pulumi.StackReference(own_stack)

        def check(held: Any) -> None:
            held_ids = set(held) if isinstance(held, dict) else set()
            refusal = deletion_refusal(held_ids, declared_ids, environment)
            if refusal:
                raise pulumi.RunError(f"{catalog_file}: voices: {refusal}")

        self.checked: pulumi.Output[None] = self.reference.get_output("voices").apply(check)


def deletion_refusal(held: set[str], declared: set[str], environment: Environment) -> str | None:
    """Why deleting the voices held but no longer declared is refused, or None."""
    gone = sorted(held - declared)
    if not gone or environment.deletes_allowed:
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
