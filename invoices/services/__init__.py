"""Invoice workflows, one module per stage: drafts, submission, status sync."""
