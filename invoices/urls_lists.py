"""URLs of the invoices app for this part; concatenated by invoices/urls.py."""

urlpatterns: list = []
