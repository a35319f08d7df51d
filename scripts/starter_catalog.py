"""The starter catalog `scripts/new-stack` writes: one project, one consent and one voice as a
commented template (`templates/catalog.yaml`), its audio lines fitting where the stack's prompt
audio goes; and the Speech account the stack creates or refers to, when it has one."""

import json
from dataclasses import dataclass
from pathlib import Path
from string import Template

from provider.storage.inputs import check_account_url, check_container_name
from provider.validation import check_url
from scripts.stack_account import StackAccount

TEMPLATE = Path(__file__).parent / "templates" / "catalog.yaml"
# Where a voice's prompt audio goes.
LOCAL_FILES = "local files"  # sent with the voice's create; no storage account
MANAGED = "managed"  # uploaded to a container the stack manages
CONTAINER = "container"  # already in one's own container, read through config sasToken


@dataclass(frozen=True)
class StorageChoice:
    kind: str
    account_url: str | None = None
    container: str | None = None
    container_url: str | None = None

    def problems(self) -> list[str]:
        if self.kind == MANAGED:
            found = check_account_url("--storage-account", self.account_url)
            found += check_container_name("--container", self.container)
        elif self.kind == CONTAINER:
            found = check_url("--container-url", self.container_url, allow_query=False)
        else:
            found = []
        return [str(problem) for problem in found]


def starter_catalog(stack: str, storage: StorageChoice, account: StackAccount | None = None) -> str:
    recording = f"stacks/{stack}-audio/prompt.wav"
    if storage.kind == MANAGED:
        section = "\nstorage:  # the container the stack creates (and deletes, with its blobs, if it made it)\n"
        section += f"  accountUrl: {storage.account_url}\n  container: {storage.container}\n"
        audios = [
            "audios:",
            "  prefix: jane/  # the voice's folder in the container",
            '  extensions: [".wav"]',
            f"  files: [{recording}]  # uploaded there by the stack",
        ]
    elif storage.kind == CONTAINER:
        section = ""
        audios = [
            "audios:",
            f"  containerUrl: {storage.container_url}  # read with config sasToken",
            "  prefix: jane/  # the recordings' folder in the container",
            '  extensions: [".wav"]',
        ]
    else:
        section = ""
        audios = ["audios:", '  extensions: [".wav"]', f"  files: [{recording}]  # sent with the voice's create"]
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        stack=stack,
        accounts=_accounts_section(account),
        storage=section,
        audios="\n".join(f"  #   {line}" for line in audios),
    )


def _accounts_section(account: StackAccount | None) -> str:
    if account is None:
        return ""
    if account.inputs.get("existing"):
        what = "the Speech resource the stack refers to: read at every run, never changed or deleted by it"
    else:
        what = (
            "the Speech resource the stack creates (or adopts, if it exists as declared); protected: deleting "
            "or replacing it ends every voice in it"
        )
    # JSON strings are YAML strings: a name of digits stays a name.
    fields = [f"{key}: {json.dumps(value)}" for key, value in account.inputs.items()]
    lines = [f"  - name: {json.dumps(account.name)}", *(f"    {field}" for field in fields)]
    return f"\nspeechAccounts:  # {what}\n" + "\n".join(lines) + "\n"
