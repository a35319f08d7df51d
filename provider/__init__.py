"""Pulumi dynamic providers for Azure AI Speech personal voices and their prompt audio.

The six resource modules sit here: `personal_voice`, `project` and `consent` (on
`provider.speech`), `blob_container`, `prompt_audio` and `container_sas` (on
`provider.storage`); both families stand on `base` (configure, check, diff) with the shared
helpers beside it (`config`, `errors`, `diffing`, `inputs`, `validation`, `redaction`,
`hashing`).

Import paths are a public contract: stacks store by-reference pickles of the provider
classes in those six modules, so moving one breaks refresh and destroy of every existing
stack (`tests/unit/test_pickled_import_paths.py` holds the list).
"""
