"""What can go wrong, by who says so: the service answered an error, this provider refused to
act, or the configuration is wrong. Every text has been through `redact`, so it is safe to show."""

from provider.redaction import redact


class ProviderError(Exception):
    """An error the providers raise on purpose; its message says what happened and what to do."""

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.describe())

    def describe(self) -> str:
        """The whole text shown: the message, and whatever a subclass adds to it."""
        return self.message


class ServiceError(ProviderError):
    """A service (Custom Voice or Blob Storage) answered with an error, could not be reached,
    or did not bring a resource to a good end."""


class Refused(ProviderError):
    """The provider would not act, to protect data: a resource in the way that is not the
    declared one, data the stack does not own, a file changed since the preview."""


class ConfigError(ProviderError):
    """A config key or environment variable is missing or wrong; the message names it."""
