"""The contractor's draft statements: created on a contract, their amounts computed from the
cumulative works, kept on an ordinary invoice row so that the shared core (Factur-X, attachments,
pre-flight, sending, history, invoice page) serves them as it serves any invoice."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.attachments import AttachmentRejected, attachment_add
from invoices.models import Invoice, InvoiceLine, InvoiceVatLine, WorksContract, WorksPiece
from invoices.totals import LineAmounts, totals_compute
from invoices.works.frameworks import (
    A4,
    A7,
    A10,
    A11,
    CONTRACTOR_FRAMEWORKS,
    MONTHLY,
    REFUSED,
    SUBCONTRACTOR_FRAMEWORKS,
    framework_code,
)
from invoices.works.statement import StatementFigures, statement_figures

ZERO = Decimal("0.00")
NUMBER_PREFIX = {A4: "DM", A7: "DF", A10: "DM", A11: "DF"}


@dataclass(frozen=True)
class Terms:
    """The money rules a company's statements follow: the contract's for the contractor; for a
    subcontractor, its lot's amount, the contract's VAT and retention, no advance of its own."""

    amount_excl_tax: Decimal
    vat_rate: Decimal
    retention_rate: Decimal
    advance_excl_tax: Decimal = ZERO
    advance_repaid_from: Decimal = Decimal("65.00")
    advance_repaid_until: Decimal = Decimal("80.00")


def terms_for(*, contract: WorksContract, company) -> Terms:
    subcontract = (
        contract.subcontracts.filter(subcontractor=company).first()
        if company.pk != contract.contractor_id
        else None
    )
    if subcontract is not None:
        return Terms(
            amount_excl_tax=subcontract.amount_excl_tax,
            vat_rate=contract.vat_rate,
            retention_rate=contract.retention_rate,
        )
    return Terms(
        amount_excl_tax=contract.amount_excl_tax,
        vat_rate=contract.vat_rate,
        retention_rate=contract.retention_rate,
        advance_excl_tax=contract.advance_excl_tax,
        advance_repaid_from=contract.advance_repaid_from,
        advance_repaid_until=contract.advance_repaid_until,
    )


class StatementLocked(Exception):
    """The statement was sent: it can no longer change."""


def statements_of_contract(*, contract: WorksContract, company):
    """A company's statements of the contract that count (drafts and refused ones do not), in
    order."""
    return (
        WorksPiece.objects.filter(
            contract=contract, answers__isnull=True, invoice__supplier=company
        )
        .exclude(invoice__status__in=[Invoice.Status.DRAFT, Invoice.Status.SUBMISSION_REFUSED])
        .exclude(invoice__chorus_status__in=REFUSED)
        .select_related("invoice")
        .order_by("sequence", "pk")
    )


def admitted_cumulative(piece: WorksPiece) -> Decimal:
    """What the chain of ``piece`` finally states: the MOA's figure if it answered, else the
    MOE's, else the contractor's own."""
    latest = piece
    while True:
        following = latest.answered_by.order_by("pk").first()
        if following is None:
            return latest.cumulative_excl_tax
        latest = following


def previous_cumulative(
    *, contract: WorksContract, company, before: WorksPiece | None = None
) -> Decimal:
    """The works stated to date by the company's last statement on the contract that counts
    (zero before the first): the portal knows them, so the company types only the new
    cumulative."""
    statements = statements_of_contract(contract=contract, company=company)
    if before is not None:
        statements = statements.exclude(pk=before.pk)
    last = statements.last()
    return admitted_cumulative(last) if last else ZERO


def _sequence(contract: WorksContract, company) -> int:
    pieces = WorksPiece.objects.filter(
        contract=contract, answers__isnull=True, invoice__supplier=company
    )
    return pieces.count() + 1


def works_statement_start(
    *, contract: WorksContract, user, framework: str = A4, company=None
) -> Invoice:
    """A new draft statement of ``company`` (the contractor, or a subcontractor paid directly)
    on ``contract``, stating no new works yet."""
    company = company or contract.contractor
    subcontract = contract.subcontracts.filter(subcontractor=company).first()
    allowed = SUBCONTRACTOR_FRAMEWORKS if subcontract else CONTRACTOR_FRAMEWORKS
    if framework not in allowed or (subcontract is None and company != contract.contractor):
        raise ValueError(framework)
    with transaction.atomic():
        WorksContract.objects.select_for_update().filter(pk=contract.pk).first()
        sequence = _sequence(contract, company)
        number = f"{NUMBER_PREFIX[framework]}{sequence:02d}-{contract.number}"[:20]
        invoice = Invoice.objects.create(
            supplier=company,
            recipient=contract.owner,
            service=contract.owner_service,
            number=number,
            issue_date=timezone.localdate(),
            billing_framework=framework_code(framework),
            payment_mode=Invoice.PaymentMode.TRANSFER,
            market_number=contract.number,
            created_by=user,
        )
        previous = previous_cumulative(contract=contract, company=company)
        WorksPiece.objects.create(
            invoice=invoice,
            contract=contract,
            framework=framework,
            works_type="PROJET_DECOMPTE_MENSUEL"
            if framework in MONTHLY
            else "PROJET_DECOMPTE_FINAL",
            depositor=company,
            validator=subcontract.validator if subcontract else None,
            project_manager=contract.project_manager,
            project_manager_service_code=contract.project_manager_service_code,
            project_owner=contract.owner,
            sequence=sequence,
            cumulative_excl_tax=previous,
            previous_cumulative_excl_tax=previous,
        )
        statement_amounts_write(invoice=invoice, cumulative=previous)
    return invoice


def works_statement_update(
    *,
    invoice: Invoice,
    cumulative: Decimal,
    period_end: date | None,
    number: str,
    issue_date: date,
    comment: str = "",
) -> StatementFigures:
    """The contractor states the works done to date: every amount follows."""
    if invoice.status != Invoice.Status.DRAFT:
        raise StatementLocked(invoice.pk)
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            number=number, issue_date=issue_date, comment=comment
        )
        invoice.number, invoice.issue_date, invoice.comment = number, issue_date, comment
        piece = invoice.works
        piece.period_end = period_end
        piece.previous_cumulative_excl_tax = previous_cumulative(
            contract=piece.contract, company=invoice.supplier, before=piece
        )
        piece.save(update_fields=["period_end", "previous_cumulative_excl_tax"])
        return statement_amounts_write(invoice=invoice, cumulative=cumulative)


def statement_amounts_write(
    *, invoice: Invoice, cumulative: Decimal, previous: Decimal | None = None
) -> StatementFigures:
    """Write the statement's figures: the works row, one invoice line for the period's works net
    of the advance repaid, the VAT breakdown and the totals (retention held back from the amount
    due). ``previous`` defaults to the piece's own previous cumulative."""
    piece = invoice.works
    contract = piece.contract
    if previous is None:
        previous = piece.previous_cumulative_excl_tax
    figures = statement_figures(
        contract=terms_for(contract=contract, company=invoice.supplier),
        cumulative=cumulative,
        previous_cumulative=previous,
    )
    WorksPiece.objects.filter(pk=piece.pk).update(
        cumulative_excl_tax=figures.cumulative,
        previous_cumulative_excl_tax=figures.previous_cumulative,
        advance_repayment=figures.advance_repayment,
        retention=figures.retention,
    )
    piece.refresh_from_db()
    invoice.lines.all().delete()
    invoice.vat_lines.all().delete()
    net = max(figures.net_excl_tax, ZERO)
    description = _(
        "Works done to date %(cumulative)s, of which this period %(period)s, less the advance "
        "repaid %(advance)s (contract %(contract)s)"
    ) % {
        "cumulative": figures.cumulative,
        "period": figures.period,
        "advance": figures.advance_repayment,
        "contract": contract.number,
    }
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description=description[:300],
        quantity=Decimal(1),
        unit="LS",
        unit_price=net,
        vat_rate=contract.vat_rate,
        total_excl_tax=net,
    )
    totals = totals_compute([LineAmounts(Decimal(1), net, ZERO, contract.vat_rate)])
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(
            invoice=invoice,
            rate=group.rate,
            taxable_amount=group.taxable_amount,
            vat_amount=group.vat_amount,
        )
        for group in totals.vat_groups
    )
    amount_due = max(totals.total_incl_tax - figures.retention, ZERO)
    Invoice.objects.filter(pk=invoice.pk).update(
        total_excl_tax=totals.total_excl_tax,
        total_vat=totals.total_vat,
        total_incl_tax=totals.total_incl_tax,
        amount_due=amount_due,
    )
    invoice.total_excl_tax, invoice.total_vat = totals.total_excl_tax, totals.total_vat
    invoice.total_incl_tax, invoice.amount_due = totals.total_incl_tax, amount_due
    return figures


def works_statement_attach(*, invoice: Invoice, files) -> list[str]:
    """Supporting documents (the detailed statement, photos of the site...): the core's rules
    for Chorus Pro's files. Returns the refusals, in words."""
    if invoice.status != Invoice.Status.DRAFT:
        raise StatementLocked(invoice.pk)
    refusals = []
    for uploaded in files:
        try:
            attachment_add(invoice=invoice, uploaded_file=uploaded)
        except AttachmentRejected as error:
            refusals.append(f"{uploaded.name}: {' '.join(error.messages)}")
    return refusals


def works_statement_delete(*, invoice: Invoice) -> None:
    if invoice.status != Invoice.Status.DRAFT:
        raise StatementLocked(invoice.pk)
    with transaction.atomic():
        WorksPiece.objects.filter(invoice=invoice).delete()
        for attachment in invoice.attachments.all():
            attachment.file.delete(save=False)
        invoice.delete()


def contracts_for_structure(*, structure) -> "list[WorksContract]":
    return list(
        WorksContract.objects.filter(
            Q(contractor=structure) | Q(owner=structure) | Q(project_manager=structure)
        ).select_related("owner", "project_manager", "contractor")
    )
