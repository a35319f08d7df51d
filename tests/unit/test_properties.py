"""Properties of the rules with large input spaces, over generated inputs (hypothesis)."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog.loader import CatalogError, load_catalog
from provider.redaction import redact, register_sas, register_secret
from provider.validation import ID_PATTERN, check_id

BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
secrets = st.text(alphabet=BASE64, min_size=8, max_size=64).map(lambda s: s + "=")
surroundings = st.text(max_size=80)


@given(secret=secrets, before=surroundings, after=surroundings)
def test_a_registered_key_is_never_in_redacted_text(secret, before, after):
    register_secret(secret)
    assert secret not in redact(f"{before}{secret}{after}")


@given(signature=secrets, before=surroundings, after=surroundings, encoded=st.booleans())
def test_a_sas_signature_is_never_in_redacted_text_raw_or_url_encoded(signature, before, after, encoded):
    register_sas(f"https://contoso.blob.core.windows.net/voices?sv=2026-02-06&sp=rl&sig={quote(signature, safe='')}")
    shown = quote(signature, safe="") if encoded else signature
    redacted = redact(f"{before}{shown}{after}")
    assert signature not in redacted and quote(signature, safe="") not in redacted


@given(value=st.text(max_size=70))
def test_the_id_rule_is_exactly_the_spec_pattern(value):
    assert (check_id("id", value) == []) == bool(ID_PATTERN.fullmatch(value))


@given(value=st.from_regex(ID_PATTERN, fullmatch=True))
def test_ids_are_case_sensitive_and_kept_as_given(value):
    assert check_id("id", value) == []
    if value.lower() != value:
        assert check_id("id", value.lower()) == []  # another id, as valid: nothing folds case


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)
section_names = st.sampled_from(["storage", "projects", "consents", "voices", "id", "audios", "other"])


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.dictionaries(section_names, yaml_values, max_size=4).map(lambda data: _as_yaml(data)),
    )
)
@example(text="?")  # found by a run: a null key, which once crashed the problem's field name
def test_any_text_loads_as_a_catalog_or_fails_as_a_catalog_error(tmp_path: Path, text: str):
    path = tmp_path / "stacks" / "dev.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_catalog(path, tmp_path)
    except CatalogError as error:
        assert all(re.match(r".*dev\.yaml:\d+: ", str(problem)) for problem in error.problems)


def _as_yaml(data: object) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture
def tmp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog")
