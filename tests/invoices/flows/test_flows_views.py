"""The supplier's pages for invoice files: upload, list, and each flow's live progress."""


from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoices.flows.deposit import FLOW_SEND_TASK
from invoices.flows.services import flow_report_poll, flow_send
from invoices.models import Flow
from structures.models import Membership, Structure
from tests.chorus_emulator.samples import cii_xml, plain_pdf
from tests.jobs import task_queued

HTMX = {"HTTP_HX_REQUEST": "true"}
LYCEE = "19350936100013"


def post_files(client, files, capture):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    with (
        task_queued(FLOW_SEND_TASK) as delay,
        capture(execute=True),
    ):
        response = client.post(reverse("invoices:flow_upload"), {"files": uploads})
    return response, delay


def test_the_upload_page_shows_the_form(supplier_client):
    response = supplier_client.get(reverse("invoices:flow_upload"))
    assert response.status_code == 200
    assert b'type="file"' in response.content and b"multiple" in response.content


def test_the_supplier_navigation_links_to_the_flows(supplier_client):
    response = supplier_client.get(reverse("invoices:supplier_home"))
    assert reverse("invoices:flow_list").encode() in response.content


def test_uploading_good_files_queues_them_and_opens_the_flow(
    supplier_client, django_capture_on_commit_callbacks
):
    response, delay = post_files(
        supplier_client,
        [("a.xml", cii_xml("V-1", LYCEE)), ("b.xml", cii_xml("V-2", LYCEE))],
        django_capture_on_commit_callbacks,
    )
    flow = Flow.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("invoices:flow_detail", args=[flow.pk])
    delay.assert_called_once_with(flow.pk)
    assert len(flow.file_names) == 2


