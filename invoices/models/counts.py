"""What the supplier's status summary reads: invoice counts and amounts kept by the database.

Each row is a change (+1 or -1 invoice, with its amounts) or, once compacted, the sum of many
(invoices/lists/counts.py). Rows are only ever inserted by the database triggers on the invoice
table, whatever writes the invoice (save, update, bulk_create, delete, raw SQL), so no write path
can forget them; they are summed at read time and folded together in the background.
"""

from django.db import models

from invoices.models.invoice import MONEY
from portal.exact_decimal import ExactDecimalField
from structures.models import Structure


class InvoiceStatusCount(models.Model):
    # No database constraint: the triggers insert into this table on every invoice write, and a
    # constraint check per row is cost without use (a supplier with invoices cannot be deleted).
    supplier = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # status_count_supplier starts with it
        related_name="+",
    )
    status = models.CharField(max_length=20)
    chorus_status = models.CharField(max_length=40, blank=True)
    # Dates already past when the rows were folded are folded into one (date.min): an overdue
    # count only asks whether the deadline is before today.
    payment_due_by = models.DateField(null=True)
    invoices = models.IntegerField()
    # Signed: a credit note counts negatively, as in the summary.
    total_excl_tax = ExactDecimalField(**MONEY)
    total_incl_tax = ExactDecimalField(**MONEY)
    amount_due = ExactDecimalField(**MONEY)

    class Meta:
        indexes = [models.Index(fields=["supplier", "status"], name="status_count_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.chorus_status or self.status}: {self.invoices:+d}"
