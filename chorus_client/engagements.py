"""Engagements API (contract-works-and-new-apis §3.3, ANNEX version 16/07/2025): commitments
(engagements juridiques) that public entities create, change and close, and that suppliers check
and consult before invoicing.

Only the resource paths are confirmed ([C: ANNEX table §4.1]); no public swagger or client was
found, so everything else is a choice, gathered in ``ENGAGEMENTS_CHOICES`` below.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from . import rest
from .errors import ChorusProtocolError, ChorusRejectedError
from .organisation_parsing import readers
from .registry_search import DEFAULT_PAGE_SIZE, iterate_offsets, query_body
from .transport import Transport
from .types_commitments import (
    CommitmentAction,
    CommitmentAttachment,
    CommitmentCreation,
    CommitmentDetails,
    CommitmentLine,
    CommitmentOperation,
    CommitmentParty,
    CommitmentPaymentRequest,
    CommitmentStatus,
    CommitmentStatusChange,
    CommitmentType,
    CommitmentUpdate,
)
from .types_common import InvoiceStatus, InvoiceType
from .types_organisations import RegistryQuery
from .types_transverses import HealthCheck
from .wire import Reader, compact

# --- [U] choices, in one place (contract-works-and-new-apis §3.3 "verbs and shapes are all
# [U]", §5 #13) ----------------------------------------------------------------------------------
ENGAGEMENTS_CHOICES = {
    # [U] §3.3: the Référentiel moved to /cpro/organisations/v1, so /cpro/engagements/v1.
    "base": "engagements/v1",
    # [U] §3.3 proposes these verbs; PUT modifies because POST /engagement creates.
    "verbs": {"exists": "GET", "search": "POST", "create": "POST", "update": "PUT",
              "status": "POST", "get": "GET", "status_history": "GET", "action_history": "GET",
              "download": "GET", "download_attachment": "GET", "attach": "POST",
              "health": "GET"},
    # [U] §3.3: the REST style of the Référentiel (§2.0) and §3.3's proposed commitment object
    # (id, numero, type, etatCourant, montantTotalTtc, emetteur{siret, codeService},
    # recepteur{siret}, lignesPoste, demandesPaiement); attachments reuse the Référentiel's
    # attachment object (fileName, contentType, sizeBytes, attachmentData) with an integer id.
    "style": "referentiel",
    # [U] "Télécharger engagement" is /piece-jointe/ (trailing slash): the commitment travels
    # as the query parameter idEngagement.
    "download_parameter": "idEngagement",
    # [U] §3.3: the existence check answers {"numero", "existe"}; a 404 NotFoundReference is
    # read as "does not exist" too (the contract leaves both open).
    "existence_field": "existe",
}
BASE = ENGAGEMENTS_CHOICES["base"]
VERBS = ENGAGEMENTS_CHOICES["verbs"]


def _day_or_moment(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lines(lines: tuple[CommitmentLine, ...]) -> list[dict[str, Any]]:
    return [compact({"numero": line.number, "libelle": line.label,
                     "montantTtc": line.amount_incl_tax}) for line in lines]


def _party(item: Reader | None) -> CommitmentParty | None:
    if item is None:
        return None
    return CommitmentParty(uuid=item.opt_text("uuid"), identifier=item.text("siret"),
                           name=item.opt_text("raisonSociale"),
                           service_code=item.opt_text("codeService"),
                           service_name=item.opt_text("libelleService"))


def _attachment(item: Reader, *, with_content: bool = False) -> CommitmentAttachment:
    content = None
    if with_content:
        try:
            content = base64.b64decode(item.text("attachmentData"), validate=True)
        except ValueError:
            raise ChorusProtocolError("field 'attachmentData' is not valid base64",
                                      operation=item.operation) from None
    return CommitmentAttachment(id=item.opt_integer("id"), file_name=item.text("fileName"),
                                content_type=item.text("contentType"),
                                size_bytes=item.integer("sizeBytes"), content=content)


def _commitment(item: Reader) -> CommitmentDetails:
    return CommitmentDetails(
        id=item.integer("id"), number=item.text("numero"), label=item.opt_text("libelle"),
        type=item.enum("type", CommitmentType), status=item.enum("etatCourant",
                                                                 CommitmentStatus),
        created_at=item.opt_moment("dateCreation"),
        notified_at=item.opt_moment("dateNotification"),
        modified_at=item.opt_moment("dateModification"),
        total_amount=item.amount("montantTotalTtc"), currency=item.opt_text("devise") or "EUR",
        market_number=item.opt_text("numeroMarche"),
        issuer=_party(item.obj("emetteur")),
        supplier=_party(item.opt_obj("recepteur")),
        lines=[CommitmentLine(number=line.integer("numero"), label=line.opt_text("libelle"),
                              amount_incl_tax=line.amount("montantTtc"),
                              status=line.opt_text("statut"))
               for line in item.items("lignesPoste")],
        payment_requests=[CommitmentPaymentRequest(
            id=request.integer("id"), number=request.text("numero"),
            type=request.enum("type", InvoiceType), sub_type=request.opt_text("sousType"),
            status=request.enum("etatCourant", InvoiceStatus),
            supplier_date=request.opt_day("dateFournisseur"),
            amount_incl_tax=request.amount("montantTtc"))
            for request in item.items("demandesPaiement")],
        attachments=[_attachment(attachment) for attachment in item.items("piecesJointes")],
    )


class Engagements:
    """Operations of ``/cpro/engagements/v1`` [U base path]."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, method: str, operation: str, body: Any = None, **options: Any) -> Any:
        return rest.call(self._transport, method, f"{BASE}/{operation}", body, **options)

    def _object(self, method: str, operation: str, body: Any = None, **options: Any) -> Reader:
        return Reader(self._call(method, operation, body, **options),
                      operation=f"{BASE}/{operation}")

    def health_check(self) -> HealthCheck:
        """``GET /cpro/engagements/v1/engagement/healthcheck`` (Healthcheck)."""
        self._call(VERBS["health"], "engagement/healthcheck", empty=True)
        return HealthCheck(ok=True, status=None)

    def commitment_exists(self, number: str) -> bool:
        """``GET /cpro/engagements/v1/engagement/referentiel/{numero}/existence`` (Vérifier
        existence engagement): whether a commitment with this number exists (among those the account
        may see)."""
        try:
            answer = self._object(VERBS["exists"],
                                  f"engagement/referentiel/{rest.path(number)}/existence")
        except ChorusRejectedError as refused:
            if refused.http_status == 404:
                return False
            raise
        return answer.boolean(ENGAGEMENTS_CHOICES["existence_field"])

    def search_commitments(self, query: RegistryQuery | None = None, *,
                           limit: int | None = None, offset: int = 0
                           ) -> list[CommitmentDetails]:
        """``POST /cpro/engagements/v1/engagement/recherche`` (Rechercher engagement), one page;
        conditions on :class:`~chorus_client.CommitmentField`."""
        operation = f"{BASE}/engagement/recherche"
        answer = self._call(VERBS["search"], "engagement/recherche",
                            query_body(query, limit=limit, offset=offset))
        return [_commitment(item) for item in readers(answer, operation)]

    def iter_commitments(self, query: RegistryQuery | None = None, *,
                         page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[CommitmentDetails]:
        """Every commitment matching ``query``, page after page."""
        return iterate_offsets(
            lambda limit, offset: self.search_commitments(query, limit=limit, offset=offset),
            key=lambda commitment: commitment.id, page_size=page_size)

    def get_commitment(self, commitment_id: int) -> CommitmentDetails:
        """``GET /cpro/engagements/v1/engagement/{id}`` (Consulter engagement): with its lines and
        the payment requests that consumed it (``consumed_amount``, ``remaining_amount``)."""
        return _commitment(self._object(VERBS["get"], f"engagement/{commitment_id}"))

    def create_commitment(self, creation: CommitmentCreation) -> CommitmentDetails:
        """``POST /cpro/engagements/v1/engagement`` (Créer engagement): a new commitment, in
        A_TRAITER."""
        body = compact({
            "numero": creation.number, "libelle": creation.label, "type": creation.type,
            "montantTotalTtc": creation.total_amount, "devise": creation.currency,
            "dateNotification": _day_or_moment(creation.notified_at),
            "numeroMarche": creation.market_number,
            "emetteur": compact({"siret": creation.issuer_siret,
                                 "codeService": creation.issuer_service_code}),
            "recepteur": ({"siret": creation.supplier_siret} if creation.supplier_siret
                          else None),
            "lignesPoste": _lines(creation.lines) if creation.lines else None,
        })
        return _commitment(self._object(VERBS["create"], "engagement", body))

    def update_commitment(self, update: CommitmentUpdate) -> CommitmentDetails:
        """``PUT /cpro/engagements/v1/engagement`` (Modifier engagement): change label, amount,
        notification date, market number or lines of a commitment the account issued."""
        body = compact({
            "id": update.id, "libelle": update.label, "montantTotalTtc": update.total_amount,
            "dateNotification": _day_or_moment(update.notified_at),
            "numeroMarche": update.market_number,
            "lignesPoste": _lines(update.lines) if update.lines is not None else None,
            "commentaire": update.comment,
        })
        return _commitment(self._object(VERBS["update"], "engagement", body))

    def change_commitment_status(self, commitment_id: int, operation: CommitmentOperation, *,
                                 comment: str | None = None) -> CommitmentDetails:
        """``POST /cpro/engagements/v1/engagement/{id}/statuts/{operation}`` (Modifier statut
        engagement)."""
        return _commitment(self._object(
            VERBS["status"], f"engagement/{commitment_id}/statuts/{operation.value}",
            compact({"commentaire": comment})))

    def commitment_status_history(self, commitment_id: int) -> list[CommitmentStatusChange]:
        """``GET /cpro/engagements/v1/engagement/{id}/statuts`` (Historique statuts), newest
        first."""
        operation = f"engagement/{commitment_id}/statuts"
        return [CommitmentStatusChange(status=item.enum("statut", CommitmentStatus),
                                       at=item.opt_moment("date"),
                                       author=item.opt_text("auteur"),
                                       comment=item.opt_text("commentaire"))
                for item in readers(self._call(VERBS["status_history"], operation),
                                     f"{BASE}/{operation}")]

    def commitment_action_history(self, commitment_id: int) -> list[CommitmentAction]:
        """``GET /cpro/engagements/v1/engagement/{id}/actions`` (Historique actions), newest
        first."""
        operation = f"engagement/{commitment_id}/actions"
        return [CommitmentAction(action=item.text("action"), at=item.opt_moment("date"),
                                 author=item.opt_text("auteur"),
                                 comment=item.opt_text("commentaire"))
                for item in readers(self._call(VERBS["action_history"], operation),
                                     f"{BASE}/{operation}")]

    def download_commitment(self, commitment_id: int) -> CommitmentAttachment:
        """``GET /cpro/engagements/v1/piece-jointe/`` (Télécharger engagement): the commitment as a
        document."""
        parameter = ENGAGEMENTS_CHOICES["download_parameter"]
        return _attachment(self._object(VERBS["download"], "piece-jointe/",
                                        params={parameter: str(commitment_id)}),
                           with_content=True)

    def download_commitment_attachment(self, attachment_id: int) -> CommitmentAttachment:
        """``GET /cpro/engagements/v1/piece-jointe/{id}`` (Télécharger pièce jointe engagement)."""
        return _attachment(self._object(VERBS["download_attachment"],
                                        f"piece-jointe/{attachment_id}"), with_content=True)

    def add_commitment_attachment(self, commitment_id: int, file_name: str, content: bytes, *,
                                  content_type: str = "application/pdf"
                                  ) -> CommitmentAttachment:
        """``POST /cpro/engagements/v1/piece-jointe`` (Ajouter pièce jointe): attach a document (10
        MB at most) to a commitment the account issued."""
        return _attachment(self._object(VERBS["attach"], "piece-jointe", {
            "idEngagement": commitment_id, "fileName": file_name, "contentType": content_type,
            "attachmentData": base64.b64encode(content).decode("ascii")}))
