"""Reads of works contracts and pieces, scoped to the user's active space: the contractor sees
its contracts' statements, the MOE the pieces naming it, the MOA (the recipient space) those
naming it as owner."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from invoices.models import FINAL_CHORUS_STATUSES, Invoice, WorksContract, WorksPiece
from invoices.works.frameworks import (
    CONTRACTOR_WAITING,
    MOA_WAITING,
    MOE_WAITING,
    REFUSED,
    VALIDATOR_WAITING,
    holder_of,
)
from portal.spaces import Space, SpaceKind

ZERO = Decimal("0.00")
PAID = "MISE_EN_PAIEMENT"


def _side(space: Space) -> Q | None:
    structure = space.structure
    if space.kind == SpaceKind.SUPPLIER:
        return Q(contractor=structure) | Q(subcontracts__subcontractor=structure)
    if space.kind == SpaceKind.PROJECT_MANAGER:
        return Q(project_manager=structure)
    if space.kind == SpaceKind.RECIPIENT:
        return Q(owner=structure)
    return None


def contracts_for_space(*, space: Space | None) -> QuerySet[WorksContract]:
    side = _side(space) if space else None
    if side is None:
        return WorksContract.objects.none()
    return (
        WorksContract.objects.filter(side)
        .distinct()
        .select_related("owner", "owner_service", "project_manager", "contractor")
    )


def contract_for_space(*, space: Space | None, contract_id: int) -> WorksContract:
    return get_object_or_404(contracts_for_space(space=space), pk=contract_id)


def pieces_for_space(*, space: Space | None) -> QuerySet[WorksPiece]:
    """Pieces of the space's contracts it may see: the contractor its own (drafts included),
    the MOE and the MOA those Chorus Pro has."""
    contracts = contracts_for_space(space=space)
    pieces = WorksPiece.objects.filter(contract__in=contracts).select_related(
        "invoice",
        "invoice__supplier",
        "invoice__recipient",
        "contract",
        "depositor",
        "project_manager",
        "project_owner",
        "answers",
    )
    if space is not None and space.kind == SpaceKind.SUPPLIER:
        # A company sees its own pieces, and the contractor those it validates; another's
        # drafts never.
        mine = Q(invoice__supplier=space.structure) | Q(validator=space.structure)
        return pieces.filter(mine).filter(
            Q(depositor=space.structure) | Q(invoice__chorus_invoice_id__isnull=False)
        )
    return pieces.filter(Q(invoice__chorus_invoice_id__isnull=False) | Q(depositor=space.structure))


def piece_for_space(*, space: Space | None, invoice_id: int) -> WorksPiece:
    return get_object_or_404(pieces_for_space(space=space), invoice_id=invoice_id)


def statement_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """A contractor's own statement (draft or sent)."""
    if space is None or space.kind != SpaceKind.SUPPLIER:
        return get_object_or_404(Invoice.objects.none(), pk=invoice_id)
    return get_object_or_404(
        Invoice.objects.select_related("works", "works__contract", "recipient", "service"),
        pk=invoice_id,
        supplier=space.structure,
        works__depositor=space.structure,
        works__answers__isnull=True,
    )


def queue_for_space(*, space: Space | None) -> QuerySet[WorksPiece]:
    """The pieces waiting for the space's decision, the nearest deadline first."""
    if space is None:
        return WorksPiece.objects.none()
    if space.kind == SpaceKind.SUPPLIER:
        # Subcontractors' requests to validate, general statements to sign.
        wanted = Q(validator=space.structure, invoice__chorus_status__in=VALIDATOR_WAITING) | Q(
            invoice__supplier=space.structure, invoice__chorus_status__in=CONTRACTOR_WAITING
        )
    elif space.kind == SpaceKind.PROJECT_MANAGER:
        wanted = Q(project_manager=space.structure, invoice__chorus_status__in=MOE_WAITING)
    elif space.kind == SpaceKind.RECIPIENT:
        wanted = Q(project_owner=space.structure, invoice__chorus_status__in=MOA_WAITING)
    else:
        return WorksPiece.objects.none()
    return (
        WorksPiece.objects.filter(wanted)
        .select_related("invoice", "invoice__supplier", "contract")
        .order_by("project_manager_due_at", "invoice__chorus_status_changed_at", "pk")
    )


