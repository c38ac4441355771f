"""What officers send: drafts and submissions with their media, intake rules, resumable uploads, the webhook inbox."""
