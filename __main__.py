"""The Pulumi program: declare the resources of `stacks/<stack>.yaml` in the stack's Speech resource."""

from pathlib import Path

import pulumi

from catalog.loader import load_catalog
from catalog.stack import Environment, declare, export

project_root = Path(__file__).parent
catalog = load_catalog(project_root / "stacks" / f"{pulumi.get_stack()}.yaml", project_root)
resources = declare(catalog, Environment.from_config(pulumi.Config()), project_root)
export(resources)