def days_left(moment) -> int | None:
    """Whole days until ``moment`` (negative once past)."""
    if moment is None:
        return None
    return (timezone.localdate(moment) - timezone.localdate()).days


@dataclass
class StatementRow:
    """One statement of a contract with what became of it."""

    piece: WorksPiece
    chain: list[WorksPiece]
    admitted: Decimal
    last: WorksPiece

    @property
    def holder(self) -> str | None:
        return holder_of(self.last.invoice.chorus_status)

    @property
    def paid(self) -> bool:
        return self.last.invoice.chorus_status == PAID

    @property
    def refused(self) -> bool:
        return self.last.invoice.chorus_status in REFUSED

    @property
    def pending(self) -> bool:
        status = self.last.invoice.chorus_status
        return (
            bool(self.last.invoice.chorus_invoice_id)
            and status not in FINAL_CHORUS_STATUSES
            and not self.refused
        )


@dataclass
class ContractSummary:
    rows: list[StatementRow]
    cumulative: Decimal
    paid: Decimal
    pending: Decimal
    retention: Decimal


def contract_summary(*, contract: WorksContract, space: Space) -> ContractSummary:
    """Every statement of the contract in order, each followed to its last piece: cumulative
    works admitted, amounts paid, amounts pending and who holds them."""
    pieces = list(pieces_for_space(space=space).filter(contract=contract).order_by("pk"))
    following = {}
    for piece in pieces:
        if piece.answers_id:
            following.setdefault(piece.answers_id, piece)
    rows = []
    for piece in sorted(
        (p for p in pieces if not p.answers_id), key=lambda p: (p.sequence or 0, p.pk)
    ):
        chain = [piece]
        while chain[-1].pk in following:
            chain.append(following[chain[-1].pk])
        rows.append(
            StatementRow(
                piece=piece, chain=chain, admitted=chain[-1].cumulative_excl_tax, last=chain[-1]
            )
        )
    # Drafts and refused statements state nothing: the next statement starts where the last
    # counted one ended.
    counted = [r for r in rows if r.last.invoice.chorus_invoice_id and not r.refused]
    return ContractSummary(
        rows=rows,
        # Each company's works admitted to date (the contractor's, each subcontractor's).
        cumulative=sum(
            (
                max(r.admitted for r in counted if r.piece.invoice.supplier_id == company)
                for company in {r.piece.invoice.supplier_id for r in counted}
            ),
            ZERO,
        ),
        paid=sum((r.last.invoice.amount_due for r in counted if r.paid), ZERO),
        pending=sum((r.last.invoice.amount_due for r in counted if r.pending), ZERO),
        retention=sum((r.last.retention for r in counted), ZERO),
    )


@dataclass
class Decided:
    """A piece the space answered, and what became of its answer since."""

    piece: WorksPiece
    answer: WorksPiece
    outcome: WorksPiece  # the chain's last piece: the MOA's decision, the payment...


def decided_for_space(*, space: Space | None, limit: int = 20) -> list[Decided]:
    """The pieces the space's structure answered with its own, newest first, each with where its
    chain stands now: for the MOE, what the MOA later decided."""
    if space is None or space.kind not in (SpaceKind.PROJECT_MANAGER, SpaceKind.RECIPIENT):
        return []
    answers = (
        WorksPiece.objects.filter(depositor=space.structure, answers__isnull=False)
        .exclude(invoice__chorus_invoice_id__isnull=True)
        .select_related("answers__invoice", "invoice")
        .order_by("-pk")[:limit]
    )
    decided = []
    for answer in answers:
        outcome = answer
        while True:
            following = outcome.answered_by.select_related("invoice").order_by("pk").first()
            if following is None:
                break
            outcome = following
        decided.append(Decided(piece=answer.answers, answer=answer, outcome=outcome))
    return decided
