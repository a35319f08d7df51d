"""What a change means, in words: for a voice, whether its speakerProfileId (what SSML and
every app speaking with it name it by) ends; for the others, what goes with them.

The rules are the providers' (docs/resources.md: the PersonalVoice resource, Project and
Consent resources, the storage resources): the service cannot edit a voice, consent or project,
so a replacement is a new one (a new speakerProfileId), and an in-place update of them changes only
how they are reached (a SAS token, the API version), nothing in the service; a project
replaced or deleted takes its consents and voices along, a consent its voices. A Speech account
replaced or deleted is deleted in Azure with every project, consent and voice in it; one updated
in place (PATCH: tags, network access, local auth, SKU) keeps them all.
"""

from collections.abc import Callable, Mapping
from typing import Any

from review.changes import Op, ResourceChange, Review
from review.fields import UNKNOWN
from review.markup import code
from review.resources import (
    ACCOUNT,
    BLOB_CONTAINER,
    CONSENT,
    CONTAINER_SAS,
    PROJECT,
    PROMPT_AUDIO,
    VOICE,
    Group,
    name_of_urn,
)

NO_SERVICE_CHANGE = "no change in the service"
# Statuses in which a voice or consent no longer works (provider/speech/base.py).
UNUSABLE_STATUSES = ("Failed", "Disabling", "Disabled")


def consequence(change: ResourceChange, review: Review) -> str:
    if change.blocked:
        return _blocked(change, review)
    if change.op is Op.OTHER:
        return f"{code(change.step_op)}: see `pulumi preview --diff`"
    said = _BY_KIND.get(change.kind.name, _generic)(change, review)
    if change.op is Op.UPDATE and any(field.new == UNKNOWN for field in change.fields):
        said += "; a value known only at `pulumi up` may still make it a replacement"
    return said


def _blocked(change: ResourceChange, review: Review) -> str:
    said = "refused: it is protected, so `pulumi up` fails"
    if change.kind is VOICE:
        profile = review.speaker_profile_id(change)
        said += f"; speakerProfileId {code(profile)} stays" if profile else "; the voice stays"
    if change.kind is ACCOUNT:
        said += "; every project, consent and voice in it stays"
    return said


def _voice(change: ResourceChange, review: Review) -> str:
    profile = review.speaker_profile_id(change)
    ends = f"ends speakerProfileId {code(profile)}" if profile else "ends its speakerProfileId"
    if change.op is Op.DELETE:
        return f"{ends}; SSML and apps using it stop working"
    if change.op is Op.REPLACE:
        status = change.output("status")
        broken = f"the service has it {status} already; " if status in UNUSABLE_STATUSES else ""
        return f"{broken}{ends}; SSML and apps using it stop working; the new voice gets a new speakerProfileId"
    if change.op is Op.CREATE and change.recreated:
        ended = f"speakerProfileId {code(profile)} ended" if profile else "its speakerProfileId ended"
        return f"{ended} outside the stack; the voice made again gets a new one"
    if change.op is Op.CREATE:
        return "a new voice: its speakerProfileId comes with `pulumi up`"
    said = f"{NO_SERVICE_CHANGE}; same speakerProfileId"
    base_model = next((field.new for field in change.fields if field.path == "baseModel"), None)
    if isinstance(base_model, str) and base_model != UNKNOWN:
        said += f"; its `ssml` output names {code(base_model)}: apps reading it speak through that base model"
    return said


def _consent(change: ResourceChange, review: Review) -> str:
    if change.op is Op.REPLACE:
        return f"replaces its voices: {_listed(review, change, VOICE.group)}"
    if change.op is Op.DELETE:
        return "deleted in the service"
    return "a new consent in the service" if change.op is Op.CREATE else NO_SERVICE_CHANGE


def _project(change: ResourceChange, review: Review) -> str:
    along = f"consents {_listed(review, change, CONSENT.group)}; voices {_listed(review, change, VOICE.group)}"
    if change.op is Op.REPLACE:
        return f"takes every consent and voice in it along, replaced too: {along}"
    if change.op is Op.DELETE:
        return f"deleted in the service with everything in it: {along}"
    return "a new project in the service" if change.op is Op.CREATE else NO_SERVICE_CHANGE


