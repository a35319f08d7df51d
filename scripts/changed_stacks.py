"""Which stacks a change touches: the matrix of the pull request and deploy workflows.

    scripts/changed-stacks [--pull-request] BASE HEAD   # the stacks that BASE..HEAD touches
    scripts/changed-stacks --only STACK[,STACK...]       # these pipeline stacks ('all': every one)

Prints a GitHub Actions matrix on stdout, `{"include": [{"stack": ..., "environment": ...}]}`,
and why each stack is in it or not on stderr. Run from the project root (the wrapper does).

- The stacks are the catalogs `stacks/<stack>.yaml` of the checked-out tree. One whose
  `speechEndpoint` or `armEndpoint` is on loopback (the `dev` stack, against the local emulator)
  is local: the pipelines leave it to scripts/dev-up and CI.
- `stacks/<s>.yaml`, `Pulumi.<s>.yaml`, or a file that catalog names (a consent recording,
  prompt audio) -> stack s. The program and the provider -> every stack.
- With --pull-request, the pipeline's own files too -> every stack, so that a pull request
  changing the pipeline runs it. Diffs are then taken from the merge base (`BASE...HEAD`).
- When BASE is unknown (no earlier commit, or one a force push removed) -> every stack.
- A stack named `prod` or starting with `prod-` deploys in the GitHub environment `production`
  (required reviewers); every other in `non-production`.
"""

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from catalog.yaml_lines import YamlSyntaxError, load_with_lines
from provider.config import ARM_ENDPOINT_CONFIG, ENDPOINT_CONFIG, StackConfig
from provider.validation import is_loopback, url_host

STACKS_DIR = "stacks"
# What `pulumi up` runs: a change here may change every stack.
PROGRAM_PATHS = (
    "provider/",
    "catalog/",
    "__main__.py",
    "Pulumi.yaml",
    "pyproject.toml",
    "scripts/pulumi-resource-pulumi-python",
)
# What the pull request pipeline is made of: the workflows and every script their jobs run,
# scripts/setup's own steps (the pulumi CLI, or the language host it builds; Azurite) among them.
PIPELINE_PATHS = (
    ".github/workflows/",
    "review/",
    "scripts/preview-review",
    "scripts/changed-stacks",
    "scripts/changed_stacks.py",
    "scripts/review_comment.py",
    "scripts/pinned.py",
    "scripts/pipeline-sign-in",
    "scripts/setup",
    "scripts/common.sh",
    "scripts/help.sh",
    "scripts/install-pulumi-cli",
    "scripts/cli_version.py",
    "scripts/pulumi-language-python/",
    "scripts/install-azurite",
)
PRODUCTION = "production"
NON_PRODUCTION = "non-production"
# Pulumi's rule for a stack name (scripts/new_stack.py's too); a file name outside it is not a
# stack (and never reaches a shell).
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
NO_COMMIT = re.compile(r"^0+$")


class ChangedStacksError(Exception):
    pass


@dataclass(frozen=True)
class Selection:
    stack: str
    reason: str

    def matrix_entry(self) -> dict[str, str]:
        return {"stack": self.stack, "environment": environment_of(self.stack)}


def environment_of(stack: str) -> str:
    return PRODUCTION if stack == "prod" or stack.startswith("prod-") else NON_PRODUCTION


def catalog_stacks(root: Path) -> list[str]:
    """The stacks that have a catalog, by name; files whose name is no stack name are skipped."""
    names = sorted(path.stem for path in (root / STACKS_DIR).glob("*.yaml") if path.is_file())
    for name in names:
        if not STACK_NAME.match(name):
            print(f"changed-stacks: {STACKS_DIR}/{name}.yaml: not a stack name; ignored", file=sys.stderr)
    return [name for name in names if STACK_NAME.match(name)]


def local_reason(root: Path, stack: str) -> str | None:
    """Why a stack runs against local services only (its speechEndpoint, or the Azure Resource
    Manager of its accounts, is on loopback), or None."""
    config_file = root / f"Pulumi.{stack}.yaml"
    if not config_file.is_file():
        return None
    try:
        config = load_with_lines(config_file).data
    except YamlSyntaxError:
        return None  # the preview reports it
    values = config.get("config") if isinstance(config, dict) else None
    for key in (ENDPOINT_CONFIG, ARM_ENDPOINT_CONFIG):
        endpoint = StackConfig(values).get(key) if isinstance(values, dict) else None
        if isinstance(endpoint, str) and is_loopback(url_host(endpoint)):
            return f"local: {key} {endpoint} is on loopback (scripts/dev-up and CI run it)"
    return None