def test_refused_files_are_listed_with_their_reason_and_the_good_ones_go_on(
    supplier_client, django_capture_on_commit_callbacks
):
    response, delay = post_files(
        supplier_client,
        [("bon.xml", cii_xml("V-3", LYCEE)), ("scan.pdf", plain_pdf())],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "scan.pdf" in page
    assert "Factur-X" in page  # the reason names what is missing
    flow = Flow.objects.get()
    assert reverse("invoices:flow_detail", args=[flow.pk]) in page
    delay.assert_called_once_with(flow.pk)


def test_sending_no_file_says_so(supplier_client):
    response = supplier_client.post(reverse("invoices:flow_upload"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not Flow.objects.exists()


def test_the_flow_page_shows_each_file_result_against_its_file(
    supplier_client, demo_world, django_capture_on_commit_callbacks
):
    post_files(
        supplier_client,
        [("bonne.xml", cii_xml("P-OK", LYCEE)), ("fausse.xml", cii_xml("P-KO", LYCEE, ttc="1.00"))],
        django_capture_on_commit_callbacks,
    )
    flow = Flow.objects.get()
    url = reverse("invoices:flow_detail", args=[flow.pk])
    assert 'hx-trigger="every 2s"' in supplier_client.get(url).content.decode()

    flow_send(flow_id=flow.pk)
    demo_world.advance(20)
    Flow.objects.filter(pk=flow.pk).update(next_poll_at=timezone.now())
    assert flow_report_poll(flow_id=flow.pk) == "partial"

    response = supplier_client.get(url, {"region": "progress"}, **HTMX)
    page = response.content.decode()
    assert "<h1>" not in page  # the partial only
    assert 'hx-trigger="every 2s"' not in page  # settled: polling stops
    good, bad = page.split("flow-file-integrated")[1], page.split("flow-file-refused")[1]
    invoice = flow.invoices.get()
    assert reverse("invoices:detail", args=[invoice.pk]) in good.split("</li>")[0]
    bad_item = bad.split("</li>")[0]
    assert "fausse.xml" in bad_item and "<code>20305</code>" in bad_item


def test_a_deposit_of_several_files_is_named_after_them_and_followed_until_it_settles(
    supplier_client, demo_world, django_capture_on_commit_callbacks
):
    supplier_client.cookies["django_language"] = "en"  # words new to this part
    response, _delay = post_files(
        supplier_client,
        [("mars-1.xml", cii_xml("N-1", LYCEE)), ("mars-2.xml", cii_xml("N-2", LYCEE))],
        django_capture_on_commit_callbacks,
    )
    flow = Flow.objects.get()
    assert flow.name.endswith(".tar.gz")  # the bundle the two files travel in
    page = supplier_client.get(response.url).text
    # Said once, and not "being sent" for ever: the page below follows the processing.
    assert "2 files uploaded: Chorus Pro&#x27;s processing is followed below." in page
    title = page.split("<h1>")[1].split("</h1>")[0]
    assert "mars-1.xml" in title and "and 1 other file" in title and ".tar.gz" not in title
    listing = supplier_client.get(reverse("invoices:flow_list")).text
    assert "mars-1.xml" in listing and flow.name not in listing

    flow_send(flow_id=flow.pk)
    demo_world.advance(20)
    Flow.objects.filter(pk=flow.pk).update(next_poll_at=timezone.now())
    assert flow_report_poll(flow_id=flow.pk) == "integrated"
    flow.refresh_from_db()
    region = supplier_client.get(response.url, {"region": "progress"}, **HTMX).text
    assert "Chorus Pro: All invoices integrated" in region
    assert ">IN_INTEGRE<" not in region and "<code>IN_INTEGRE</code>" not in region
    # The deposit's facts are polled with the rest: the flow number shows without a reload.
    assert flow.chorus_flow_number in region and 'hx-trigger="every 2s"' not in region


def test_the_files_accepted_next_to_refused_ones_are_followed_on_the_upload_page(
    supplier_client, django_capture_on_commit_callbacks
):
    response, _delay = post_files(
        supplier_client,
        [("bon.xml", cii_xml("U-1", LYCEE)), ("scan.pdf", plain_pdf())],
        django_capture_on_commit_callbacks,
    )
    flow = Flow.objects.get()
    page = response.content.decode()
    poll = f"{reverse('invoices:flow_list')}?region=flows&amp;flow={flow.pk}"
    assert f'hx-get="{poll}" hx-trigger="every 2s"' in page
    region = supplier_client.get(
        reverse("invoices:flow_list"), {"region": "flows", "flow": flow.pk}, **HTMX
    ).text
    assert region.lstrip().startswith('<div id="flows"') and "bon.xml" in region
    Flow.objects.update(status=Flow.Status.INTEGRATED)
    region = supplier_client.get(
        reverse("invoices:flow_list"), {"region": "flows", "flow": flow.pk}, **HTMX
    ).text
    assert "every 2s" not in region


def test_the_flow_list_polls_while_a_flow_is_under_way(
    supplier_client, django_capture_on_commit_callbacks
):
    post_files(
        supplier_client, [("a.xml", cii_xml("L-1", LYCEE))], django_capture_on_commit_callbacks
    )
    response = supplier_client.get(reverse("invoices:flow_list"), {"region": "flows"}, **HTMX)
    page = response.content.decode()
    assert "a.xml" in page and 'hx-trigger="every 2s"' in page
    Flow.objects.update(status=Flow.Status.INTEGRATED)
    page = supplier_client.get(reverse("invoices:flow_list")).content.decode()
    assert 'hx-trigger="every 2s"' not in page


def test_another_suppliers_flow_is_not_found(client, demo_world, make_user, make_structure):
    owner = Structure.objects.get(siret="12345678200010")
    flow = Flow.objects.create(
        supplier=owner, name="a.xml", syntax="IN_DP_E1_CII", size=1, sha256="0" * 64
    )
    other = make_user((make_structure(), Membership.Role.SUPPLIER_AGENT))
    client.force_login(other)
    assert client.get(reverse("invoices:flow_detail", args=[flow.pk])).status_code == 404
    assert "a.xml" not in client.get(reverse("invoices:flow_list")).content.decode()


def test_a_recipient_cannot_open_the_flow_pages(client, demo_world, django_user_model):
    client.force_login(django_user_model.objects.get(username="etat"))
    response = client.get(reverse("invoices:flow_upload"))
    assert response.status_code == 302
