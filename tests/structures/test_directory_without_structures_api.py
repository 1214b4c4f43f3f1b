"""The directory works with the Structures API switched off (annex v6.1 §2.2: to be
decommissioned by 2027): the emulator refuses every /cpro/structures/v1 call as PISTE refuses an
unknown path, and the recipient lookup, the services offered, the pre-flight check and the
connection test still work through the Référentiel des Organisations."""

from datetime import date
from decimal import Decimal

import pytest

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine, WorksContract
from invoices.sending.preflight import invoice_preflight
from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, Structure
from structures.selectors import recipient_services_for_supplier
from structures.services import (
    connection_test_run,
    directory_lookup,
    directory_lookup_run,
    directory_refresh_own_structure,
)

SUPPLIER = "12345678200010"
COMMUNE = "21750001600019"
DIRECTION = "13000261100015"


@pytest.fixture
def connection(structures_api_off, use_referentiel):
    structures_api_off.clear_calls()
    return ChorusConnection.objects.select_related("structure").get(structure__siret=SUPPLIER)


def _structures_api_calls(emulator) -> list[str]:
    return [op for op in emulator.calls()["operations"] if op.startswith("structures/v1/")]


def test_the_switch_really_refuses_the_structures_api(structures_api_off, use_structures_api):
    connection = ChorusConnection.objects.get(structure__siret=SUPPLIER)
    outcome = directory_lookup_run(connection=connection, query=DirectoryQuery(siret=COMMUNE))
    # PISTE's answer for a path it does not know: 403, read as "not subscribed to this API".
    assert (outcome["ok"], outcome["error"]) == (False, "authentication")
    assert _structures_api_calls(structures_api_off)


def test_a_recipient_is_found_by_siret_with_its_rules_and_services(connection, structures_api_off):
    WorksContract.objects.filter(owner__siret=COMMUNE).delete()  # it holds its service
    Structure.objects.filter(siret=COMMUNE).delete()
    assert directory_lookup_run(connection=connection, query=DirectoryQuery(siret=COMMUNE))["ok"]
    outcome = directory_lookup(connection=connection, query=DirectoryQuery(siret=COMMUNE))
    assert outcome.state == "found"
    [commune] = outcome.structures
    assert (commune.name, commune.city, commune.kind) == (
        "Commune de Villeneuve",
        "Villeneuve",
        Structure.Kind.PUBLIC,
    )
    assert commune.service_code_required
    assert commune.chorus_id == 25000001
    offered = {
        choice.code: choice
        for choice in recipient_services_for_supplier(
            supplier=connection.structure, recipient=commune
        )
    }
    assert "SERV_ANCIEN" not in offered  # inactive in Chorus Pro
    assert offered["SERV_CULTURE"].commitment_required
    assert offered["FACTURES_PUBLIQUES"].disabled  # reserved to public suppliers
    assert _structures_api_calls(structures_api_off) == []


def test_a_name_search_finds_public_structures(connection, structures_api_off):
    outcome = directory_lookup_run(connection=connection, query=DirectoryQuery(name="Villeneuve"))
    assert outcome["ok"]
    found = Structure.objects.filter(pk__in=outcome["structure_ids"])
    assert COMMUNE in {structure.siret for structure in found}
    assert _structures_api_calls(structures_api_off) == []


def _invoice_to(recipient, supplier, number, service=None):
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=recipient,
        service=service,
        number=number,
        issue_date=date(2026, 11, 20),
        due_date=date(2026, 12, 20),
        payment_mode="transfer",
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(3),
        unit="DAY",
        unit_price=Decimal("450.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    invoice.refresh_from_db()
    return invoice


def test_the_pre_flight_check_applies_the_rules_read_from_the_referentiel(
    connection, structures_api_off
):
    Structure.objects.filter(siret=COMMUNE).update(service_code_required=False)
    directory_lookup_run(connection=connection, query=DirectoryQuery(siret=COMMUNE))
    commune = Structure.objects.get(siret=COMMUNE)
    without_service = _invoice_to(commune, connection.structure, "F-2026-0777")
    checks = {check.code: check for check in invoice_preflight(invoice=without_service)}
    assert checks["recipient"].ok
    assert not checks["service"].ok
    with_service = _invoice_to(
        commune, connection.structure, "F-2026-0778", service=commune.services.get(code="SERV_TECH")
    )
    checks = {check.code: check for check in invoice_preflight(invoice=with_service)}
    assert checks["service"].ok
    assert _structures_api_calls(structures_api_off) == []


def test_the_connection_test_passes_every_link(connection, structures_api_off):
    report = connection_test_run(connection=connection)
    assert [check["link"] for check in report] == [
        "piste_token",
        "technical_account",
        "api_transverses",
        "api_organisations",
        "api_factures",
    ]
    assert all(check["ok"] is True for check in report), report
    assert _structures_api_calls(structures_api_off) == []


def test_a_public_structure_tests_its_connection_and_refreshes_itself(
    structures_api_off, use_referentiel
):
    connection = ChorusConnection.objects.select_related("structure").get(
        structure__siret=DIRECTION
    )
    Structure.objects.filter(siret=DIRECTION).update(chorus_id=None, commitment_required=False)
    report = connection_test_run(connection=connection)
    assert all(check["ok"] is True for check in report), report
    structure = directory_refresh_own_structure(connection=connection)
    assert structure.chorus_id is not None
    assert structure.commitment_required
    assert _structures_api_calls(structures_api_off) == []


def test_the_referentiels_country_label_is_read_through_chorus_pros_country_list(
    connection, structures_api_off
):
    from reference_lists.models import ReferenceEntry
    from reference_lists.services import reference_lists_refresh

    # The Référentiel writes "France", not "FR" (contract-works-and-new-apis §2.2.1).
    reference_lists_refresh(connection=connection, kinds=[ReferenceEntry.Kind.COUNTRY])
    Structure.objects.filter(siret=COMMUNE).update(country_code="BE")
    directory_lookup_run(connection=connection, query=DirectoryQuery(siret=COMMUNE))
    assert Structure.objects.get(siret=COMMUNE).country_code == "FR"
