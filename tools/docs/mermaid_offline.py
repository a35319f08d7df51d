"""MkDocs hook: the site draws its Mermaid diagrams with the Mermaid that tools/mermaid-check pins,
served from the site itself. Material for MkDocs loads Mermaid from unpkg.com unless a `mermaid`
is already on the page, so without this a reader offline (or behind a proxy) sees the diagrams'
source instead of pictures."""

import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
MERMAID = ROOT / "tools" / "mermaid-check" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
# Where mkdocs.yml's extra_javascript points.
SITE_PATH = Path("javascripts") / "mermaid.min.js"


def on_post_build(config: Any, **_: Any) -> None:
    if not MERMAID.is_file():
        raise PluginError(f"{MERMAID.relative_to(ROOT)} is missing: run scripts/setup")
    target = Path(config["site_dir"]) / SITE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MERMAID, target)
