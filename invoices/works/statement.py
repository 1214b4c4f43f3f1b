"""A statement's amounts, from what the works are worth to date (CCAG-Travaux 2021 art. 12).

The contractor states the works done since the start (cumulative, excluding VAT); the portal
knows the earlier statements of the contract, so:

1. This period's works = cumulative to date − cumulative of the previous statement.
2. The advance is repaid as the works go, linearly from ``advance_repaid_from`` % of the
   contract's amount done to ``advance_repaid_until`` % (CCP R. 2191-11); this period repays what
   the cumulative repayment grew by.
3. Net excluding VAT = period's works − advance repaid; VAT at the contract's rate.
4. Retention money (retenue de garantie, CCP R. 2191-32: at most 5 %) is held back on each
   payment including VAT: amount due = total including VAT − retention.

Every amount is a Decimal rounded to the cent, half up.
"""

from dataclasses import dataclass
from decimal import Decimal

from invoices.totals import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StatementFigures:
    cumulative: Decimal
    previous_cumulative: Decimal
    period: Decimal
    advance_repaid_to_date: Decimal
    advance_repayment: Decimal
    net_excl_tax: Decimal
    vat: Decimal
    total_incl_tax: Decimal
    retention: Decimal
    amount_due: Decimal


def advance_repaid_at(contract, cumulative: Decimal) -> Decimal:
    """How much of the advance is repaid once ``cumulative`` of the works is done."""
    if not contract.advance_excl_tax or not contract.amount_excl_tax:
        return ZERO
    done = cumulative * HUNDRED / contract.amount_excl_tax
    start, end = contract.advance_repaid_from, contract.advance_repaid_until
    share = min(max((done - start) / (end - start), Decimal(0)), Decimal(1))
    return cents(contract.advance_excl_tax * share)


def statement_figures(
    *, contract, cumulative: Decimal, previous_cumulative: Decimal
) -> StatementFigures:
    """The amounts of a statement stating ``cumulative`` after one that stated
    ``previous_cumulative`` (zero for the first)."""
    cumulative, previous_cumulative = cents(cumulative), cents(previous_cumulative)
    period = cumulative - previous_cumulative
    repaid_to_date = advance_repaid_at(contract, cumulative)
    repayment = repaid_to_date - advance_repaid_at(contract, previous_cumulative)
    net = period - repayment
    vat = cents(net * contract.vat_rate / HUNDRED)
    total = net + vat
    retention = cents(total * contract.retention_rate / HUNDRED)
    return StatementFigures(
        cumulative=cumulative,
        previous_cumulative=previous_cumulative,
        period=period,
        advance_repaid_to_date=repaid_to_date,
        advance_repayment=repayment,
        net_excl_tax=net,
        vat=vat,
        total_incl_tax=total,
        retention=retention,
        amount_due=total - retention,
    )
