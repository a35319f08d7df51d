"""The resource reference (docs/reference/): one Markdown page per resource, generated from the
code itself, so it cannot drift from it. `python -m reference_docs` writes the pages;
`python -m reference_docs --check` names each page that differs from what the code makes now.

`declarations` records what a resource's constructor declares (without a Pulumi engine),
`resources` reads each resource from its classes and its provider's `DiffRules`,
`catalog_sources` finds which catalog fields feed which input, `pages` renders the Markdown.
"""
