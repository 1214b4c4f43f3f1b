from decimal import Decimal as D

from invoices.totals import LineAmounts, totals_compute


def test_vat_is_rounded_once_per_rate_not_per_line():
    # Three lines of 0.33 at 20 %: per-line rounding would give 3 × 0.07 = 0.21; per rate 0.20.
    totals = totals_compute([LineAmounts(D("1"), D("0.33"), vat_rate=D("20"))] * 3)
    assert totals.total_excl_tax == D("0.99")
    assert totals.total_vat == D("0.20")
    assert totals.total_incl_tax == D("1.19")


def test_lines_are_grouped_by_rate_with_discounts_and_exempt_lines():
    totals = totals_compute(
        [
            LineAmounts(D("3"), D("170"), vat_rate=D("20")),
            LineAmounts(D("2"), D("216"), discount=D("0"), vat_rate=D("2.1")),
            LineAmounts(D("4"), D("100"), discount=D("16"), vat_rate=D("5.5")),
            LineAmounts(D("1"), D("50"), vat_rate=None),
        ]
    )
    assert totals.line_totals == (D("510.00"), D("432.00"), D("384.00"), D("50.00"))
    assert [(g.rate, g.taxable_amount, g.vat_amount) for g in totals.vat_groups] == [
        (D("0.00"), D("50.00"), D("0.00")),
        (D("2.10"), D("432.00"), D("9.07")),
        (D("5.50"), D("384.00"), D("21.12")),
        (D("20.00"), D("510.00"), D("102.00")),
    ]
    assert totals.total_excl_tax == D("1376.00")
    assert totals.total_vat == D("132.19")
    assert totals.total_incl_tax == D("1508.19")
    assert totals.amount_due == D("1508.19")


def test_fractional_quantities_and_prices_round_half_up_to_the_cent():
    totals = totals_compute([LineAmounts(D("2.5"), D("0.123"), vat_rate=D("20"))])
    assert totals.line_totals == (D("0.31"),)  # 0.3075 → 0.31


def test_an_invoice_already_paid_has_nothing_left_to_pay():
    totals = totals_compute([LineAmounts(D("1"), D("100"), vat_rate=D("20"))], already_paid=True)
    assert totals.total_incl_tax == D("120.00")
    assert totals.amount_due == D("0.00")


def test_no_line_means_zero_everywhere():
    totals = totals_compute([])
    assert (totals.total_excl_tax, totals.total_vat, totals.amount_due) == (0, 0, 0)
    assert totals.vat_groups == ()
