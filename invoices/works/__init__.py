"""Works invoices (factures de travaux): the contractor's statements, the project manager's (MOE)
queue and the project owner's (MOA) decisions, on the shared core (invoice rows, Factur-X,
attachments, the exactly-once sending, the actions queue, the status history)."""
