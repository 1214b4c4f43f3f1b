"""The support console's own pages, inside the back-office's site (invoices/support/site.py,
which makes each one staff-only): the search, the health page, a safe action's confirmation,
an exchange's redacted request and answer. The invoice overview is the invoice's page in the
back-office (InvoiceAdmin.change_view)."""

import json
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from invoices.models import Invoice, InvoiceAction
from invoices.support.forms import SafeActionForm, SearchForm
from invoices.support.health import back_office_health
from invoices.support.models import SupportActionKind, SupportOutcome
from invoices.support.search import back_office_search
from invoices.support.selectors import exchange_for_invoice, safe_action_target
from invoices.support.services import support_action_run
from structures.models import Structure

RUN_PERMISSION = "support.run_safe_actions"


def _page(request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


def search(request):
    form = SearchForm(request.GET)
    results = back_office_search(query=form.cleaned_data["q"]) if form.is_valid() else None
    if results is not None and results.single_invoice is not None:
        return redirect("admin:invoices_invoice_change", results.single_invoice.pk)
    return _page(request, "invoices/support/search.html", _("Search"), form=form, results=results)


def health(request):
    data = back_office_health()
    chart = {
        "labels": [row["hour"] for row in data["per_hour"]],
        "exchanges": [row["exchanges"] for row in data["per_hour"]],
        "failures": [row["failures"] for row in data["per_hour"]],
        "exchangesLabel": _("Exchanges"),
        "failuresLabel": _("Failures"),
    }
    processes = [
        (_("Workers"), _process(data.pop("workers"))),
        (_("Beat (periodic work)"), _process(data.pop("beat"))),
    ]
    return _page(
        request,
        "invoices/support/health.html",
        _("Health"),
        chart=chart,
        processes=processes,
        **data,
    )


def _process(part: dict) -> dict:
    seen = part.get("last_seen")
    return {"status": part["status"], "seen_at": datetime.fromisoformat(seen) if seen else None}


def safe_action(request, kind: str, target_id: int):
    """GET: what the action will do, on what, and a reason to give. POST: run it, recorded."""
    if kind not in SupportActionKind.values:
        raise Http404
    if not request.user.has_perm(RUN_PERMISSION):
        raise PermissionDenied
    target = safe_action_target(kind=kind, target_id=target_id)
    form = SafeActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = support_action_run(
            kind=kind, target=target, user=request.user, reason=form.cleaned_data["reason"]
        )
        if record.outcome == SupportOutcome.QUEUED:
            messages.success(
                request,
                _("%(action)s: handed to a worker, and recorded in the support audit.")
                % {"action": record.get_kind_display()},
            )
        else:
            messages.warning(
                request,
                _("%(action)s was not run: %(why)s It is recorded in the support audit.")
                % {"action": record.get_kind_display(), "why": record.outcome_message},
            )
        return redirect(_back_to(target))
    return _page(
        request,
        "invoices/support/confirm.html",
        SupportActionKind(kind).label,
        kind=kind,
        target=target,
        form=form,
        cancel_url=_back_to(target),
    )


def _back_to(target) -> str:
    if isinstance(target, Structure):
        return reverse("admin:structures_structure_change", args=[target.pk])
    if not isinstance(target, Invoice | InvoiceAction):  # a registered app's own object
        meta = target._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
    invoice = target if isinstance(target, Invoice) else target.invoice
    return reverse("admin:invoices_invoice_change", args=[invoice.pk])


def exchange_bodies(request, invoice_id: int, exchange_id: int):
    exchange = exchange_for_invoice(invoice_id=invoice_id, exchange_id=exchange_id)
    template = "invoices/support/exchange.html"
    if request.htmx:
        template += "#bodies"
    return _page(
        request,
        template,
        exchange.operation,
        exchange=exchange,
        request_text=_pretty(exchange.request),
        response_text=_pretty(exchange.response),
    )


def _pretty(body) -> str:
    if body in (None, ""):
        return "—"
    return body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)


def invoice_overview(request, invoice, context: dict) -> TemplateResponse:
    """The invoice's one screen (called by InvoiceAdmin.change_view)."""
    return _page(request, "invoices/support/overview.html", str(invoice), **context)
