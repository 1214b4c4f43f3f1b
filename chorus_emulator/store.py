"""SQLite persistence: schema, sequences and the small set of queries every operation shares.

One connection is shared by all request threads and guarded by a re-entrant lock: the world is
small, every operation is a few milliseconds of SQL, and serialising them removes any chance of
``database is locked`` errors while WAL keeps the file readable by outside tools.
"""

import json
import sqlite3
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from chorus_emulator import works_pieces
from chorus_emulator.protocol import dumps

SCHEMA = """
CREATE TABLE IF NOT EXISTS world (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY,
    numero TEXT NOT NULL,
    supplier_id INTEGER NOT NULL,
    supplier_service_id INTEGER,
    recipient_id INTEGER NOT NULL,
    service_id INTEGER,
    validator_id INTEGER,
    validator2_id INTEGER,
    cadre TEXT NOT NULL,
    type_facture TEXT NOT NULL,
    mode_depot TEXT NOT NULL,
    status TEXT NOT NULL,
    status_at REAL NOT NULL,
    status_comment TEXT,
    deposited_at REAL NOT NULL,
    date_facture TEXT,
    flow_numero TEXT,
    devise TEXT NOT NULL DEFAULT 'EUR',
    montant_ht TEXT NOT NULL DEFAULT '0',
    montant_tva TEXT NOT NULL DEFAULT '0',
    montant_ttc TEXT NOT NULL DEFAULT '0',
    montant_a_payer TEXT NOT NULL DEFAULT '0',
    numero_bon_commande TEXT,
    numero_marche TEXT,
    numero_dp_mandat TEXT,
    downloaded INTEGER NOT NULL DEFAULT 0,
    rejet_traite INTEGER NOT NULL DEFAULT 0,
    visible_to_recipient INTEGER NOT NULL DEFAULT 0,
    visible_to_validator INTEGER NOT NULL DEFAULT 0,
    visible_to_validator2 INTEGER NOT NULL DEFAULT 0,
    next_step_at REAL,
    creator TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS invoices_supplier ON invoices (supplier_id, numero);
CREATE INDEX IF NOT EXISTS invoices_recipient ON invoices (recipient_id, status_at);
CREATE INDEX IF NOT EXISTS invoices_validator ON invoices (validator_id);
CREATE INDEX IF NOT EXISTS invoices_validator2 ON invoices (validator2_id);
CREATE INDEX IF NOT EXISTS invoices_flow ON invoices (flow_numero);
CREATE INDEX IF NOT EXISTS invoices_next_step ON invoices (next_step_at)
    WHERE next_step_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    at REAL NOT NULL,
    commentaire TEXT,
    login TEXT
);
CREATE INDEX IF NOT EXISTS history_invoice ON history (invoice_id, kind);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    extension TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS invoice_attachments (
    invoice_id INTEGER NOT NULL,
    attachment_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    designation TEXT,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS invoice_attachments_invoice ON invoice_attachments (invoice_id);
CREATE TABLE IF NOT EXISTS flows (
    numero TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    file_name TEXT NOT NULL,
    syntaxe TEXT NOT NULL,
    state TEXT NOT NULL,
    state_at REAL NOT NULL,
    deposited_at REAL NOT NULL,
    next_step_at REAL,
    content BLOB NOT NULL,
    errors_dp TEXT NOT NULL DEFAULT '[]',
    errors_tech TEXT NOT NULL DEFAULT '[]'
);
"""

# Columns added after a database may already exist (a demo's var/emulator.sqlite3): CREATE TABLE
# IF NOT EXISTS leaves an old table as it was, so they are added on opening.
ADDED_COLUMNS = (
    ("invoices", "validator2_id", "INTEGER"),
    ("invoices", "visible_to_validator2", "INTEGER NOT NULL DEFAULT 0"),
)

DATA_TABLES = ("invoices", "history", "attachments", "invoice_attachments", "flows", "sequences",
               *works_pieces.TABLES)

# contract §12: ids grow from a seed with realistic widths (invoice ~7 digits, attachment ~7
# digits, flow = "CPP" + 22 digits).
SEQUENCE_STARTS = {"invoice": 8420000, "attachment": 6921000, "flow": 1000, "history": 8548000,
                   "generated_number": 0, "works_dossier": 5100000}


