"""File inputs tell the browser Chorus Pro's limits, so that a file it would refuse is refused
before it is sent (the server checks every file again)."""

from django.urls import reverse

from invoices.upload_rules import file_input_attrs


def test_the_attributes_carry_the_limit_the_types_and_the_messages_in_french():
    attrs = file_input_attrs(max_bytes=10 * 1024 * 1024, extensions=("xml", "pdf"))
    assert attrs["data-max-bytes"] == "10485760"
    assert attrs["data-extensions"] == "pdf,xml" and attrs["accept"] == ".pdf,.xml"
    assert str(attrs["data-too-large"]) == (
        "%(name)s dépasse 10,0 Mo\u00a0: Chorus Pro le refuse, il n’a donc pas été ajouté."
    )
    assert "%(name)s" in str(attrs["data-wrong-type"])


def test_the_editor_gives_them_to_its_file_input(agent_client, draft):
    editor = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    files = editor[editor.index('id="attachment-files"') :]
    files = files[: files.index(">")]
    assert 'data-max-bytes="10485760"' in files and "pdf" in files and "data-too-large" in files
    assert "data-upload-progress" in editor


def test_the_deposit_page_gives_them_to_its_file_input(supplier_client):
    flows = supplier_client.get(reverse("invoices:flow_upload")).text
    assert 'accept=".pdf,.xml"' in flows and 'data-extensions="pdf,xml"' in flows
