"""The Pulumi program: declare the voices of `stacks/<stack>.yaml` in the stack's Speech resource."""

from pathlib import Path

import pulumi

from catalog.loader import load_catalog
from catalog.stack import Environment, declare_voices, export_voices

catalog = load_catalog(Path(__file__).parent / "stacks" / f"{pulumi.get_stack()}.yaml")
voices = declare_voices(catalog, Environment.from_config(pulumi.Config()))
export_voices(voices)
