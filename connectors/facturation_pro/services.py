"""The connector's entry points (one module per workflow), for views, tasks, the demo and tests.

- ``connection``: save an account, test it, ask for its invoices to be read;
- ``catalogue``: read the invoices to public entities (worker);
- ``importing``: import them as portal drafts, remember a customer's service;
- ``sending``: send imported drafts through the portal's pre-flight check and submission;
- ``write_back``: settlement, Chorus Pro number and rejection note written to Facturation.pro.
"""

from connectors.facturation_pro.catalogue import fpro_catalogue_sync
from connectors.facturation_pro.connection import (
    fpro_catalogue_request,
    fpro_connection_delete,
    fpro_connection_save,
    fpro_connection_test_request,
    fpro_connection_test_run,
)
from connectors.facturation_pro.importing import (
    fpro_customer_service_set,
    fpro_import_request,
    fpro_import_run,
    fpro_invoice_import,
)
from connectors.facturation_pro.sending import fpro_invoices_send
from connectors.facturation_pro.write_back import write_back_run, write_backs_plan

__all__ = [
    "fpro_catalogue_request",
    "fpro_catalogue_sync",
    "fpro_connection_delete",
    "fpro_connection_save",
    "fpro_connection_test_request",
    "fpro_connection_test_run",
    "fpro_customer_service_set",
    "fpro_import_request",
    "fpro_import_run",
    "fpro_invoice_import",
    "fpro_invoices_send",
    "write_back_run",
    "write_backs_plan",
]
