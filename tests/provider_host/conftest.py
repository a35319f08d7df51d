"""The provider host fixture of test_provider_host, for the other modules here too."""

from tests.provider_host.test_provider_host import host  # noqa: F401 (a fixture)
