"""Pulumi dynamic providers for Azure AI Speech personal voices, their prompt audio and the
Speech resource that holds them.

The seven resource modules sit here: `personal_voice`, `project` and `consent` (on
`provider.speech`), `blob_container`, `prompt_audio` and `container_sas` (on
`provider.storage`), and `speech_account` (on `provider.accounts`); all families stand on
`base` (configure, check, diff) with the shared helpers beside it (`config`, `errors`,
`diffing`, `inputs`, `validation`, `redaction`, `hashing`).

Import paths are a public contract: stacks store by-reference pickles of the provider
classes in those seven modules, so moving one breaks refresh and destroy of every existing
stack (`tests/unit/test_pickled_import_paths.py` holds the list).
"""
