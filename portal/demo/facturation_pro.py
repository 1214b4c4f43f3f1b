"""The demo supplier's Facturation.pro account, held by the Facturation.pro emulator of
`./dev run` (docs/facturation-pro-emulator-world.md): connected, so its invoices to public
entities can be imported at once. The page tests it in a worker when first opened."""

from connectors.facturation_pro.models import FproConnection
from structures.models import Structure

DEMO_SUPPLIER_SIRET = "12345678200010"
DEMO_API_ID = "demo-atelier-numerique"
DEMO_API_KEY = "fpro-demo-atelier-2026-key"  # the emulator's fake demo key
DEMO_FIRM_ID = 48201


def demo_facturation_pro_load() -> FproConnection:
    structure = Structure.objects.get(siret=DEMO_SUPPLIER_SIRET)
    connection = FproConnection.objects.filter(structure=structure).first()
    if connection is None:
        connection = FproConnection(structure=structure, api_id=DEMO_API_ID, firm_id=DEMO_FIRM_ID)
        connection.set_api_key(DEMO_API_KEY)
        connection.save()
    return connection
