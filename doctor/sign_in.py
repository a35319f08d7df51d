"""What the doctor says when Microsoft Entra ID gives no token, for the Speech resource and for
Azure Resource Manager alike: the same DefaultAzureCredential fails the same way for both."""

from azure.core.exceptions import ClientAuthenticationError

SIGN_IN_TODO = (
    "run where the identity is (managed identity, workload identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/"
    "AZURE_CLIENT_SECRET, or `az login`); with a user-assigned identity, set entraClientId"
)


def no_token_reason(error: ClientAuthenticationError) -> str:
    # DefaultAzureCredential's message lists every credential it tried: its start says enough.
    return " ".join(str(error.message).split())[:300]
