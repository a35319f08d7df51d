"""The SSML an app sends to Azure's text-to-speech REST API to speak with a personal voice: the
base model as the `<voice>`, the speaker profile as `<mstts:ttsembedding>`, around the text."""

from xml.sax.saxutils import quoteattr

SYNTHESIS_NAMESPACE = "http://www.w3.org/2001/10/synthesis"
MSTTS_NAMESPACE = "http://www.w3.org/2001/mstts"
# Where an app puts its text, XML-escaped.
TEXT_PLACEHOLDER = "{text}"


def personal_voice_ssml(base_model: str, locale: str, speaker_profile_id: str) -> str:
    return (
        f'<speak version="1.0" xmlns="{SYNTHESIS_NAMESPACE}" xmlns:mstts="{MSTTS_NAMESPACE}" '
        f"xml:lang={quoteattr(locale)}><voice name={quoteattr(base_model)}>"
        f"<mstts:ttsembedding speakerProfileId={quoteattr(speaker_profile_id)}>{TEXT_PLACEHOLDER}"
        "</mstts:ttsembedding></voice></speak>"
    )
