"""Clients wired to the local Facturation.pro emulator (fixtures ``fpro`` / ``fpro_emulator``
come from ``facturation_pro_emulator.pytest_plugin``)."""

from dataclasses import dataclass

import pytest

from facturation_pro_client import Exchange, FacturationProClient, FacturationProConfig

# The demo world (docs/facturation-pro-emulator-world.md).
ATELIER_FIRM, BUREAU_FIRM = 48201, 48202
COMMUNE, DRFIP, UNIVERSITE, LYCEE = 310001, 310002, 310003, 310004
BOULANGERIE, CLAIRE_DUBOIS, STUDIO, ARCHIVED = 310005, 310006, 310007, 310008
BUREAU_COMMUNE = 320001
PAID_COMMUNE_Q2 = 820001  # 1 602.00, paid by transfer on 2026-07-20
DRFIP_JUNE = 820002  # EJ-2026-0001, paid
UNIVERSITY_PARTLY_PAID = 820003  # 2 679.60, 1 000.00 settled
DRFIP_LOT_1 = 820005  # EJ-2026-0002, 3 852.00, unpaid and overdue
LYCEE_MANUALS = 820007  # 5.5 % and 20 %, a title line
COMMUNE_TRAINING = 820012  # VAT exempt
DRAFTS = (820013, 820014)
BUREAU_INVOICE = 820101
USER_AGENT = "PortailChorus-tests (support@portail-chorus.test)"


@dataclass
class Recorded:
    exchanges: list[Exchange]

    def text(self) -> str:
        return "\n".join(repr(exchange) for exchange in self.exchanges)


@pytest.fixture
def recorded() -> Recorded:
    return Recorded(exchanges=[])


@pytest.fixture
def make_client(fpro, recorded):
    clients: list[FacturationProClient] = []

    def make(firm: int = ATELIER_FIRM, *, hook=None, **overrides) -> FacturationProClient:
        """A client of the account holding ``firm``; ``overrides`` go to the config."""
        account = fpro.accounts[firm]
        settings = {"api_id": account.api_id, "api_key": account.api_key,
                    "firm_id": firm, "user_agent": USER_AGENT, "base_url": fpro.base_url,
                    "connect_timeout": 2.0, "read_timeout": 5.0}
        settings.update(overrides)
        client = FacturationProClient(FacturationProConfig(**settings),
                                      hook=hook if hook is not None else recorded.exchanges.append)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client) -> FacturationProClient:
    """Atelier Numérique SAS, the portal's demo supplier."""
    return make_client(ATELIER_FIRM)
