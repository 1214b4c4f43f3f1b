"""The invoices app's URLs: each capability declares its own (invoices/<capability>/urls.py), under
one namespace."""

from invoices.answers import urls as answers
from invoices.commitments import urls as commitments
from invoices.documents import urls as documents
from invoices.drafting import urls as drafting
from invoices.flows import urls as flows
from invoices.invoice_page import urls as invoice_page
from invoices.lists import urls as lists
from invoices.notifications import urls as notifications
from invoices.sending import urls as sending
from invoices.treatment import urls as treatment
from invoices.works import urls as works

app_name = "invoices"
urlpatterns = [
    *lists.urlpatterns,
    *invoice_page.urlpatterns,
    *drafting.urlpatterns,
    *sending.urlpatterns,
    *answers.urlpatterns,
    *treatment.urlpatterns,
    *documents.urlpatterns,
    *flows.urlpatterns,
    *notifications.urlpatterns,
    *commitments.urlpatterns,
    *works.urlpatterns,
]