def named_files(root: Path, stack: str) -> set[str]:
    """Every project file the catalog's text values name, as repository paths (a symbolic link
    also as the file it leads to): the consent recordings and prompt audio among them."""
    try:
        catalog = load_with_lines(root / STACKS_DIR / f"{stack}.yaml").data
    except YamlSyntaxError:
        return set()  # a broken catalog is previewed when it changes, and fails there
    named: set[str] = set()
    resolved_root = root.resolve()
    for value in _texts(catalog):
        path = PurePosixPath(value)
        if not value or path.is_absolute() or ".." in path.parts:
            continue
        named.add(str(path))
        target = (root / path).resolve()
        if target.is_relative_to(resolved_root):
            named.add(target.relative_to(resolved_root).as_posix())
    return named


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _touches_everything(path: str, pull_request: bool) -> bool:
    prefixes = PROGRAM_PATHS + (PIPELINE_PATHS if pull_request else ())
    return any(path == prefix or (prefix.endswith("/") and path.startswith(prefix)) for prefix in prefixes)


def pipeline_stacks(root: Path) -> tuple[list[str], list[str]]:
    """The stacks the pipelines run, and a note on each they leave out."""
    stacks: list[str] = []
    notes: list[str] = []
    for stack in catalog_stacks(root):
        reason = local_reason(root, stack)
        if reason:
            notes.append(f"{stack}: skipped, {reason}")
        else:
            stacks.append(stack)
    return stacks, notes


def touched(root: Path, stacks: list[str], changed: list[str] | None, pull_request: bool) -> list[Selection]:
    """The stacks among `stacks` that the `changed` paths touch (None: not known, so all)."""
    if changed is None:
        return [Selection(stack, "every stack: no earlier commit to compare with") for stack in stacks]
    for path in changed:
        if _touches_everything(path, pull_request):
            return [Selection(stack, f"every stack: {path} changed") for stack in stacks]
    changed_set = set(changed)
    selected: list[Selection] = []
    for stack in stacks:
        own = {f"{STACKS_DIR}/{stack}.yaml", f"Pulumi.{stack}.yaml"} & changed_set
        files = sorted(own or (named_files(root, stack) & changed_set))
        if files:
            selected.append(Selection(stack, f"{', '.join(files)} changed"))
    return selected


def changed_paths(root: Path, base: str, head: str, merge_base: bool) -> list[str] | None:
    """The paths that differ between `base` and `head` (from their merge base with
    `merge_base`), or None when `base` is no commit this clone has."""
    if NO_COMMIT.match(base):
        return None
    known = subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=root, capture_output=True, check=False)
    if known.returncode != 0:
        return None
    spec = f"{base}...{head}" if merge_base else f"{base}..{head}"
    diff = subprocess.run(
        ["git", "diff", "--name-only", "--no-renames", "-z", spec], cwd=root, capture_output=True, check=False
    )
    if diff.returncode != 0:
        raise ChangedStacksError(f"git diff {spec} failed: {diff.stderr.decode(errors='replace').strip()}")
    return [path for path in diff.stdout.decode().split("\0") if path]


def chosen(stacks: list[str], names: str) -> list[Selection]:
    """The stacks named in `names` (comma-separated; `all` for every one)."""
    if names.strip() == "all":
        return [Selection(stack, "asked for: all") for stack in stacks]
    wanted = list(dict.fromkeys(name.strip() for name in names.split(",") if name.strip()))
    unknown = [name for name in wanted if name not in stacks]
    if unknown or not wanted:
        raise ChangedStacksError(
            f"not a pipeline stack: {', '.join(unknown) or repr(names)} (pipeline stacks: {', '.join(stacks) or 'none'})"
        )
    return [Selection(name, "asked for") for name in wanted]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="changed-stacks", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pull-request", action="store_true", help="diff from the merge base; pipeline files count")
    parser.add_argument("--only", metavar="STACKS", help="these stacks, comma-separated, or 'all'")
    parser.add_argument("base", nargs="?", help="the commit before the change")
    parser.add_argument("head", nargs="?", default="HEAD", help="the commit after it (default HEAD)")
    args = parser.parse_args(argv)
    if bool(args.only) == bool(args.base):
        parser.error("give BASE [HEAD], or --only STACKS")
    root = Path.cwd()
    try:
        stacks, notes = pipeline_stacks(root)
        if args.only:
            selected = chosen(stacks, args.only)
        else:
            changed = changed_paths(root, args.base, args.head, merge_base=args.pull_request)
            selected = touched(root, stacks, changed, args.pull_request)
    except ChangedStacksError as error:
        print(f"changed-stacks: {error}", file=sys.stderr)
        return 2
    for selection in selected:
        print(f"{selection.stack} ({environment_of(selection.stack)}): {selection.reason}", file=sys.stderr)
    for note in notes:
        print(note, file=sys.stderr)
    if not selected:
        print("no stack to run", file=sys.stderr)
    print(json.dumps({"include": [selection.matrix_entry() for selection in selected]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
