"""docs/chorus-pro-operations.md cannot lie: what it marks as reached is reached, what the
emulator serves is listed, and its counts are its tables' own."""

import re
from pathlib import Path

import pytest
import requests

from chorus_client import ChorusClient, ChorusConfig
from chorus_emulator import server
from chorus_emulator.operations import OPERATIONS
from tests.chorus_emulator.conftest import account_header, fetch_token

from .conftest import SUPPLIER_SIRET

TABLE = Path(__file__).resolve().parents[2] / "docs" / "chorus-pro-operations.md"
ROW = re.compile(r"^\| (?P<api>[^|]+) \| (?P<method>[A-Z]+) \| `(?P<path>[^`]+)` \| "
                 r"(?P<name>[^|]+) \| (?P<client>`[a-z_.]+`|—) \| (?P<emulator>yes|—) \|$")


def sections() -> dict[str, list[dict]]:
    """The rows of each operations table (headed "| API |"), under the heading above it; other
    tables of the page (where the portal uses an operation...) are prose."""
    found: dict[str, list[dict]] = {}
    heading, operations_table = "", False
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            operations_table = False
        if line.startswith("## "):
            heading = line[3:]
        elif line.startswith("| API "):
            operations_table = True
        elif operations_table and line.startswith("| ") and not line.startswith("|---"):
            match = ROW.match(line)
            assert match, f"unreadable row: {line}"
            found.setdefault(heading, []).append(match.groupdict())
    return found


ROWS = [row for rows in sections().values() for row in rows]
LIVE = sections()["Live operations (annex v6.1)"]


def test_the_table_reads_and_lists_each_path_once():
    assert len(LIVE) >= 118
    keys = [(row["method"], row["path"]) for row in ROWS]
    assert len(keys) == len(set(keys))


def test_the_stated_counts_are_the_table_s():
    text = TABLE.read_text(encoding="utf-8")
    client = sum(row["client"] != "—" for row in LIVE)
    emulator = sum(row["emulator"] == "yes" for row in LIVE)

    assert (f"**Reached: client {client} of {len(LIVE)} live operations, emulator {emulator} of "
            f"{len(LIVE)}.**") in text


def _resolve(client: ChorusClient, dotted: str):
    target = client
    for part in dotted.strip("`").split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize("row", [r for r in ROWS if r["client"] != "—"],
                         ids=lambda row: row["path"])
def test_a_client_method_marked_exists_and_names_its_operation(row):
    client = ChorusClient(ChorusConfig(
        token_url="http://127.0.0.1:9/token", api_base_url="http://127.0.0.1:9",
        client_id="id", client_secret="secret", technical_login="login",
        technical_password="password"))
    method = _resolve(client, row["client"])

    assert callable(method)
    assert f"{row['method']} {row['path']}" in " ".join((method.__doc__ or "").split())


@pytest.fixture(scope="module")
def caller(chorus_emulator):
    login, password = chorus_emulator.accounts[SUPPLIER_SIRET]
    return {"Authorization": f"Bearer {fetch_token(chorus_emulator)}",
            "cpro-account": account_header(login, password),
            "Content-Type": "application/json;charset=utf-8",
            "Accept": "application/json;charset=utf-8"}


@pytest.mark.parametrize("row", [r for r in ROWS if r["emulator"] == "yes"],
                         ids=lambda row: row["path"])
def test_an_operation_marked_is_answered_by_the_emulator(chorus_emulator, caller, row):
    response = requests.request(row["method"], f"{chorus_emulator.api_base_url}{row['path']}",
                                json={} if row["method"] != "GET" else None, headers=caller,
                                timeout=30)

    # An empty body may well be refused (400, or a business code): the operation still exists.
    assert response.status_code not in (403, 404, 405), response.text
    assert response.status_code < 500, response.text


def test_every_operation_the_emulator_serves_is_in_the_table():
    # The server module imports every operation module, which registers its operations.
    assert server.OPERATIONS is OPERATIONS and len(OPERATIONS) > 50
    listed = {row["path"].removeprefix("/cpro/") for row in ROWS if row["emulator"] == "yes"}

    assert set(OPERATIONS) <= listed, sorted(set(OPERATIONS) - listed)
