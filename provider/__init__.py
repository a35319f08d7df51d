"""Pulumi dynamic providers for Azure AI Speech personal voices.

The import path `provider.personal_voice` is a public contract: stacks store a
by-reference pickle of `PersonalVoiceProvider`, so renaming the module breaks refresh
and destroy of every existing stack.
"""
