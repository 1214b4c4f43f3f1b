"""Works pieces in SQLite, and who sees and acts on them.

A works piece is an ``invoices`` row (number, parties, amounts, status, history, attachments: what
the recipient's operations read once it becomes a payment piece) plus a ``works_pieces`` row with
what only works pieces have: billing file, chain, MOE and MOA, deadlines.
"""

from chorus_emulator.works_rules import (
    DESTINATAIRE,
    FOURNISSEUR,
    MOA,
    MOE,
    VALIDEUR,
    WORKS_ROLE,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS works_pieces (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL,
    dossier_numero TEXT NOT NULL,
    depositor_id INTEGER NOT NULL,
    depositor_role TEXT NOT NULL,
    previous_id INTEGER,
    next_id INTEGER,
    moe_id INTEGER,
    moe_service_id INTEGER,
    moa_id INTEGER NOT NULL,
    moa_service_id INTEGER,
    subcontracted INTEGER NOT NULL DEFAULT 0,
    routed INTEGER NOT NULL DEFAULT 0,
    validated INTEGER NOT NULL DEFAULT 0,
    resume_status TEXT,
    payment_days INTEGER NOT NULL,
    moe_received_at REAL,
    moe_due_at REAL,
    validator_due_at REAL,
    payment_start_at REAL,
    payment_due_at REAL,
    general_due_at REAL,
    due_at REAL,
    due_action TEXT
);
CREATE INDEX IF NOT EXISTS works_pieces_dossier ON works_pieces (dossier_id);
CREATE INDEX IF NOT EXISTS works_pieces_due ON works_pieces (due_at) WHERE due_at IS NOT NULL;
"""
TABLES = ("works_pieces",)


def piece(store, piece_id) -> dict | None:
    with store.lock:
        row = store.conn.execute("SELECT * FROM works_pieces WHERE id = ?",
                                 (piece_id,)).fetchone()
    return dict(row) if row else None


def insert(store, values: dict) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    store.conn.execute(f"INSERT INTO works_pieces ({columns}) VALUES ({marks})",  # noqa: S608
                       tuple(values.values()))


def update(store, piece_id: int, **values) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    store.conn.execute(f"UPDATE works_pieces SET {assignments} WHERE id = ?",  # noqa: S608
                       (*values.values(), piece_id))


def dossier(store, dossier_id: int) -> list:
    """Every piece of a billing file with its invoice row, oldest first."""
    with store.lock:
        return store.conn.execute(
            "SELECT i.*, w.* FROM works_pieces w JOIN invoices i ON i.id = w.id "
            "WHERE w.dossier_id = ? ORDER BY w.id", (dossier_id,)).fetchall()


def number_taken(store, depositor_id: int, numero: str) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM works_pieces w JOIN invoices i ON i.id = w.id "
        "WHERE w.depositor_id = ? AND i.numero = ?", (depositor_id, numero)).fetchone()
    return row is not None


# Who -------------------------------------------------------------------------------------------
def acts_as(account, invoice, piece, role: str) -> bool:
    """Whether ``account`` holds ``role`` on this piece: FOURNISSEUR is the billing file's company,
    the others the parties the piece names (the destinataire through its received invoices)."""
    if role == FOURNISSEUR:
        return account.has_role(invoice["supplier_id"], WORKS_ROLE)
    if role == MOE:
        return account.has_role(piece["moe_id"], WORKS_ROLE)
    if role == MOA:
        return account.has_role(piece["moa_id"], WORKS_ROLE)
    if role == VALIDEUR:
        return account.has_role(invoice["validator_id"], "VALIDATEUR")
    if role == DESTINATAIRE:
        return account.has_role(invoice["recipient_id"], "DESTINATAIRE")
    return False


def is_depositor(account, piece) -> bool:
    return account.has_role(piece["depositor_id"], WORKS_ROLE)


def sees(account, invoice, piece) -> bool:
    """The company and the depositor always see a piece; its validator once it is to validate;
    the MOE, MOA and destinataire once it was routed to one of them [U]."""
    if is_depositor(account, piece) or acts_as(account, invoice, piece, FOURNISSEUR):
        return True
    if invoice["visible_to_validator"] and acts_as(account, invoice, piece, VALIDEUR):
        return True
    return bool(piece["routed"]) and any(
        acts_as(account, invoice, piece, role) for role in (MOE, MOA, DESTINATAIRE))


def party_sees(store, account, invoice) -> bool:
    """For factures/v1/consulter/historique: PAS-W reads a works piece's history with it
    (contract-works §1.4.15 [S]), so the MOE and MOA may too."""
    found = piece(store, invoice["id"])
    return found is not None and sees(account, invoice, found)
