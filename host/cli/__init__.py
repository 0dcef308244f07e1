"""Command-line interface (`zkel`)."""