def _listed(review: Review, change: ResourceChange, group: Group) -> str:
    ids = sorted(along.id for along in review.taken_along(change.urn) if along.kind.group is group)
    return ", ".join(code(found) for found in ids) if ids else "none of the stack's"


def _account(change: ResourceChange, review: Review) -> str:
    region = change.output("region") or (change.new.inputs.get("location") if change.new else None)
    named = code(name_of_urn(change.urn)) + (f", region {code(str(region))}" if region else "")
    if change.op is Op.CREATE:
        return f"a new Speech account in Azure ({named})"
    if change.op is Op.UPDATE:
        return f"updated in place in Azure ({named}): no project, consent or voice in it ends"
    along = (
        f"projects {_listed(review, change, PROJECT.group)}; consents {_listed(review, change, CONSENT.group)}; "
        f"voices {_ending(review, change)}"
    )
    gone = f"deleted in Azure ({named}) with every project, consent and voice in it: {along}"
    return f"a new account is made; the old one is {gone}" if change.op is Op.REPLACE else gone


def _ending(review: Review, change: ResourceChange) -> str:
    """The voices taken along, each with the speakerProfileId that ends."""
    voices = sorted(
        (along.id, review.speaker_profile_id(along)) for along in review.taken_along(change.urn) if along.kind is VOICE
    )
    named = [
        f"{code(voice_id)} (speakerProfileId {code(profile)})" if profile else code(voice_id)
        for voice_id, profile in voices
    ]
    return ", ".join(named) if named else "none of the stack's"


def _blob_container(change: ResourceChange, review: Review) -> str:
    if change.op is Op.CREATE:
        return "a new container in the storage account"
    if change.output("createdByStack") is False:
        kept = "the container stays (the stack adopted it, did not create it)"
        return f"{kept}; a new one is made" if change.op is Op.REPLACE else kept
    gone = "the container and every blob in it are deleted"
    return f"{gone}; a new one is made" if change.op is Op.REPLACE else gone


def _prompt_audio(change: ResourceChange, review: Review) -> str:
    before = _blobs(change.old.inputs if change.old else {})
    after = _blobs(change.new.inputs if change.new else {})
    if change.op is Op.UPDATE:
        # In place, in one container: what is new or changed goes up, what is gone is deleted.
        uploaded = sorted(name for name, digest in after.items() if before.get(name) != digest)
        deleted = sorted(before.keys() - after.keys())
    else:
        uploaded, deleted = sorted(after), sorted(before)
    said = [f"uploads {_names(uploaded)}"] if uploaded else []
    said += [f"deletes {_names(deleted)}"] if deleted else []
    return "; ".join(said) or "no blob changes"


def _blobs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Blob (container, prefix and file name) to content digest, as PromptAudio uploads them."""
    if not isinstance(inputs.get("files"), list):
        return {}
    prefix = inputs.get("prefix") if isinstance(inputs.get("prefix"), str) else ""
    return {
        f"{inputs.get('containerName')}/{prefix}{file['name']}": file.get("sha256")
        for file in inputs["files"]
        if isinstance(file, dict) and isinstance(file.get("name"), str)
    }


def _names(names: list[str]) -> str:
    return ", ".join(code(name) for name in names)


def _container_sas(change: ResourceChange, review: Review) -> str:
    if change.op is Op.DELETE:
        return "revokes nothing: the token stays valid until it expires (rotating the account key revokes it)"
    if change.op is Op.CREATE:
        return "signs a read+list token"
    return "signs a new token; the old one stays valid until it expires"


def _generic(change: ResourceChange, review: Review) -> str:
    return {
        Op.CREATE: "created",
        Op.UPDATE: "updated in place",
        Op.REPLACE: "made again (a new resource)",
        Op.DELETE: "deleted",
    }[change.op]


_BY_KIND: dict[str, Callable[[ResourceChange, Review], str]] = {
    VOICE.name: _voice,
    CONSENT.name: _consent,
    PROJECT.name: _project,
    ACCOUNT.name: _account,
    BLOB_CONTAINER.name: _blob_container,
    PROMPT_AUDIO.name: _prompt_audio,
    CONTAINER_SAS.name: _container_sas,
}
