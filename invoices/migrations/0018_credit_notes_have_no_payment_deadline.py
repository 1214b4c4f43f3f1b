from django.db import migrations


def clear(apps, schema_editor):
    # A credit note has no payment deadline (invoices/payment_clock.py): one stored before this
    # rule would show as overdue in the lists.
    Invoice = apps.get_model("invoices", "Invoice")
    Invoice.objects.filter(kind="credit_note").update(payment_due_by=None)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0017_first_attempt_due_by_the_current_clock"),
    ]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
