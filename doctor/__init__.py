"""`scripts/doctor`: read-only checks of a stack before its first `pulumi up`, each one line
saying what was found and, when it fails, what to do."""
