"""The stack-managed blob container: prompt audio uploaded per voice, and the SAS the voices
read it with."""

from pathlib import Path

import pulumi

from catalog.specs import StorageSpec, VoiceSpec
from provider.blob_container import BlobContainer, BlobContainerArgs
from provider.container_sas import ContainerSas, ContainerSasArgs
from provider.prompt_audio import PromptAudio, PromptAudioArgs
from provider.prompt_files import PromptFile, content_sha256


class ManagedStorage:
    """One container and one SAS for the stack; one PromptAudio resource per voice."""

    def __init__(self, spec: StorageSpec, project_root: Path) -> None:
        self._spec = spec
        self._project_root = project_root
        self.container = BlobContainer(
            spec.container, BlobContainerArgs(account_url=spec.account_url, container_name=spec.container)
        )
        self.sas = ContainerSas(
            f"{spec.container}-read",
            ContainerSasArgs(
                account_url=spec.account_url,
                container_name=self.container.containerName,
                lifetime_days=spec.sas_lifetime_days,
                # A week's margin, or a third of a shorter lifetime.
                renew_within_days=min(7, spec.sas_lifetime_days // 3),
            ),
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
        return uploaded, content_sha256([{"name": f.name, "sha256": f.sha256} for f in files])

    def container_url_with_sas(self) -> pulumi.Output[str]:
        return pulumi.Output.secret(
            pulumi.Output.all(self.container.containerUrl, self.sas.token).apply(lambda parts: f"{parts[0]}?{parts[1]}")
        )
