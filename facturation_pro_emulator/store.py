"""SQLite persistence: customers, invoices (lines inside), settlements and files of every firm.

Records are JSON documents keyed by id and firm: filters run in Python over one firm's rows,
which stays fast for the thousands of invoices a benchmark seeds. One connection is shared by
the request threads behind a re-entrant lock, as in the Chorus Pro emulator.
"""

import json
import sqlite3
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS world (id INTEGER PRIMARY KEY CHECK (id = 1), document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY, firm_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS customers_firm ON customers (firm_id);
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY, firm_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invoices_firm ON invoices (firm_id);
CREATE TABLE IF NOT EXISTS settlements (
    id INTEGER PRIMARY KEY, firm_id INTEGER NOT NULL, invoice_id INTEGER NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS settlements_invoice ON settlements (invoice_id);
CREATE TABLE IF NOT EXISTS assets (
    id INTEGER PRIMARY KEY, firm_id INTEGER NOT NULL, data TEXT NOT NULL, content BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS assets_firm ON assets (firm_id);
"""

TABLES = ("customers", "invoices", "settlements", "assets")
# Ids of a realistic width, far apart so that a wrong kind of id never finds a record by luck.
SEQUENCE_STARTS = {"customers": 310000, "invoices": 820000, "items": 1940000,
                   "settlements": 14100, "assets": 5000}


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def encode(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=_default)


class Store:
    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self):
        """Hold the lock for a whole request; commit on success, roll back on any error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # world --------------------------------------------------------------------------------
    def stored_world(self) -> dict | None:
        with self.lock:
            row = self.conn.execute("SELECT document FROM world WHERE id = 1").fetchone()
        return json.loads(row["document"]) if row else None

    def wipe(self, document: dict) -> None:
        """Forget every record and keep ``document`` as the world (must run in a transaction)."""
        for table in (*TABLES, "sequences", "world"):
            self.conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
        self.conn.execute("INSERT INTO world (id, document) VALUES (1, ?)", (encode(document),))

    # sequences ----------------------------------------------------------------------------
    def next_id(self, name: str, start: int = 0) -> int:
        row = self.conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
        value = (row["value"] if row else SEQUENCE_STARTS.get(name, start)) + 1
        self.conn.execute("INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) "
                          "DO UPDATE SET value = excluded.value", (name, value))
        return value

    def bump(self, name: str, at_least: int) -> None:
        """Make the next id of ``name`` greater than ``at_least`` (after explicit fixture ids)."""
        row = self.conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
        current = row["value"] if row else SEQUENCE_STARTS.get(name, 0)
        self.conn.execute("INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) "
                          "DO UPDATE SET value = excluded.value", (name, max(current, at_least)))

    # records ------------------------------------------------------------------------------
    def get(self, table: str, record_id: int, firm_id: int) -> dict | None:
        """The record of that firm, or None: another firm's record does not exist for you."""
        with self.lock:
            row = self.conn.execute(
                f"SELECT data FROM {table} WHERE id = ? AND firm_id = ?",  # noqa: S608
                (record_id, firm_id)).fetchone()
        return json.loads(row["data"]) if row else None

    def all(self, table: str, firm_id: int) -> list[dict]:
        with self.lock:
            rows = self.conn.execute(
                f"SELECT data FROM {table} WHERE firm_id = ? ORDER BY id",  # noqa: S608
                (firm_id,)).fetchall()
        return [json.loads(row["data"]) for row in rows]

    def save(self, table: str, record: dict) -> dict:
        columns = {"id": record["id"], "firm_id": record["firm_id"], "data": encode(record)}
        if table == "settlements":
            columns["invoice_id"] = record["invoice_id"]
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        self.conn.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                          tuple(columns.values()))
        return record

    def delete(self, table: str, record_id: int) -> None:
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))  # noqa: S608

    def settlements_of(self, invoice_id: int) -> list[dict]:
        with self.lock:
            rows = self.conn.execute("SELECT data FROM settlements WHERE invoice_id = ? "
                                     "ORDER BY id", (invoice_id,)).fetchall()
        return [json.loads(row["data"]) for row in rows]

    def settlements_by_invoice(self, firm_id: int) -> dict[int, list[dict]]:
        grouped: dict[int, list[dict]] = {}
        for record in self.all("settlements", firm_id):
            grouped.setdefault(record["invoice_id"], []).append(record)
        return grouped

    # files --------------------------------------------------------------------------------
    def save_asset(self, record: dict, content: bytes) -> dict:
        self.conn.execute("INSERT INTO assets (id, firm_id, data, content) VALUES (?, ?, ?, ?)",
                          (record["id"], record["firm_id"], encode(record), content))
        return record

    def asset_content(self, asset_id: int) -> bytes:
        with self.lock:
            row = self.conn.execute("SELECT content FROM assets WHERE id = ?",
                                    (asset_id,)).fetchone()
        return bytes(row["content"]) if row else b""
