"""FacturesTravaux API: works invoices of public works contracts (contract-works §1), and the two
Transverses lists works clients need.

Recycling (``demander/recyclage``, ``recycler``) is withdrawn by the annex v6.1 (§2: a piece with
wrong routing data is refused and a new one deposited), so it is not offered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from .invoices_supplier import supporting_attachments
from .paging import page_params, read_page
from .transport import Transport
from .types_common import (
    BillingFramework,
    IdentifierType,
    InvoiceStatus,
    Page,
    PageRequest,
    iterate_pages,
)
from .types_invoices import SupportingAttachment
from .types_transverses import RefusalReason
from .types_works import (
    BillingFile,
    SubmittedWorksInvoice,
    WorksActionResult,
    WorksInvoiceDetails,
    WorksInvoiceSearch,
    WorksInvoiceSummary,
    WorksParty,
    WorksSubmission,
)
from .wire import Reader, compact
from .works_parsing import search_body, submission_body, works_details, works_summary

# contract-works §1.4.3 [C: PAS-W, PAS-L]: an empty works search is 20007 (GFT_MSG_01.075).
NO_RESULT = 20007
MAX_COMMENT = 255  # [U] as traiter/recue's motif (contract §8.3)


def _comment(comment: str | None, *, required: bool) -> str | None:
    if required and not (comment and comment.strip()):
        raise ValueError("a comment is required")
    if comment and len(comment) > MAX_COMMENT:
        raise ValueError(f"a comment is limited to {MAX_COMMENT} characters")
    return comment


class WorksInvoices:
    """Works pieces, whichever party the account acts as (contractor, MOE, MOA, validator)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, path: str, body: dict[str, Any], *, api: str = "facturesTravaux",
              accepted_codes: tuple[int, ...] = ()) -> Reader:
        operation = f"{api}/v1/{path}"
        return Reader(self._transport.call(operation, body, accepted_codes=accepted_codes),
                      operation=operation)

    def _result(self, answer: Reader, works_invoice_id: int) -> WorksActionResult:
        return WorksActionResult(
            works_invoice_id=answer.opt_integer("idFactureTravaux") or works_invoice_id,
            invoice_number=answer.opt_text("numeroFactureTravaux"),
            status=answer.opt_enum("statutFactureTravaux", InvoiceStatus),
            treated_on=answer.opt_day("dateTraitement"),
        )

    def submit(self, piece: WorksSubmission) -> SubmittedWorksInvoice:
        """``POST /cpro/facturesTravaux/v1/soumettre`` (soumettreFactureTravaux): open a billing
        file with a first piece, or answer the previous piece of one.

        On :class:`~chorus_client.ChorusTransientError` with ``may_have_been_processed``, search
        the piece by number before depositing it again.
        """
        answer = self._call("soumettre", submission_body(piece))
        return SubmittedWorksInvoice(
            works_invoice_id=answer.integer("idFactureTravaux"),
            invoice_number=answer.opt_text("numeroFactureTravaux"),
            deposited_at=answer.opt_moment("dateDepotFactureTravaux"),
            status=answer.enum("statutFactureTravaux", InvoiceStatus),
            billing_file_id=answer.opt_integer("idDossierFacturation"),
            billing_file_number=answer.opt_text("numeroDossierFacturation"),
            previous_piece_id=answer.opt_integer("idPiecePrecedente"),
        )

    def get(self, works_invoice_id: int) -> WorksInvoiceDetails:
        """``POST /cpro/facturesTravaux/v1/consulter`` (consulterFactureTravaux): a piece with its
        parties, previous and next pieces, delays and status history."""
        return works_details(self._call("consulter", {"idFactureTravaux": works_invoice_id}))

    def billing_file(self, *, works_invoice_id: int | None = None,
                     billing_file_id: int | None = None) -> BillingFile:
        """``POST /cpro/facturesTravaux/v1/consulter/dossierfacturation``
        (consulterDossierFacturation): every piece of the billing file, by one of its pieces or
        by the file's id."""
        if (works_invoice_id is None) == (billing_file_id is None):
            raise ValueError("give either works_invoice_id or billing_file_id")
        answer = self._call("consulter/dossierfacturation", compact({
            "idFactureTravaux": works_invoice_id, "idDossierFacturation": billing_file_id}))
        return BillingFile(
            billing_file_id=answer.integer("idDossierFacturation"),
            billing_file_number=answer.opt_text("numeroDossierFacturation"),
            contract_number=answer.opt_text("numeroMarche"),
            pieces=[works_summary(item) for item in answer.items("listeFacturesTravaux")],
        )

    def search(self, filters: WorksInvoiceSearch,
               page: PageRequest | None = None) -> Page[WorksInvoiceSummary]:
        """``POST /cpro/facturesTravaux/v1/rechercher`` (rechercherFactureTravaux): one page of
        the pieces seen in ``filters.role``. "No result" (code 20007) is an empty page."""
        page = page or PageRequest()
        answer = self._call("rechercher", {**search_body(filters),
                                           "rechercheFactureTravaux": page_params(page)},
                            accepted_codes=(NO_RESULT,))
        if answer.integer("codeRetour") == NO_RESULT:
            return Page(page=page.page, pages=0, page_size=page.page_size, total=0, items=[])
        return read_page(answer, "listeFacturesTravaux", works_summary, request=page)

    def iter_search(self, filters: WorksInvoiceSearch, *, page_size: int = 100
                    ) -> Iterator[WorksInvoiceSummary]:
        """Every piece matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search, filters), page_size)

    def take_into_account(self, works_invoice_id: int, *,
                          comment: str | None = None) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/prendreencompte`` (prendreEnCompteFactureTravaux):
        the MOE, MOA or destinataire holding a subcontractor's piece closes the actions on it."""
        answer = self._call("prendreencompte", compact({
            "idFactureTravaux": works_invoice_id,
            "commentaire": _comment(comment, required=False)}))
        return self._result(answer, works_invoice_id)

    def refuse(self, works_invoice_id: int, reason_code: str, *,
               comment: str | None = None) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/refuser`` (refuserFactureTravaux): refuse the piece
        one holds, with a reason of :meth:`refusal_reasons`. An amount disagreement is not a
        reason: state the admitted amount in one's own piece instead."""
        answer = self._call("refuser", compact({
            "idFactureTravaux": works_invoice_id, "codeMotif": reason_code,
            "commentaire": _comment(comment, required=False)}))
        return self._result(answer, works_invoice_id)

    def request_completion(self, works_invoice_id: int, comment: str) -> None:
        """``POST /cpro/facturesTravaux/v1/suspendre/demander/completer/factureTravaux``
        (suspendreOuDemanderCompleterFactureTravaux): the MOE or MOA holding the piece suspends
        it and asks its depositor to complete it; the comment says what is missing."""
        self._call("suspendre/demander/completer/factureTravaux", {
            "idFactureTravaux": works_invoice_id,
            "commentaire": _comment(comment, required=True)})

    def refusal_reasons(self, framework: BillingFramework) -> list[RefusalReason]:
        """``POST /cpro/facturesTravaux/v1/recuperer/motifsrefus``
        (recupererMotifsRefusFactureTravaux): the reasons valid today for refusing a piece."""
        answer = self._call("recuperer/motifsrefus", {"codeCadreFacturationTravaux": framework})
        return [RefusalReason(id=item.opt_integer("idMotif"), code=item.text("codeMotif"),
                              label=item.opt_text("libelleMotif") or "")
                for item in answer.items("listeMotifRefusFactureTravaux")]

    def complete(self, works_invoice_id: int, *, comment: str | None = None,
                 attachments: tuple[SupportingAttachment, ...] = ()) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/completer`` (completerFactureTravaux): the depositor
        answers a suspension with a comment and/or supporting documents."""
        answer = self._call("completer", compact({
            "idFactureTravaux": works_invoice_id,
            "commentaire": _comment(comment, required=False),
            "pieceJointeComplementaire": supporting_attachments(attachments) or None}))
        return self._result(answer, works_invoice_id)

    def complete_project_manager(self, works_invoice_id: int,
                                 project_manager: WorksParty) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/completermoe`` (completerMOE): name the right MOE of a
        piece refused for a wrong one, or the MOE a subcontractor's piece lacked."""
        answer = self._call("completermoe", compact({
            "idFactureTravaux": works_invoice_id,
            "identifiantMoe": project_manager.identifier,
            "typeIdentifiantMoe": project_manager.identifier_type,
            "codeServiceMoe": project_manager.service_code}))
        return self._result(answer, works_invoice_id)

    def complete_project_manager_service(self, works_invoice_id: int,
                                         service_code: str) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/completerservicemoe``
        (completerServiceMOEFacturesTravaux): set the MOE's service of a piece."""
        answer = self._call("completerservicemoe", {"idFactureTravaux": works_invoice_id,
                                                    "codeServiceMoe": service_code})
        return self._result(answer, works_invoice_id)

    def correct_validator(self, works_invoice_id: int, *,
                          structure_identifier: str | None = None,
                          structure_id: int | None = None,
                          identifier_type: IdentifierType = IdentifierType.SIRET
                          ) -> WorksActionResult:
        """``POST /cpro/facturesTravaux/v1/corriger/valideur`` (corrigerValideurFacturesTravaux):
        the depositor names the right validator of a piece refused for a wrong one."""
        if (structure_identifier is None) == (structure_id is None):
            raise ValueError("give either structure_identifier or structure_id")
        answer = self._call("corriger/valideur", compact({
            "idFactureTravaux": works_invoice_id, "idStructure": structure_id,
            "identifiantStructure": structure_identifier,
            "typeIdentifiantStructure": identifier_type if structure_identifier else None}))
        return self._result(answer, works_invoice_id)
