"""The Blob Storage family: what the prompt audio resources share (`base`, `client`, `settings`,
`inputs`)."""
