"""The documentation site holds together: every page the nav lists exists, every page of docs/
is in the nav (the generated docs/reference/ too), every link of the README leads
to a file that exists, and every `docs/<page>.md` that code, scripts or tests point users at
exists. Static, no build; one test builds the site strictly as CI does (a second of work)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.mermaid_check import mermaid_check

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS_POINTER = re.compile(r"\bdocs/[a-z0-9-]+\.md\b")
POINTER_SOURCES = ("provider", "catalog", "review", "doctor", "emulator", "scripts", "tests", "benchmarks", ".github")


class _MkdocsLoader(yaml.SafeLoader):
    """mkdocs.yml names a Python function for the Mermaid fence (!!python/name:...): read as its name."""


_MkdocsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda _loader, suffix, _node: suffix)


def nav_pages(mkdocs_yml: Path) -> list[str]:
    config = yaml.load(mkdocs_yml.read_text(), Loader=_MkdocsLoader)  # a SafeLoader

    def walk(entry: Any) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, list):
            return [page for item in entry for page in walk(item)]
        if isinstance(entry, dict):
            return [page for value in entry.values() for page in walk(value)]
        raise AssertionError(f"mkdocs.yml: nav: unexpected entry {entry!r}")

    return walk(config["nav"])


def site_problems(root: Path) -> list[str]:
    """What is wrong with the site's pages and the README's links under root, one line each."""
    docs = root / "docs"
    listed = nav_pages(root / "mkdocs.yml")
    problems = [
        f"mkdocs.yml: nav lists {page}, which docs/ does not hold" for page in listed if not (docs / page).is_file()
    ]
    on_disk = sorted(str(path.relative_to(docs)) for path in docs.rglob("*.md"))
    problems += [f"docs/{page} is in no nav entry of mkdocs.yml" for page in on_disk if page not in listed]
    for target in LINK.findall((root / "README.md").read_text()):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (root / path).exists():
            problems.append(f"README.md links to {target}, which does not exist")
        elif path.startswith("docs/") and path.endswith(".md") and path.removeprefix("docs/") not in listed:
            problems.append(f"README.md links to {target}, which is in no nav entry of mkdocs.yml")
    return problems


def copy_site(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(ROOT / "README.md", root / "README.md")
    shutil.copytree(ROOT / "tools" / "docs", root / "tools" / "docs")
    (root / "tools" / "mermaid-check").symlink_to(ROOT / "tools" / "mermaid-check")
    return root


def test_the_nav_the_docs_and_the_readme_links_agree() -> None:
    assert site_problems(ROOT) == []


def test_a_page_the_nav_lists_that_is_missing_is_found(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    (root / "docs" / "secrets.md").unlink()

    problems = site_problems(root)

    assert "mkdocs.yml: nav lists secrets.md, which docs/ does not hold" in problems
    assert "README.md links to docs/secrets.md, which does not exist" in problems


def test_a_page_left_out_of_the_nav_and_a_broken_readme_link_are_found(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    (root / "docs" / "orphan.md").write_text("# orphan\n")
    (root / "docs" / "reference" / "generated.md").write_text("# generated\n")
    readme = root / "README.md"
    readme.write_text(readme.read_text() + "\n[gone](docs/no-such-page.md)\n")

    assert site_problems(root) == [
        "docs/orphan.md is in no nav entry of mkdocs.yml",
        "docs/reference/generated.md is in no nav entry of mkdocs.yml",
        "README.md links to docs/no-such-page.md, which does not exist",
    ]


def dangling_pointers(root: Path) -> dict[str, list[str]]:
    """Each docs/<page>.md that sources under root name and docs/ does not hold, with where."""
    pointers: dict[str, set[str]] = {}
    files = [path for name in POINTER_SOURCES for path in (root / name).rglob("*") if path.is_file()]
    files += [path for path in (root / "__main__.py", root / ".ci" / "run") if path.is_file()]
    for path in files:
        if "__pycache__" in path.parts or path.suffix in {".wav", ".mp3", ".pyc"} or path == Path(__file__):
            continue  # (this file's hostile cases name pages that are not there on purpose)
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for pointer in DOCS_POINTER.findall(text):
            pointers.setdefault(pointer, set()).add(str(path.relative_to(root)))
    return {pointer: sorted(where) for pointer, where in pointers.items() if not (root / pointer).is_file()}


def test_every_docs_page_users_are_pointed_at_exists() -> None:
    """Error messages, script headers and comments name docs/<page>.md: none of them dangles."""
    assert DOCS_POINTER.search((ROOT / "doctor" / "speech_checks.py").read_text())
    assert dangling_pointers(ROOT) == {}


def test_a_pointer_to_a_page_that_is_not_there_is_found(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "secrets.md").write_text("# Secrets\n")
    (tmp_path / "doctor").mkdir()
    (tmp_path / "doctor" / "checks.py").write_text('HINT = "see docs/secrets.md, then docs/gone.md"\n')

    assert dangling_pointers(tmp_path) == {"docs/gone.md": ["doctor/checks.py"]}


def test_the_readme_stays_one_screen_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()

    assert len(readme.splitlines()) <= 80
    assert "scripts/dev-up\n" in readme and "scripts/test\n" in readme


def mkdocs_build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
    )


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    built = mkdocs_build(ROOT, tmp_path / "site")

    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "first-voice" / "index.html").is_file()
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()
    # The pinned Mermaid, served by the site itself (tools/docs/mermaid_offline.py), not from a CDN.
    assert (tmp_path / "site" / "javascripts" / "mermaid.min.js").is_file()


@pytest.mark.parametrize("target", ["no-such-page.md", "catalog.md#no-such-heading"])
def test_a_broken_link_fails_the_strict_build(tmp_path: Path, target: str) -> None:
    root = copy_site(tmp_path)
    page = root / "docs" / "secrets.md"
    page.write_text(page.read_text() + f"\n[broken]({target})\n")

    built = mkdocs_build(root, tmp_path / "site")

    assert built.returncode != 0
    assert f"Doc file 'secrets.md' contains a link '{target}'" in built.stderr


def test_every_diagram_of_the_readme_and_the_docs_parses_with_mermaids_own_parser() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    with_diagrams = [page for page in pages if "```mermaid" in page.read_text()]
    assert ROOT / "README.md" in with_diagrams
    checked = mermaid_check(with_diagrams)
    assert checked.status == 0, checked.failures


def test_the_review_diagram_shown_in_the_docs_is_what_the_review_draws_today() -> None:
    preview = ROOT / "tests" / "unit" / "data" / "preview" / "consent-replaced.json"
    with preview.open() as stdin:
        review = subprocess.run(
            [sys.executable, "-m", "review"],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=ROOT,
        ).stdout
    diagram = re.search(r"```mermaid\n.*?```\n", review, re.DOTALL)
    assert diagram is not None
    assert diagram.group(0) in (ROOT / "docs" / "reviewing.md").read_text()
