"""A file on the machine that runs `pulumi up`, as a dynamic resource: its content is an input,
so a change to it shows in the preview, and `up` writes it (`destroy` removes it)."""

from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class LocalFileProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        _write(props)
        return CreateResult(props["path"], props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in ("path", "content") if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=["path"] if "path" in changed else [])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _write(news)
        return UpdateResult(news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        Path(props["path"]).unlink(missing_ok=True)


def _write(props: dict[str, Any]) -> None:
    path = Path(props["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(props["content"])


class LocalFile(Resource, module="local", name="File"):
    path: pulumi.Output[str]
    content: pulumi.Output[str]

    def __init__(self, name: str, path: pulumi.Input[str], content: pulumi.Input[str]) -> None:
        super().__init__(LocalFileProvider(), name, {"path": path, "content": content})
