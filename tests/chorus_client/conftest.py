"""Clients wired to the local Chorus Pro emulator (fixtures ``emulator`` / ``chorus_emulator``
come from the ``chorus_emulator.pytest_plugin`` plugin)."""

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from chorus_client import (
    AttachmentUpload,
    ChorusClient,
    ChorusConfig,
    DepositMode,
    Exchange,
    InvoiceSubmission,
    InvoiceTotals,
    MainAttachment,
)

# The emulator's demo world (docs/emulator-world.md).
SUPPLIER_SIRET, SUPPLIER_ID = "12345678200010", 26000001
OTHER_SUPPLIER_SIRET = "44306184100013"
COMMUNE_SIRET, COMMUNE_ID = "21750001600019", 25000001
DRFIP_SIRET, DRFIP_ID = "13000261100015", 25000002
UNIVERSITY_SIRET, UNIVERSITY_ID = "18004100600016", 25000003
LYCEE_SIRET, LYCEE_ID = "19350936100013", 25000004
DISSOLVED_SIRET = "20005478100014"
VALIDATOR_SIRET, VALIDATOR_ID = "11000201100010", 25000006

PDF_BYTES = b"%PDF-1.4\n% fake invoice for the emulator\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def account_of(emulator, siret: str) -> tuple[str, str]:
    return tuple(emulator.accounts[siret])


@dataclass
class Recorded:
    """Everything a test may want to scan for leaked secrets."""

    exchanges: list[Exchange]

    def text(self) -> str:
        return "\n".join(repr(exchange) for exchange in self.exchanges)

    def operations(self) -> list[tuple[str, int, int | None]]:
        return [(e.operation, e.attempt, e.http_status) for e in self.exchanges]


@pytest.fixture
def recorded() -> Recorded:
    return Recorded(exchanges=[])


@pytest.fixture
def make_client(emulator, recorded):
    clients: list[ChorusClient] = []

    def make(siret: str = SUPPLIER_SIRET, *, hook=None, **overrides) -> ChorusClient:
        login, password = account_of(emulator, siret)
        settings = {
            "token_url": emulator.token_url, "api_base_url": emulator.api_base_url,
            "client_id": emulator.client_id, "client_secret": emulator.client_secret,
            "technical_login": login, "technical_password": password,
            "connect_timeout": 2.0, "read_timeout": 5.0,
        }
        settings.update(overrides)
        client = ChorusClient(ChorusConfig(**settings),
                              hook=hook if hook is not None else recorded.exchanges.append)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def supplier(make_client) -> ChorusClient:
    return make_client(SUPPLIER_SIRET)


@pytest.fixture
def commune(make_client) -> ChorusClient:
    return make_client(COMMUNE_SIRET)


@pytest.fixture
def lycee(make_client) -> ChorusClient:
    return make_client(LYCEE_SIRET)


@pytest.fixture
def validator(make_client) -> ChorusClient:
    return make_client(VALIDATOR_SIRET)


_numbers = iter(range(1, 1_000_000))


def next_number(prefix: str = "T") -> str:
    return f"{prefix}-{next(_numbers):06d}"


def pdf_submission(client: ChorusClient, *, recipient_siret: str = LYCEE_SIRET,
                   number: str | None = None, **fields) -> InvoiceSubmission:
    """Upload a PDF and build a DEPOT_PDF_API submission of 100.00 + 20.00 VAT around it."""
    attachment_id = client.transverses.upload_attachment(
        AttachmentUpload(file_name="facture.pdf", content=PDF_BYTES))
    fields.setdefault("totals", InvoiceTotals(
        total_excl_tax=Decimal("100.00"), total_vat=Decimal("20.00"),
        total_incl_tax=Decimal("120.00"), amount_due=Decimal("120.00")))
    return InvoiceSubmission(
        deposit_mode=DepositMode.DEPOT_PDF_API, recipient_siret=recipient_siret,
        supplier_id=SUPPLIER_ID, invoice_number=number or next_number(),
        invoice_date=date(2026, 3, 2),
        main_attachment=MainAttachment(attachment_id=attachment_id, designation="facture.pdf"),
        **fields)


def secrets_of(emulator, siret: str = SUPPLIER_SIRET) -> list[str]:
    login, password = account_of(emulator, siret)
    header = base64.b64encode(f"{login}:{password}".encode()).decode()
    return [emulator.client_secret, password, header]
