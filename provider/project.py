"""The Project resource: the Custom Voice project (kind PersonalVoice) that holds consents
and personal voices.

Deleting a project deletes everything in it, in the service. The stack deletes its voices
and consents first (they depend on the project); if anything else is left in it (the project
was adopted, say), the delete refuses unless `forceDelete` is set, which is then also sent
to the service (where it matters for projects holding models and endpoints).
"""

from dataclasses import dataclass
from typing import Any

import pulumi

from provider.diffing import DiffRules
from provider.errors import Refused
from provider.resource import Resource
from provider.speech.base import CustomVoiceResourceProvider
from provider.speech.client import (
    API_VERSIONS,
    CONSENT,
    DEFAULT_API_VERSION,
    PERSONAL_VOICE,
    PROJECT,
    CreateAnswer,
    CustomVoiceClient,
)
from provider.validation import Problem, check_endpoint, check_id, check_one_of, check_optional_text, id_from_name

PERSONAL_VOICE_KIND = "PersonalVoice"


class ProjectProvider(CustomVoiceResourceProvider):
    kind = PROJECT
    id_input = "projectId"
    input_keys = ("endpoint", "apiVersion", "projectId", "description", "displayName", "forceDelete", "speechAccountId")
    service_output_keys = ("kind", "createdDateTime")
    diff_rules = DiffRules(
        replacing=("endpoint", "projectId", "description", "displayName"),
        # speechAccountId: which account's key reaches the endpoint, not what the project is.
        in_place=("apiVersion", "forceDelete", "speechAccountId"),
        stable_outputs=("createdDateTime",),
    )
    long_running = False
    adoption_fields = ("kind", "description", "displayName")

    def normalise_fields(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {key: news[key] for key in self.input_keys if news.get(key) is not None}
        problems = check_endpoint("endpoint", inputs.get("endpoint")) + check_id("projectId", inputs.get("projectId"))
        for field in ("description", "displayName"):
            problems += check_optional_text(field, inputs.get(field))
        problems += check_one_of("apiVersion", inputs.get("apiVersion"), API_VERSIONS)
        if not isinstance(inputs.get("forceDelete", False), bool):
            problems.append(Problem("forceDelete", "must be true or false"))
        return inputs, problems

    def send_create(self, client: CustomVoiceClient, props: dict[str, Any]) -> CreateAnswer:
        body = {"kind": PERSONAL_VOICE_KIND}
        body.update({key: props[key] for key in ("description", "displayName") if props.get(key) is not None})
        return client.create(PROJECT, props["projectId"], body)

    def differences(self, props: dict[str, Any], existing: dict[str, Any]) -> list[str]:
        return super().differences({**props, "kind": PERSONAL_VOICE_KIND}, existing)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """The service deletes everything in a project with it. The stack deletes its own
        voices and consents first, so whatever is left is not the stack's (the project was
        adopted, say): keep it unless `forceDelete` says otherwise."""
        project_id = props.get("projectId") or id_
        if not props.get("forceDelete"):
            with self.client(props) as client:
                left = [f"consent {c['id']!r}" for c in client.list(CONSENT, project_id)]
                left += [f"personal voice {v['id']!r}" for v in client.list(PERSONAL_VOICE, project_id)]
            if left:
                raise Refused(
                    f"Project {project_id!r} still holds {', '.join(left)}, which this stack does not manage; "
                    "deleting the project would delete them. Delete them first, or set forceDelete: true "
                    "on the project to delete them with it"
                )
        super().delete(id_, props)

    def delete_params(self, props: dict[str, Any]) -> dict[str, str] | None:
        return {"forceDelete": "true"} if props.get("forceDelete") else None


@dataclass
class ProjectArgs:
    endpoint: pulumi.Input[str]
    project_id: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] = DEFAULT_API_VERSION
    description: pulumi.Input[str] | None = None
    display_name: pulumi.Input[str] | None = None
    force_delete: pulumi.Input[bool] = False
    # The ARM id of the Speech account (SpeechAccount.armId) whose endpoint this is: the provider
    # host gets its key from Azure Resource Manager. None: config speechKey (or Entra ID).
    speech_account_id: pulumi.Input[str] | None = None


class Project(Resource, module="customvoice", name="Project"):
    """A Custom Voice project of kind PersonalVoice. With no `project_id`, the id is derived
    from the resource name."""

    # Attributes keep the API's camelCase names, as dynamic resources' outputs do.
    projectId: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    kind: pulumi.Output[str]
    createdDateTime: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ProjectArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "endpoint": args.endpoint,
            "apiVersion": args.api_version,
            "projectId": args.project_id if args.project_id is not None else id_from_name(resource_name),
            "description": args.description,
            "displayName": args.display_name,
            "forceDelete": args.force_delete,
            "speechAccountId": args.speech_account_id,
            "kind": None,
            "createdDateTime": None,
        }
        super().__init__(ProjectProvider(), resource_name, props, opts)
