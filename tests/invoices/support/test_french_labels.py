"""The back-office speaks French: a crawl of its pages, in French, finds no English label (field
and model names, the admin's own) and no raw code (MISE_EN_PAIEMENT, queued...) in what a person
reads. Technical bodies shown on demand (``<pre>``: Chorus Pro's redacted JSON) are left out."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from invoices.models import (
    ChorusStatus,
    Flow,
    Invoice,
    InvoiceAction,
    InvoiceDownload,
    Notification,
    ReasonTemplate,
    StatusEvent,
)
from invoices.support.models import SupportActionKind, SupportOutcome, SupportRecord
from structures.chorus import ERROR_KIND_LABELS
from structures.models import ChorusConnection, ChorusExchange, Membership, Service, Structure

pytestmark = pytest.mark.django_db
BACK_OFFICE_APPS = {
    "invoices", "structures", "accounts", "support", "facturation_pro", "webhooks", "api",
    "reference_lists",
}
# Words that are the same in both languages, or names (of Chorus Pro's things) kept as they are.
SAME_IN_BOTH = {"SIRET", "SIREN", "SHA-256", "ID", "PDF"}
# What the issue found on the raw admin.
KNOWN_LEFTOVERS = [
    "Django administration",
    "Django site admin",
    "Supplier",
    "Created at",
    "Send attempts",
    "ACTOR",
    "Add invoice",
]


def _raw_codes() -> set[str]:
    codes = set(ChorusStatus.values) | set(ERROR_KIND_LABELS)
    for choices in (
        Invoice.Status,
        InvoiceAction.Status,
        InvoiceAction.Kind,
        Flow.Status,
        InvoiceDownload.Status,
        SupportActionKind,
        SupportOutcome,
    ):
        codes |= set(choices.values)
    return codes


def _back_office_models():
    return [m for m in admin.site._registry if m._meta.app_label in BACK_OFFICE_APPS]


def _english_labels() -> set[str]:
    """Every label of the back-office's models and fields in English, where French differs."""
    labels = set(KNOWN_LEFTOVERS)
    for model in _back_office_models():
        names = [model._meta.verbose_name, model._meta.verbose_name_plural]
        names += [f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")]
        for name in names:
            with translation.override("en"):
                english = capfirst(str(name))
            with translation.override("fr"):
                french = capfirst(str(name))
            if english != french and english not in SAME_IN_BOTH:
                labels.add(english)
    return labels


def _readable_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|pre|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def rows(make_structure, make_invoice, make_user, agent):
    supplier = make_structure(name="Atelier Test")
    commune = make_structure(name="Mairie de Test", kind=Structure.Kind.PUBLIC)
    Service.objects.create(structure=commune, code="SERV", label="Services techniques")
    user = make_user((supplier, Membership.Role.SUPPLIER_AGENT), username="paul")
    connection = ChorusConnection(structure=supplier, environment="emulator", login="TECH_1_a")
    connection.set_password("secret")
    connection.password_expires_on = timezone.localdate() - timedelta(days=1)
    connection.save()
    paid = make_invoice(
        supplier,
        commune,
        status="submitted",
        chorus_invoice_id=8600001,
        chorus_status="MISE_EN_PAIEMENT",
    )
    queued = make_invoice(
        supplier,
        commune,
        status="queued",
        send_next_attempt_at=timezone.now() - timedelta(minutes=30),
    )
    make_invoice(supplier, commune, status="submission_refused", submission_error_code="20015")
    for status in ("queued", "submitted", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT"):
        StatusEvent.objects.create(
            invoice=paid, status=status, source="chorus", occurred_at=timezone.now()
        )
    InvoiceAction.objects.create(
        invoice=paid, kind="treat", status="failed", error_code="AUTHENTICATION", attempts=2
    )
    ChorusExchange.objects.create(
        connection=connection,
        invoice=paid,
        operation="factures/v1/consulter/historique",
        started_at=timezone.now(),
        duration_ms=80,
        error_kind="transient",
        request={"statut": "MISE_EN_PAIEMENT"},
    )
    Notification.objects.create(user=user, invoice=paid, message="Facture mise en paiement")
    ReasonTemplate.objects.create(structure=commune, label="Pièce", text="Pièce manquante")
    Flow.objects.create(supplier=supplier, name="lot.xml", syntax="UBL", size=10, sha256="0" * 64)
    SupportRecord.objects.create(
        actor=agent,
        actor_name="Sam Martin",
        kind="submission_resend",
        invoice=queued,
        reason="Appel",
        outcome="queued",
    )
    return {"invoice": paid, "queued": queued, "structure": supplier}


def _pages(client, rows) -> list[str]:
    urls = [
        reverse("admin:index"),
        reverse("admin:support_health"),
        reverse("admin:support_search") + "?q=Test",
        reverse("admin:support_action", args=["submission_resend", rows["queued"].pk]),
        reverse("admin:support_action", args=["connection_test", rows["structure"].pk]),
        reverse(
            "admin:support_exchange", args=[rows["invoice"].pk, ChorusExchange.objects.get().pk]
        ),
    ]
    for app in BACK_OFFICE_APPS:
        urls.append(reverse("admin:app_list", args=[app]))
    for model in _back_office_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        for row in model.objects.all()[:3]:
            urls.append(reverse(f"{prefix}_change", args=[row.pk]))
    return urls


def test_every_field_of_the_back_office_has_a_translatable_label():
    unlabelled = [
        f"{model.__name__}.{field.name}"
        for model in _back_office_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name")
        and not field.auto_created
        and not isinstance(field.verbose_name, Promise)
        and model._meta.app_label != "accounts"  # accounts' proxy of Django's own user
    ]
    assert unlabelled == []


def test_the_back_office_in_french_shows_no_english_label_nor_raw_code(agent_client, rows):
    english = _english_labels()
    codes = _raw_codes()
    found = []
    for url in _pages(agent_client, rows):
        response = agent_client.get(url, headers={"accept-language": "fr"})
        assert response.status_code == 200, url
        text = _readable_text(response.text)
        assert "Portail Chorus" in text, url
        for label in english:
            if re.search(rf"(?<![\w/-]){re.escape(label)}(?![\w/-])", text):
                found.append(f"{url}: English label “{label}”")
        for code in codes:
            if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", text):
                found.append(f"{url}: raw code “{code}”")
    assert found == [], "\n".join(found)


def test_english_is_available_in_the_back_office(agent_client, rows):
    response = agent_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:index")}, follow=True
    )
    assert '<html lang="en"' in response.text
    assert "Support console" in response.text and "Health" in response.text
    overview = agent_client.get(reverse("admin:invoices_invoice_change", args=[rows["queued"].pk]))
    assert "Where it stands, and why" in overview.text
