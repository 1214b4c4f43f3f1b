"""Re-read invoices' status history from Chorus Pro now (support's one-off resync).

    manage.py invoice_resync 42 43          # these portal invoice ids
    manage.py invoice_resync --in-flight    # every sent invoice not in a final status
"""

from django.core.management.base import BaseCommand, CommandError

from invoices.models import Invoice
from invoices.sending.resync import ResyncImpossible, invoice_resync


class Command(BaseCommand):
    help = "Re-read invoices' status history from Chorus Pro and record what is new."

    def add_arguments(self, parser):
        parser.add_argument("invoice_ids", nargs="*", type=int)
        parser.add_argument("--in-flight", action="store_true")

    def handle(self, *args, invoice_ids, in_flight, **options):
        if in_flight:
            invoice_ids = list(Invoice.objects.in_flight().values_list("pk", flat=True))
        if not invoice_ids:
            raise CommandError("Give invoice ids or --in-flight.")
        changed = 0
        for invoice_id in invoice_ids:
            try:
                changed += invoice_resync(invoice_id=invoice_id)
            except (ResyncImpossible, Invoice.DoesNotExist) as error:
                self.stderr.write(f"{invoice_id}: {error}")
        self.stdout.write(f"{len(invoice_ids)} read, {changed} changed")
