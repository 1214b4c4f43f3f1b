"""What the dashboards' charts draw, as data for Chart.js (`json_script`, read by
static/js/dashboards.js): labels in the reader's language, amounts as exact strings. The same
figures are given to the templates' tables, the charts' text alternative."""

from django.utils import formats
from django.utils.translation import gettext as _

from invoices.dashboards.selectors import (
    RecipientDashboard,
    SupplierDashboard,
    ValidatorDashboard,
)

WAIT_LABELS = {
    "under_7": lambda: _("Under 7 days"),
    "7_to_14": lambda: _("7 to 14 days"),
    "15_to_30": lambda: _("15 to 30 days"),
    "over_30": lambda: _("Over 30 days"),
}


def _bars(labels, datasets, *, unit: str = "", horizontal: bool = False) -> dict:
    return {
        "type": "bar",
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": str(label), "data": [str(v) for v in data]} for label, data in datasets
        ],
        "unit": unit,
        "horizontal": horizontal,
    }


def dashboard_charts(dashboard) -> dict:
    """The charts of a space's dashboard, and the rows of their tables where the template has
    no other figures to show."""
    if isinstance(dashboard, SupplierDashboard):
        months = [formats.date_format(month.month, "M Y") for month in dashboard.months]
        return {
            "months": _bars(
                months,
                [
                    (_("Amount sent"), [month.sent for month in dashboard.months]),
                    (_("Amount paid"), [month.paid for month in dashboard.months]),
                ],
                unit="€",
            ),
            "delays": _bars(
                [delay.name for delay in dashboard.delays],
                [(_("Average days"), [delay.average_days for delay in dashboard.delays])],
                unit=_("days"),
                horizontal=True,
            ),
        }
    if isinstance(dashboard, RecipientDashboard):
        later = dashboard.to_pay_amount - dashboard.overdue_amount - dashboard.due_soon_amount
        rows = [
            (_("Past the deadline"), dashboard.overdue_amount),
            (_("Due in the next 7 days"), dashboard.due_soon_amount),
            (_("Due later"), later),
        ]
        return {
            "to_pay": _bars(
                [label for label, _value in rows],
                [(_("Amount to pay"), [value for _label, value in rows])],
                unit="€",
            ),
            "to_pay_rows": rows,
        }
    if isinstance(dashboard, ValidatorDashboard):
        rows = [(WAIT_LABELS[key](), count) for key, count in dashboard.buckets]
        return {
            "waiting": _bars(
                [label for label, _count in rows],
                [(_("Invoices waiting"), [count for _label, count in rows])],
            ),
            "waiting_rows": rows,
        }
    return {}
