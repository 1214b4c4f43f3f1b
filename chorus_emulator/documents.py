"""Documents the API hands out: telecharger/groupe bundles (PDF, PIVOT XML, ZIP), generated
invoice PDFs and flow reports."""

import base64
import io
import zipfile

from lxml import etree

from chorus_emulator import invoices, presenters
from chorus_emulator.clock import iso_ms
from chorus_emulator.operations import RawResponse
from chorus_emulator.protocol import BusinessError, get_int, get_list, get_str
from chorus_emulator.rules import INVALID_VALUE

ZIP_OVERHEAD = 4096  # rough per-invoice room for generated PDFs and XML in the size estimate


def _pdf(draw) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    draw(page)
    page.showPage()
    page.save()
    return buffer.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of ``lines``: the stand-in for documents the world only names (a
    structure's Kbis, a commitment, a bank account's RIB)."""
    def draw(page):
        for number, text in enumerate([*lines, "Document généré par l'émulateur Chorus Pro."]):
            page.drawString(50, 800 - 18 * number, text)

    return _pdf(draw)


def zipped(files: list[tuple[str, bytes]]) -> bytes:
    """One file as itself, several as a ZIP (as telecharger/groupe does)."""
    if len(files) == 1:
        return files[0][1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def invoice_pdf(world, invoice) -> bytes:
    """A readable stand-in when the invoice has no PDF of its own (SAISIE_API, UBL, CII)."""
    summary = presenters.invoice_fields(world, invoice)
    data = presenters.data_of(invoice)

    def draw(page):
        y = 800
        for text in (
            f"Facture {summary['numeroFacture']} ({summary['typeFacture']})",
            f"Fournisseur : {summary['designationFournisseur']} ({summary['codeFournisseur']})",
            f"Destinataire : {summary['designationDestinataire']} "
            f"({summary['codeDestinataire']}) service {summary['codeServiceExecutant'] or '-'}",
            f"Date : {summary['dateFacture']}   Statut : {summary['statut']}",
            f"Montant HT : {summary['montantHT']}   TTC : {summary['montantTTC']} "
            f"{summary['devise']}",
            "Lignes :",
            *(f"  {line.get('lignePosteDenomination') or '-'} x {line.get('lignePosteQuantite')}"
              f" à {line.get('lignePosteMontantUnitaireHT')}"
              for line in data.get("lignePoste", [])[:40]),
            "Document généré par l'émulateur Chorus Pro.",
        ):
            page.drawString(50, y, text)
            y -= 18

    return _pdf(draw)


def flow_report_pdf(flow) -> bytes:
    def draw(page):
        page.drawString(50, 800, f"Compte rendu du flux {flow['numero']}")
        page.drawString(50, 780, f"Fichier : {flow['file_name']}  Syntaxe : {flow['syntaxe']}")
        page.drawString(50, 760, f"État : {flow['state']} au {iso_ms(flow['state_at'])}")

    return _pdf(draw)


def pivot_xml(world, invoice, attachments) -> bytes:
    """contract §5.12 [S/U]: a simplified CPPFacturePivot document; attachments go under PJ
    with TypePJ 01 (the invoice) or 02 (complementary)."""
    summary = presenters.invoice_fields(world, invoice)
    data = presenters.data_of(invoice)
    root = etree.Element("CPPFactures")
    unit = etree.SubElement(root, "CPPFacturePivotUnitaire")

    def add(parent, tag, value):
        element = etree.SubElement(parent, tag)
        if value is not None:
            element.text = str(value)
        return element

    supplier = add(unit, "Fournisseur", None)
    add(supplier, "TypeIdentifiant", summary["typeIdentifiantFournisseur"])
    add(supplier, "Identifiant", summary["codeFournisseur"])
    add(supplier, "RaisonSociale", summary["designationFournisseur"])
    recipient = add(unit, "Destinataire", None)
    add(recipient, "Identifiant", summary["codeDestinataire"])
    add(recipient, "RaisonSociale", summary["designationDestinataire"])
    add(recipient, "CodeServiceExecutant", summary["codeServiceExecutant"])
    facture = add(unit, "Facture", None)
    add(facture, "IdFacture", invoice["id"])
    for tag, key in (("NumeroFacture", "numeroFacture"), ("TypeFacture", "typeFacture"),
                     ("DateFacture", "dateFacture"), ("DateDepot", "dateDepot"),
                     ("ModeDepot", "modeDepot"), ("CadreFacturation", "cadreFacturation"),
                     ("Statut", "statut"), ("Devise", "devise"), ("MontantHT", "montantHT"),
                     ("MontantTTC", "montantTTC"), ("MontantAPayer", "montantAPayer"),
                     ("NumeroBonCommande", "numeroBonCommande"),
                     ("NumeroMarche", "numeroMarche")):
        add(facture, tag, summary[key])
    add(facture, "MontantTVA", invoice["montant_tva"])
    lines = add(unit, "LignesFacture", None)
    for line in data.get("lignePoste", []):
        element = add(lines, "LigneFacture", None)
        for key, value in line.items():
            add(element, key[0].upper() + key[1:], value)
    for attachment in attachments:
        pj = add(unit, "PJ", None)
        add(pj, "TypePJ", attachment["role"])
        add(pj, "NomPJ", attachment["name"])
        add(pj, "MimePJ", attachment["mime"])
        add(pj, "ContenuPJ", base64.b64encode(attachment["content"]).decode())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def download(ctx, request: dict, *, flip_download: bool):
    """Build the telecharger/groupe result; a dict with ``fichierResultat``, or a 413 answer."""
    ids = [get_int(item, "idFacture") for item in get_list(request, "listeFacture")
           if isinstance(item, dict)]
    if not ids:
        raise BusinessError(INVALID_VALUE, "Le champ obligatoire listeFacture n'est pas "
                                           "renseigné.")
    fmt = get_str(request, "format") or "PDF"
    if fmt not in ("PDF", "PIVOT"):
        raise BusinessError(INVALID_VALUE, f"Le format {fmt} n'est pas autorisé (PDF ou PIVOT).")
    with_extras = (get_str(request, "avecPiecesJointesComplementaires") or "NON") == "OUI"
    found = [invoices.for_any_side(ctx.store, ctx.account, invoice_id) for invoice_id in ids]
    bundles = []
    size = 0
    for invoice in found:
        attachments = [a for a in ctx.store.invoice_attachments(invoice["id"])
                       if a["role"] == "01" or with_extras]
        size += sum(a["size"] for a in attachments) + ZIP_OVERHEAD
        bundles.append((invoice, attachments))
    if size > ctx.app.config.max_download_bytes:
        # contract §5.12 [S]: beyond the 120 MB of a billing file the API answers 413.
        return RawResponse(413, {"codeRetour": 413, "libelle": "La taille des factures "
                                 "demandées dépasse la taille maximale autorisée (120 Mo)."})
    files: list[tuple[str, bytes]] = []
    for invoice, attachments in bundles:
        number = invoice["numero"].replace("/", "_")
        main = next((a for a in attachments if a["role"] == "01"), None)
        if fmt == "PIVOT":
            files.append((f"{number}.xml", pivot_xml(ctx.world, invoice, attachments)))
            continue
        if main is not None and main["extension"] == "PDF":
            files.append((f"{number}.pdf", main["content"]))
        else:
            files.append((f"{number}.pdf", invoice_pdf(ctx.world, invoice)))
        for attachment in attachments:
            if attachment["role"] == "02":
                files.append((f"{number}_PJ{attachment['position']}_{attachment['name']}",
                              attachment["content"]))
    content = zipped(files)
    if flip_download:
        # Only the recipient's download marks an invoice downloaded, not its supplier's.
        for invoice in found:
            if invoices.recipient_sees(ctx.account, invoice):
                ctx.store.update_invoice(invoice["id"], downloaded=1)
                invoices.add_action(ctx.store, ctx.clock, invoice["id"],
                                    "TELECHARGEMENT_FACTURE", ctx.login)
    return {"fichierResultat": base64.b64encode(content).decode()}
