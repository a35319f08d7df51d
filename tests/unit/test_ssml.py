"""The SSML of the outputs contract parses, with the namespaces the service requires."""

from xml.etree import ElementTree

import pytest

from catalog.ssml import MSTTS_NAMESPACE, SYNTHESIS_NAMESPACE, TEXT_PLACEHOLDER, personal_voice_ssml

PROFILE = "3f8b3c1e-7d7e-4c55-9d6b-3e2f7b1a9c10"


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "zh-CN"])
def test_the_ssml_names_the_base_model_and_the_profile_in_the_locale(locale):
    root = ElementTree.fromstring(personal_voice_ssml("DragonLatestNeural", locale, PROFILE))
    assert root.tag == f"{{{SYNTHESIS_NAMESPACE}}}speak"
    assert root.get("version") == "1.0"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == locale
    voice = root.find(f"{{{SYNTHESIS_NAMESPACE}}}voice")
    assert voice is not None and voice.get("name") == "DragonLatestNeural"
    embedding = voice.find(f"{{{MSTTS_NAMESPACE}}}ttsembedding")
    assert embedding is not None and embedding.get("speakerProfileId") == PROFILE
    assert embedding.text == TEXT_PLACEHOLDER


def test_the_text_an_app_puts_in_stays_text():
    filled = personal_voice_ssml("PhoenixV2Neural", "en-US", PROFILE).replace(TEXT_PLACEHOLDER, "Tom &amp; Jerry &lt;3")
    assert ElementTree.fromstring(filled).itertext().__next__() == "Tom & Jerry <3"
