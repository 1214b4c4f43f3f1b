"""The demo's four months of invoicing, told as stories (played by portal/demo/history.py).

Each story is one invoice's life: who drafted and sent it (a portal user through the editor, a
supplier outside the portal straight through Chorus Pro, or a file deposited in a flow), then each
decision on it, dated in business days before today. Everyone acts as a user would; the dates
make a coherent first screen for each demo login: paid, suspended, rejected, corrected, validated
and refused invoices, invoices to treat and to validate, a flow partly integrated, drafts.
"""

from portal.demo import stories_august_september, stories_october_november
from portal.demo.steps import (
    COMMUNE,
    DRFIP,
    LYCEE,
    UNIVERSITE,
)

# Every story, in the order their invoices were issued.
STORIES = stories_august_september.STORIES + stories_october_november.STORIES

# Motives the public entities keep for their suspensions and rejections.
REASON_TEMPLATES = {
    COMMUNE: (
        (
            "Pièce justificative manquante",
            "Merci de joindre la pièce justificative manquante.",
            "suspend",
        ),
        (
            "Service destinataire erroné",
            "Facture à adresser au service indiqué sur le bon de commande.",
            "both",
        ),
    ),
    DRFIP: (
        (
            "Dépassement du bon de commande",
            "Le montant facturé dépasse le montant du bon de commande.",
            "reject",
        ),
    ),
}
# Public entities outside the portal that the supplier looks up in the directory first.
DIRECTORY_LOOKUPS = (UNIVERSITE, LYCEE)
