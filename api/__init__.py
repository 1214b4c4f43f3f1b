"""The integrator API (/api/v1/): the same services and selectors as the browser, for software.

It imports the invoice services; nothing of invoices/ or structures/ imports it."""
