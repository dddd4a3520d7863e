"""Looking after an installation: backups and restores, and changing the data key. Run from the CLI."""
