"""What must be kept: the audit log, periodic task runs, backups and restores, reports."""
