"""The Pulumi program: declare the resources of `stacks/<stack>.yaml`: its Speech resources (or config's),
and the projects, consents and voices in them."""

from pathlib import Path

import pulumi

from catalog.deletion_guard import guard_deletions
from catalog.environment import Environment, config_sas
from catalog.loader import CatalogError, load_catalog
from catalog.output_waits import install as wait_for_outputs_in_linear_time
from catalog.stack import declare, export
from provider.errors import ConfigError

wait_for_outputs_in_linear_time()
project_root = Path(__file__).parent
catalog_file = Path("stacks") / f"{pulumi.get_stack()}.yaml"
try:
    catalog = load_catalog(project_root / catalog_file, project_root, config_sas())
    environment = Environment.from_config(
        pulumi.Config(), managed_storage=catalog.storage is not None, speech_accounts=bool(catalog.accounts)
    )
except (CatalogError, ConfigError) as error:
    # Mistakes of the catalog or config: their message alone, no traceback.
    raise pulumi.RunError(str(error)) from None
# Before any resource is declared: a refused run registers nothing and writes no outputs.
guard_deletions(
    str(catalog_file),
    (voice.id for voice in catalog.voices),
    environment,
    {account.name: account.inputs for account in catalog.accounts},
)
resources = declare(catalog, environment, project_root)
export(resources)
