from provider.redaction import redact, register_secret, strip_query
from provider.speech.errors import CustomVoiceApiError


def test_sas_signature_is_redacted_wherever_it_appears():
    text = "bad container https://a.blob.core.windows.net/c?sv=2024&sp=rl&sig=AbC%2Bdef%3D&se=x"
    assert redact(text) == "bad container https://a.blob.core.windows.net/c?sv=2024&sp=rl&sig=***&se=x"


def test_key_header_and_registered_secrets_are_redacted():
    register_secret("0123456789abcdef0123456789abcdef")
    text = "Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef and again 0123456789abcdef0123456789abcdef"
    assert "0123456789abcdef" not in redact(text)


def test_bearer_tokens_are_redacted():
    assert redact("Authorization: Bearer eyJ0eXAi.abc.def") == "Authorization: Bearer ***"


def test_error_messages_are_redacted_on_construction():
    error = CustomVoiceApiError("cannot read https://a/c?sig=secretsig123", status=400, code="BadRequest")
    assert "secretsig123" not in str(error)
    assert "HTTP 400" in str(error) and "BadRequest" in str(error)


def test_strip_query():
    assert strip_query("https://a/c?sig=x#f") == "https://a/c"


def test_a_registered_sas_signature_is_redacted_even_url_encoded():
    from provider.redaction import register_sas

    register_sas("https://a.blob.core.windows.net/c?sv=1&sig=QUJDREVGR0hJSktM%2Bxyz%3D")
    assert "QUJDREVGR0hJSktM" not in redact("echoed as %26sig%3DQUJDREVGR0hJSktM%2Bxyz%3D and as QUJDREVGR0hJSktM+xyz=")
