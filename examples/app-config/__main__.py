"""A consumer of a personal voice stack: reads its outputs (contract version 1) through a stack
reference, and turns them into the document an app loads: per voice id, its speakerProfileId,
baseModel, locale and SSML. Exported as `appVoices`, and written to config `outputFile`."""

import json
from typing import Any

import pulumi
from local_file import LocalFile

SUPPORTED_CONTRACT = 1
APP_FIELDS = ("speakerProfileId", "baseModel", "locale", "ssml")

config = pulumi.Config()
voices_stack = pulumi.StackReference(config.require("voicesStack"))


def app_voices(outputs: list[Any]) -> dict[str, dict[str, str]]:
    contract, voices = outputs
    if contract != SUPPORTED_CONTRACT:
        raise pulumi.RunError(
            f"{config.require('voicesStack')} has outputs contract {contract!r}; this program reads "
            f"version {SUPPORTED_CONTRACT}"
        )
    return {
        voice_id: {name: voice[name] for name in APP_FIELDS}
        for voice_id, voice in sorted(voices.items())
        if voice["status"] == "Succeeded"
    }


document = pulumi.Output.all(
    voices_stack.require_output("contractVersion"), voices_stack.require_output("voices")
).apply(app_voices)
pulumi.export("appVoices", document)
LocalFile(
    "app-voices",
    path=config.get("outputFile") or "app-voices.json",
    content=document.apply(lambda voices: json.dumps(voices, indent=2, sort_keys=True) + "\n"),
)
