"""Transverses API: health check, reference lists, attachments and flow reports (contract §3)."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from pathlib import PurePath
from typing import Any

from .errors import ChorusProtocolError
from .transport import Transport
from .types_common import (
    BillingFramework,
    FlowStatus,
    InvoiceStatus,
    PaymentMode,
    PaymentRequestType,
)
from .types_transverses import (
    AttachmentUpload,
    BankAccount,
    CommitmentFiles,
    DetailedFlowReport,
    FlowInvoiceError,
    FlowReport,
    FlowTechnicalError,
    HealthCheck,
    InvoiceFiles,
    RefusalReason,
    StructureFiles,
    VatExemptionReason,
    VatRate,
)
from .wire import Reader, compact

MAX_ATTACHMENT_NAME = 50  # contract §3.2 / §8.3 [S], extension included


def encode_file(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def decode_file(reader: Reader, key: str) -> bytes:
    try:
        return base64.b64decode(reader.text(key), validate=True)
    except (binascii.Error, ValueError):
        raise ChorusProtocolError(f"field {key!r} is not valid base64",
                                  operation=reader.operation) from None


class Transverses:
    """Operations of ``/cpro/transverses/v1``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Reader:
        operation = f"transverses/v1/{path}"
        return Reader(self._transport.call(operation, body), operation=operation)

    def health_check(self) -> HealthCheck:
        """``GET /cpro/transverses/v1/health-check``: is the API reachable with our credentials?

        [U] contract §3.1: the body is unknown (GO's test shows ``{"statusCode": "200"}``); any
        2xx answer counts as healthy and ``status`` echoes ``statusCode`` when present.
        """
        answer = self._transport.call("transverses/v1/health-check", method="GET",
                                      envelope=False)
        status = answer.get("statusCode") or answer.get("statusCodeValue")
        return HealthCheck(ok=True, status=str(status) if status is not None else None)

    def upload_attachment(self, upload: AttachmentUpload) -> int:
        """``POST /cpro/transverses/v1/ajouter/fichier`` (ajouterFichierDansSysteme).

        Stores a file and returns its ``pieceJointeId``, usable as the main or a supporting
        attachment of an invoice. Chorus Pro refuses files over 10 MB (code 20003).
        """
        name = upload.file_name
        if len(name) > MAX_ATTACHMENT_NAME:
            raise ValueError(f"attachment names are limited to {MAX_ATTACHMENT_NAME} characters")
        extension = upload.extension or PurePath(name).suffix.lstrip(".")
        if not extension:
            raise ValueError("an attachment needs an extension (contract §8.3)")
        mime_type = upload.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        answer = self._call("ajouter/fichier", {
            "pieceJointeFichier": encode_file(upload.content),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": mime_type,
            # Contract §3.2 [C]: upper case without the dot, e.g. "PDF".
            "pieceJointeExtension": extension.lstrip(".").upper(),
        })
        return answer.integer("pieceJointeId")

    def possible_statuses(self, current: InvoiceStatus) -> list[InvoiceStatus]:
        """``POST /cpro/transverses/v1/recuperer/etats/traitement``
        (recupererEtatsPossiblesPourTraitement): the statuses a recipient may set next."""
        answer = self._call("recuperer/etats/traitement", {"statutCourant": current})
        return [item.enum("statutPossiblePourTraitement", InvoiceStatus)
                for item in answer.items("listeStatutsPossiblesPourTraitement")]

    def vat_rates(self, *, language: str = "FR") -> list[VatRate]:
        """``POST /cpro/transverses/v1/recuperer/tauxtva``: the VAT rate codes ([U] full list)."""
        answer = self._call("recuperer/tauxtva", {"codeLangue": language})
        return [VatRate(code=item.text("codeTauxTva"), label=item.opt_text("libelleTauxTva") or "",
                        rate=item.amount("valeurTauxTva"))
                for item in answer.items("listeTauxTva")]

    def billing_frameworks(self, *, payment_request_type: PaymentRequestType =
                           PaymentRequestType.FACTURE) -> list[BillingFramework]:
        """``POST /cpro/transverses/v1/recuperer/cadrefacturation``: usable billing frameworks."""
        answer = self._call("recuperer/cadrefacturation",
                            {"typeDemandePaiement": payment_request_type})
        return [item.enum("codeCadreFacturation", BillingFramework)
                for item in answer.items("listeCadreFacturation")]

    def payment_modes(self) -> list[PaymentMode]:
        """``POST /cpro/transverses/v1/recuperer/modereglements``: accepted payment modes."""
        answer = self._call("recuperer/modereglements", {})
        return [item.enum("modePaiement", PaymentMode)
                for item in answer.items("listeModePaiement")]

    def vat_exemption_reasons(self, *, language: str = "FR") -> list[VatExemptionReason]:
        """``POST /cpro/transverses/v1/recuperer/motifs/exonerationtva``: VAT exemption reasons."""
        answer = self._call("recuperer/motifs/exonerationtva", {"codeLangue": language})
        return [VatExemptionReason(code=item.text("codeMotifExonerationTva"),
                                   label=item.opt_text("libelleMotifExonerationTva") or "")
                for item in answer.items("listeMotifsExonerationTva")]

    def validator_refusal_reasons(self, framework: BillingFramework) -> list[RefusalReason]:
        """``POST /cpro/transverses/v1/recuperer/motifs/refus/Facture/AValider``: the reasons a
        validator may give to refuse an invoice of this billing framework."""
        answer = self._call("recuperer/motifs/refus/Facture/AValider",
                            {"codeCadreFacturationAValider": framework})
        return [RefusalReason(id=item.opt_integer("idMotif"), code=item.text("codeMotif"),
                              label=item.opt_text("libelleMotif") or "")
                for item in answer.items("listeMotifRefusFactureAValider")]

    def valid_bank_accounts(self, structure_id: int) -> list[BankAccount]:
        """``POST /cpro/transverses/v1/recuperer/coordbanc/valides``: a structure's usable bank
        accounts; their ``id`` is the submission's ``supplier_bank_account_id``."""
        answer = self._call("recuperer/coordbanc/valides", {"idStructure": structure_id})
        return [BankAccount(id=item.integer("idCoordonneeBancaire"),
                            name=item.opt_text("nomCoordonneeBancaire"),
                            iban=item.opt_text("iban") or "")
                for item in answer.items("listeCoordonneeBancaire")]

    def flow_report(self, flow_number: str) -> FlowReport:
        """``POST /cpro/transverses/v1/consulterCR``: state and PDF report of a deposited flow.

        Prefer :meth:`detailed_flow_report`: consulterCR was reported broken for Factur-X flows
        (contract §11.1).
        """
        answer = self._call("consulterCR", {"numeroFluxDepot": flow_number})
        return FlowReport(
            flow_number=answer.opt_text("numeroFluxDepot") or flow_number,
            status=answer.enum("etatCourantFlux", FlowStatus),
            deposited_at=answer.opt_moment("dateDepotFlux"),
            status_changed_at=answer.opt_moment("dateHeureEtatCourantFlux"),
            file_name=answer.opt_text("nomFichierFlux"),
            interface_code=answer.opt_text("codeInterfaceFlux"),
            partner_application_code=answer.opt_text("codeAppliPartenaire"),
            partner_name=answer.opt_text("designationPartenaire"),
            report_pdf=decode_file(answer, "fichierCR") if answer.has("fichierCR") else None,
        )

    def detailed_flow_report(self, flow_number: str) -> DetailedFlowReport:
        """``POST /cpro/transverses/v1/consulterCRDetaille``: flow state with the rejected
        invoices (``listeErreurDP``) and technical errors. The poll to use for flows (§10.1)."""
        answer = self._call("consulterCRDetaille", {"numeroFluxDepot": flow_number})
        return DetailedFlowReport(
            flow_number=answer.opt_text("numeroFluxDepot"),
            # Contract §11.1: named etatCourantDepotFlux here, unlike consulterCR.
            status=answer.enum("etatCourantDepotFlux", FlowStatus),
            file_name=answer.opt_text("nomFichier"),
            interface_code=answer.opt_text("codeInterfaceDepotFlux"),
            deposited_at=answer.opt_moment("dateDepotFlux"),
            status_changed_at=answer.opt_moment("dateHeureEtatCourantFlux"),
            invoice_errors=[FlowInvoiceError(
                supplier_identifier=item.opt_text("identifiantFournisseur"),
                recipient_identifier=item.opt_text("identifiantDestinataire"),
                invoice_number=item.opt_text("numeroDP"),
                message=item.opt_text("libelleErreurDP"),
            ) for item in answer.items("listeErreurDP")],
            technical_errors=[FlowTechnicalError(
                code=item.opt_text("codeErreur"),
                message=item.opt_text("libelleErreur"),
                nature=item.opt_text("natureErreur"),
            ) for item in answer.items("listeErreurTechnique")],
        )

    def download_attachment(self, target: InvoiceFiles | CommitmentFiles | StructureFiles
                            ) -> bytes:
        """``POST /cpro/transverses/v1/telecharger/pieceJointe``: the files of invoices, of a
        commitment or of a structure, as the decoded bytes of ``pieceJointe``."""
        body: dict[str, Any]
        if isinstance(target, InvoiceFiles):
            body = {"objetPieceJointe": "DEMANDE_PAIEMENT", "demandePaiement": {
                "avecPiecesJointesComplementaires": "OUI" if target.include_supporting else "NON",
                "format": target.file_format,
                "listeFacture": [{"idFacture": invoice_id} for invoice_id in target.invoice_ids],
            }}
        elif isinstance(target, CommitmentFiles):
            body = {"objetPieceJointe": "ENGAGEMENT_JURIDIQUE",
                    "engagementJuridique": {"numeroEngagementJuridique": target.commitment_number}}
        else:
            body = {"objetPieceJointe": "STRUCTURE_PIECEJOINTE", "structure": compact({
                "idStructure": target.structure_id,
                "identifiantStructure": target.identifier,
                "typeIdentifiantStructure": target.identifier_type,
            })}
        answer = self._call("telecharger/pieceJointe", body)
        return decode_file(answer, "pieceJointe")