class Store:
    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        for table, column, kind in ADDED_COLUMNS:
            existing = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            if existing and column not in existing:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self.conn.executescript(SCHEMA + works_pieces.SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self):
        """Hold the lock for a whole operation; commit on success, roll back on any error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # world document -----------------------------------------------------------------------
    def stored_world(self) -> dict | None:
        with self.lock:
            row = self.conn.execute("SELECT document FROM world WHERE id = 1").fetchone()
        return json.loads(row["document"], parse_float=Decimal) if row else None

    def replace_world(self, document: dict) -> None:
        """Wipe every table and store a new world: what ``POST /_emulator/reset`` does."""
        with self.transaction() as conn:
            for table in DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
            conn.execute("DELETE FROM world")
            conn.execute("INSERT INTO world (id, document) VALUES (1, ?)",
                         (dumps(document).decode("utf-8"),))
            conn.executemany("INSERT INTO sequences (name, value) VALUES (?, ?)",
                             SEQUENCE_STARTS.items())

    def save_world(self, document: dict) -> None:
        """Store the world after the new REST APIs changed it (a service created, EDI settings,
        commitments), so a restart keeps it; must run inside a transaction."""
        self.conn.execute("UPDATE world SET document = ? WHERE id = 1",
                          (dumps(document).decode("utf-8"),))

    # sequences ----------------------------------------------------------------------------
    def next_ids(self, name: str, count: int = 1) -> range:
        """Reserve ``count`` consecutive ids; must run inside a transaction."""
        row = self.conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
        start = (row["value"] if row else SEQUENCE_STARTS[name]) + 1
        self.conn.execute(
            "INSERT INTO sequences (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, start + count - 1),
        )
        return range(start, start + count)

    def next_id(self, name: str) -> int:
        return self.next_ids(name)[0]

    # invoices -----------------------------------------------------------------------------
    def invoice(self, invoice_id) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute("SELECT * FROM invoices WHERE id = ?",
                                     (invoice_id,)).fetchone()

    def invoices_by_number(self, numero: str) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute("SELECT * FROM invoices WHERE numero = ? ORDER BY id",
                                     (numero,)).fetchall()

    def number_taken(self, supplier_id: int, numero: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM invoices WHERE supplier_id = ? AND numero = ?",
                                (supplier_id, numero)).fetchone()
        return row is not None

    def insert_invoice(self, values: dict) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(f"INSERT INTO invoices ({columns}) VALUES ({marks})",  # noqa: S608
                          tuple(values.values()))

    def update_invoice(self, invoice_id: int, **values) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(f"UPDATE invoices SET {assignments} WHERE id = ?",  # noqa: S608
                          (*values.values(), invoice_id))

    def add_history(self, invoice_id: int, kind: str, code: str, at: float,
                    commentaire: str | None = None, login: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO history (id, invoice_id, kind, code, at, commentaire, login) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.next_id("history"), invoice_id, kind, code, at, commentaire, login),
        )

    def history(self, invoice_id: int, kind: str) -> list[sqlite3.Row]:
        # Newest first (contract §5.7); the id breaks ties between steps of the same instant.
        with self.lock:
            return self.conn.execute(
                "SELECT * FROM history WHERE invoice_id = ? AND kind = ? "
                "ORDER BY at DESC, id DESC", (invoice_id, kind)).fetchall()

    # attachments --------------------------------------------------------------------------
    def insert_attachment(self, owner: str, name: str, mime: str, extension: str,
                          content: bytes, at: float) -> int:
        attachment_id = self.next_id("attachment")
        self.conn.execute(
            "INSERT INTO attachments (id, owner, name, mime, extension, size, content, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (attachment_id, owner, name, mime, extension, len(content), content, at))
        return attachment_id

    def attachment(self, attachment_id) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute("SELECT * FROM attachments WHERE id = ?",
                                     (attachment_id,)).fetchone()

    def link_attachment(self, invoice_id: int, attachment_id: int, role: str,
                        designation: str | None) -> None:
        position = self.conn.execute(
            "SELECT COUNT(*) FROM invoice_attachments WHERE invoice_id = ?",
            (invoice_id,)).fetchone()[0]
        self.conn.execute(
            "INSERT INTO invoice_attachments (invoice_id, attachment_id, role, designation, "
            "position) VALUES (?, ?, ?, ?, ?)",
            (invoice_id, attachment_id, role, designation, position + 1))

    def invoice_attachments(self, invoice_id: int) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(
                "SELECT ia.role, ia.designation, ia.position, a.* FROM invoice_attachments ia "
                "JOIN attachments a ON a.id = ia.attachment_id WHERE ia.invoice_id = ? "
                "ORDER BY ia.position", (invoice_id,)).fetchall()

    # flows --------------------------------------------------------------------------------
    def flow(self, numero: str) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute("SELECT * FROM flows WHERE numero = ?",
                                     (numero,)).fetchone()
