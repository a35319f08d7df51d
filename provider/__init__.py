"""Pulumi dynamic providers for Azure AI Speech personal voices and their prompt audio.

Import paths are a public contract: stacks store by-reference pickles of the provider
classes in `provider.personal_voice`, `provider.project`, `provider.consent`,
`provider.blob_container`, `provider.prompt_audio` and `provider.container_sas`, so moving
one breaks refresh and destroy of every existing stack.
"""
