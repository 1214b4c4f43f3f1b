"""Transverses API (contract §3): health check, treatment statuses, flow reports, and, from the
per-topic modules, the reference lists, the directory and attachments, all on
``client.transverses``."""

from __future__ import annotations

from .transverses_attachments import Attachments
from .transverses_base import decode_file
from .transverses_directory import Directory
from .transverses_lists import ReferenceLists
from .types_common import FlowStatus, InvoiceStatus
from .types_transverses import (
    DetailedFlowReport,
    FlowInvoiceError,
    FlowReport,
    FlowTechnicalError,
    HealthCheck,
)


class Transverses(ReferenceLists, Directory, Attachments):
    """Operations of ``/cpro/transverses/v1``."""

    def health_check(self) -> HealthCheck:
        """``GET /cpro/transverses/v1/health-check``: is the API reachable with our credentials?

        [U] contract §3.1: the body is unknown (GO's test shows ``{"statusCode": "200"}``); any
        2xx answer counts as healthy and ``status`` echoes ``statusCode`` when present.
        """
        answer = self._transport.call("transverses/v1/health-check", method="GET",
                                      envelope=False)
        status = answer.get("statusCode") or answer.get("statusCodeValue")
        return HealthCheck(ok=True, status=str(status) if status is not None else None)

    def possible_statuses(self, current: InvoiceStatus) -> list[InvoiceStatus]:
        """``POST /cpro/transverses/v1/recuperer/etats/traitement``
        (recupererEtatsPossiblesPourTraitement): the statuses a recipient may set next."""
        answer = self._call("recuperer/etats/traitement", {"statutCourant": current})
        return [item.enum("statutPossiblePourTraitement", InvoiceStatus)
                for item in answer.items("listeStatutsPossiblesPourTraitement")]

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
