"""A review of a pending change, for a pull request: `pulumi preview --json` of a stack in,
Markdown out (`python -m review`, `scripts/preview-review`).

`preview` reads the CLI's JSON into typed steps, `resources` says what each resource is,
`fields` what changed in its inputs (secrets kept secret), `changes` makes one change per
resource (a replace is several steps; a protected resource's change is blocked), and
`consequences`, `summary` and `markdown` (with `markup`) say what that means for the voices
and their speakerProfileIds; `diagram` draws the cascade (Mermaid). `cli` is the command line.
"""
