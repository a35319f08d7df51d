"""Where personal voice runs, and which region an endpoint names.

The regions are the "Personal voice" column of the text to speech table in Microsoft's
"Supported regions for Azure Speech" (https://learn.microsoft.com/azure/ai-services/speech-service/regions?tabs=tts;
MicrosoftDocs/azure-ai-docs, articles/ai-services/speech-service/regions.md, ms.date 11/09/2025).
This is the one copy in the project: update it here when that table changes.
"""

from provider.validation import REGIONAL_HOST_SUFFIX, in_zone, url_host

PERSONAL_VOICE_REGIONS = (
    "eastasia",
    "eastus",
    "eastus2",
    "southeastasia",
    "swedencentral",
    "westeurope",
    "westus2",
)


def region_of(endpoint: str) -> str | None:
    """`westeurope` of https://westeurope.api.cognitive.microsoft.com; None where the endpoint
    does not say (a custom subdomain, the emulator)."""
    host = url_host(endpoint)
    if host is None or not in_zone(host, REGIONAL_HOST_SUFFIX):
        return None
    region = host.removesuffix(REGIONAL_HOST_SUFFIX)
    return None if "." in region else region
