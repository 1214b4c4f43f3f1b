"""Transverses API, attachments (contract §3.2, §3.9, §3.13): store a file, find the account's
and the structures' files, download the files of any object."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any

from .paging import page_params, read_page
from .transverses_base import TransversesCalls, decode_file, encode_file
from .types_common import Page, PageRequest
from .types_directory import (
    AccountAttachment,
    AccountFiles,
    AttachmentSearch,
    BankDetailsFiles,
    MandateFiles,
    SolicitationFiles,
    StructureAttachment,
)
from .types_transverses import AttachmentUpload, CommitmentFiles, InvoiceFiles, StructureFiles
from .wire import Reader, compact

MAX_ATTACHMENT_NAME = 50  # contract §3.2 / §8.3 [S], extension included

type DownloadTarget = (InvoiceFiles | CommitmentFiles | StructureFiles | BankDetailsFiles
                       | MandateFiles | AccountFiles | SolicitationFiles)


def _account_attachment(item: Reader) -> AccountAttachment:
    return AccountAttachment(
        id=item.integer("pieceJointeId"), designation=item.opt_text("pieceJointeDesignation"),
        extension=item.opt_text("pieceJointeExtension"),
        type_code=item.opt_text("pieceJointeTypeCode"),
        type_label=item.opt_text("pieceJointeTypeLibelle"),
        object_id=item.opt_integer("pieceJointeObjetId"),
        user_id=item.opt_integer("pieceJointeUtilisateurId"))


def _structure_attachment(item: Reader) -> StructureAttachment:
    return StructureAttachment(
        id=item.integer("pieceJointeId"), designation=item.opt_text("pieceJointeDesignation"),
        extension=item.opt_text("pieceJointeExtension"),
        type_code=item.opt_text("pieceJointeTypeCode"),
        type_label=item.opt_text("pieceJointeTypeLibelle"),
        structure_id=item.opt_integer("pieceJointeStructureId"),
        structure_identifier=item.opt_text("pieceJointeStructureCode"),
        structure_name=item.opt_text("pieceJointeStructureRaisonSociale"))


def _structure(target: StructureFiles | BankDetailsFiles | MandateFiles) -> dict[str, Any]:
    return compact({"idStructure": target.structure_id,
                    "identifiantStructure": target.identifier,
                    "typeIdentifiantStructure": target.identifier_type})


def download_body(target: DownloadTarget) -> dict[str, Any]:
    """The telecharger/pieceJointe request for one object (contract §3.9 [S: GO])."""
    match target:
        case InvoiceFiles():
            return {"objetPieceJointe": "DEMANDE_PAIEMENT", "demandePaiement": {
                "avecPiecesJointesComplementaires": "OUI" if target.include_supporting else "NON",
                "format": target.file_format,
                "listeFacture": [{"idFacture": invoice_id} for invoice_id in target.invoice_ids],
            }}
        case CommitmentFiles():
            return {"objetPieceJointe": "ENGAGEMENT_JURIDIQUE",
                    "engagementJuridique": {"numeroEngagementJuridique": target.commitment_number}}
        case StructureFiles():
            return {"objetPieceJointe": "STRUCTURE_PIECEJOINTE", "structure": _structure(target)}
        case BankDetailsFiles():
            return {"objetPieceJointe": "STRUCTURE_COORDONNEE_BANCAIRE",
                    "structure": _structure(target)}
        case MandateFiles():
            return {"objetPieceJointe": "STRUCTURE_MANDAT", "structure": _structure(target)}
        case AccountFiles():
            return {"objetPieceJointe": "UTILISATEUR"}
        case SolicitationFiles():
            return {"objetPieceJointe": "SOLLICITATION", "sollicitation": {
                "idSollicitation": target.solicitation_id,
                "pieceJointeSollicitation": "OUI" if target.include_attachments else "NON"}}
    raise TypeError(f"cannot download {type(target).__name__}")


def _search_body(filters: AttachmentSearch, page: PageRequest) -> dict[str, Any]:
    return compact({"pieceJointeDesignation": filters.designation,
                    "pieceJointeTypeId": filters.type_id, "codeLangue": filters.language,
                    "parametresRecherche": page_params(page)})


class Attachments(TransversesCalls):
    """Files stored in Chorus Pro."""

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

    def search_account_attachments(self, filters: AttachmentSearch | None = None,
                                   page: PageRequest | None = None) -> Page[AccountAttachment]:
        """``POST /cpro/transverses/v1/rechercher/pj/moncompte``
        (rechercherPieceJointeSurMonCompte): one page of the account's own files."""
        page = page or PageRequest()
        answer = self._call("rechercher/pj/moncompte",
                            _search_body(filters or AttachmentSearch(), page))
        return read_page(answer, "listePiecesJointes", _account_attachment, request=page)

    def search_structure_attachments(self, structure_id: int,
                                     filters: AttachmentSearch | None = None,
                                     page: PageRequest | None = None
                                     ) -> Page[StructureAttachment]:
        """``POST /cpro/transverses/v1/rechercher/pj/structure``
        (rechercherPieceJointeStructure): one page of the documents of one of the caller's
        structures."""
        page = page or PageRequest()
        answer = self._call("rechercher/pj/structure", {
            "idStructureCPP": structure_id,
            **_search_body(filters or AttachmentSearch(), page)})
        return read_page(answer, "listePiecesJointes", _structure_attachment, request=page)

    def download_attachment(self, target: DownloadTarget) -> bytes:
        """``POST /cpro/transverses/v1/telecharger/pieceJointe`` (telechargerPieceJointe): the
        files of invoices, a commitment, a structure (documents, RIBs, mandates), the account or
        a solicitation, as the decoded bytes of ``pieceJointe`` (several files come zipped)."""
        return decode_file(self._call("telecharger/pieceJointe", download_body(target)),
                           "pieceJointe")
