"""How the provider host authenticates to Azure: the `authentication` config, one rule for the
Speech resource and the storage account alike, and the Microsoft Entra ID credential."""

from azure.core.credentials import TokenCredential

from provider.config import StackConfig

AUTHENTICATION_CONFIG = "authentication"
KEY_AUTHENTICATION = "key"
ENTRA_AUTHENTICATION = "entra"
ENTRA_CLIENT_ID_CONFIG = "entraClientId"
AUTHENTICATIONS = {
    KEY_AUTHENTICATION: "the Speech key, and the storage account key",
    ENTRA_AUTHENTICATION: "Microsoft Entra ID",
}


def authentication(config: StackConfig) -> str:
    return config.choice(AUTHENTICATION_CONFIG, KEY_AUTHENTICATION, AUTHENTICATIONS)


def entra_credential(client_id: str | None) -> TokenCredential:
    """`client_id`: a user-assigned managed identity's (or a workload identity's). Callers keep
    the credential (it caches its tokens) and build it only in the provider host."""
    # Imported here: azure.identity is slow to import and only Entra stacks need it.
    from azure.identity import DefaultAzureCredential

    chosen = {"managed_identity_client_id": client_id} if client_id else {}
    return DefaultAzureCredential(exclude_interactive_browser_credential=True, **chosen)
