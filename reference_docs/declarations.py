"""What a resource's constructor hands to Pulumi's dynamic `Resource`: its provider, name,
properties and options, recorded instead of registered (no engine is needed to read them).

While recording, each declared resource's properties are readable as attributes holding an
`OutputOf` marker, so code that wires one resource's output into another's input
(`project.projectId`) can run and be traced.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import Resource as SdkResource
from pulumi.dynamic import ResourceProvider


@dataclass(frozen=True)
class OutputOf:
    """Stands for the output `name` of the resource of type `resource_type`."""

    resource_type: str
    name: str


@dataclass
class Declaration:
    resource_type: str  # the class name: PersonalVoice, Project...
    provider: ResourceProvider
    resource_name: str
    props: dict[str, Any]
    opts: pulumi.ResourceOptions | None


@dataclass
class Recorder:
    declarations: list[Declaration] = field(default_factory=list)

    def of_type(self, resource_type: str) -> list[Declaration]:
        return [d for d in self.declarations if d.resource_type == resource_type]


@contextmanager
def recorded() -> Iterator[Recorder]:
    """Within the block, declaring a dynamic resource records it and registers nothing."""
    recorder = Recorder()
    original = SdkResource.__init__

    def record(
        self: SdkResource,
        provider: ResourceProvider,
        name: str,
        props: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        resource_type = type(self).__name__
        recorder.declarations.append(Declaration(resource_type, provider, name, dict(props), opts))
        for key in props:
            object.__setattr__(self, key, OutputOf(resource_type, key))

    SdkResource.__init__ = record  # type: ignore[method-assign,assignment]
    try:
        yield recorder
    finally:
        SdkResource.__init__ = original  # type: ignore[method-assign]
