"""The emulator's SQLite file outlives versions: a demo's var/emulator.sqlite3 made before a
column existed must still open and work."""

import sqlite3

from chorus_emulator.store import ADDED_COLUMNS, SCHEMA, Store


def test_a_database_made_before_the_second_validator_gains_its_columns(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    # The schema as it was: without the added columns nor what indexes them.
    old.executescript(
        "\n".join(
            line
            for line in SCHEMA.splitlines()
            if not any(column in line for _, column, _ in ADDED_COLUMNS)
        )
    )
    old.execute(
        "INSERT INTO invoices (id, numero, supplier_id, recipient_id, cadre, type_facture, "
        "mode_depot, status, status_at, deposited_at) VALUES (1, 'F-1', 1, 2, 'A1', "
        "'FACTURE', 'SAISIE_API', 'DEPOSEE', 0, 0)"
    )
    old.commit()
    old.close()

    store = Store(path)

    columns = {row[1] for row in store.conn.execute("PRAGMA table_info(invoices)")}
    assert {column for _, column, _ in ADDED_COLUMNS} <= columns
    assert store.invoice(1)["visible_to_validator2"] == 0
    store.close()
