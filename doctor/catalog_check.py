"""The stack's catalog, loaded as the program loads it (`catalog.loader.load_catalog`)."""

from pathlib import Path

from catalog.loader import CatalogError, load_catalog
from catalog.specs import Catalog
from doctor.results import CheckResult

CATALOG = "catalog"


def check_catalog(stack: str, project_dir: Path) -> tuple[CheckResult, Catalog | None]:
    relative = Path("stacks") / f"{stack}.yaml"
    try:
        catalog = load_catalog(project_dir / relative, project_dir)
    except CatalogError as error:
        first = error.problems[0]
        more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
        todo = f"fix {relative}; `pulumi preview --stack {stack}` lists every problem"
        if first.field == "(file)":
            todo = f"write {relative} (scripts/new-stack writes a starter one)"
        return CheckResult.fail(CATALOG, f"{first}{more}", todo), None
    counts = f"{len(catalog.projects)} project(s), {len(catalog.consents)} consent(s), {len(catalog.voices)} voice(s)"
    return CheckResult.ok(CATALOG, f"{relative} loads: {counts}"), catalog
