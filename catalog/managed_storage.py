"""The stack-managed blob container, and the prompt audio uploaded to it per voice. No SAS
is kept: the provider host mints a short-lived one at each voice's create."""

from pathlib import Path

import pulumi

from catalog.specs import StorageSpec, VoiceSpec
from provider.blob_container import BlobContainer, BlobContainerArgs
from provider.prompt_audio import PromptAudio, PromptAudioArgs
from provider.prompt_files import PromptFile, content_sha256


class ManagedStorage:
    """One container for the stack; one PromptAudio resource per voice."""

    def __init__(self, spec: StorageSpec, project_root: Path) -> None:
        self._spec = spec
        self._project_root = project_root
        self.container = BlobContainer(
            spec.container, BlobContainerArgs(account_url=spec.account_url, container_name=spec.container)
        )

    def upload(self, voice: VoiceSpec) -> tuple[PromptAudio, str]:
        """The voice's prompt audio resource, and the digest of its content, known at preview
        (an output would be unknown whenever the upload changes)."""
        files = [PromptFile.in_project(path, self._project_root) for path in voice.files]
        uploaded = PromptAudio(
            f"{voice.resource_name}-prompt-audio",
            PromptAudioArgs(
                account_url=self._spec.account_url,
                container_name=self.container.containerName,
                prefix=voice.prefix or "",
                files=files,
            ),
        )
        return uploaded, content_sha256([file.as_input() for file in files])

    @property
    def container_url(self) -> pulumi.Output[str]:
        """Without a query: each voice's create gets a SAS of its own (`mintReadSas`)."""
        return self.container.containerUrl
