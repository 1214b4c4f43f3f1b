"""Recipient treatment (single and batch), validator decisions and saved motives.

Forms post as plain pages (they work without JavaScript): a decision is queued and the invoice
page follows it with htmx polling; bad input re-renders the form with everything typed.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError, action_under_way
from invoices.models import ChorusStatus, InvoiceAction
from invoices.selectors import invoice_action_latest, invoice_for_space, invoices_for_space_by_ids
from invoices.treatment.forms import (
    BatchTreatForm,
    ReasonTemplateForm,
    TreatForm,
    ValidatorDecisionForm,
)
from invoices.treatment.selectors import (
    reason_template_for_space,
    reason_templates_for_space,
    treatment_batch_for_space,
    validator_decision_latest,
)
from invoices.treatment.services import (
    Reference,
    action_failure_explained,
    invoice_refusal_reasons,
    invoice_refuse,
    invoice_treat,
    invoice_treat_batch,
    invoice_validate,
    reason_template_create,
    reason_template_delete,
    treatment_options,
    treatment_preview,
)
from portal.access import space_required
from portal.spaces import SpaceKind

RECIPIENT_KINDS = [InvoiceAction.Kind.TREAT]
RECIPIENT_PANEL = "invoices/treatment/_recipient_panel.html#treatment-panel"
VALIDATOR_PANEL = "invoices/treatment/_validator_panel.html#decision-panel"
UNDER_WAY = gettext_lazy("Another decision about this invoice is still on its way to Chorus Pro.")


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page (templates/invoices/detail/)."""
    if request.space.kind == SpaceKind.RECIPIENT:
        return {"treatment": _recipient_panel(request, invoice)}
    if request.space.kind == SpaceKind.VALIDATOR:
        return {"decision": _validator_panel(invoice, request.space.structure)}
    return {}


def _target_label(action: InvoiceAction | None) -> str:
    """The label of the status a treatment asks for ("" for other decisions)."""
    target = (action.payload.get("target_status") if action else None) or ""
    return ChorusStatus(target).label if target in ChorusStatus.values else ""


def _last_decision(invoice, latest: InvoiceAction | None) -> dict:
    failed = latest is not None and latest.status == InvoiceAction.Status.FAILED
    return {
        "latest": latest,
        "latest_label": _target_label(latest),
        "failure": action_failure_explained(action=latest) if failed else "",
        "under_way": action_under_way(invoice=invoice),
    }


def _recipient_panel(request, invoice, form=None) -> dict:
    panel = _last_decision(invoice, invoice_action_latest(invoice=invoice, kinds=RECIPIENT_KINDS))
    options = Reference(values=[]) if panel["under_way"] else treatment_options(invoice=invoice)
    templates = reason_templates_for_space(space=request.space)
    if form is None and options.values:
        form = TreatForm(targets=options.values, templates=templates)
    panel.update(
        options=options,
        form=form,
        polling=panel["under_way"] is not None or options.loading,
        target_label=_target_label(panel["under_way"]),
    )
    return panel


def _validator_panel(invoice, structure, form=None) -> dict:
    """The decision the space's validator may take: at the level the invoice waits for it (a
    first validator does not decide an invoice waiting for the second-level validator)."""
    panel = _last_decision(invoice, validator_decision_latest(invoice=invoice, structure=structure))
    level = invoice.validation_level_for(structure)
    awaiting = level is not None and not panel["under_way"]
    latest = panel["latest"]
    changed = invoice.chorus_status_changed_at
    if awaiting and latest and latest.finished_at and changed and changed > latest.finished_at:
        # A decision of an earlier round (refused, then the supplier named the validator again):
        # the invoice waits for a new one.
        panel.update(latest=None, failure="")
    reasons = (
        invoice_refusal_reasons(invoice=invoice, structure=structure)
        if awaiting
        else Reference(values=[])
    )
    if form is None and awaiting:
        form = ValidatorDecisionForm(reasons=reasons.values or [])
    second_only = invoice.second_validator_id == structure.pk != invoice.validator_id
    panel.update(
        awaiting=awaiting,
        level=level,
        # The level this space validates the invoice at, whatever its status now (the heading).
        own_level=level or (2 if second_only else 1),
        reasons=reasons,
        form=form,
        polling=panel["under_way"] is not None or reasons.loading,
    )
    return panel


@space_required(SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def treatment_panel(request, invoice_id: int):
    """The decision panel alone, polled by the invoice page while something is under way."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    if not request.htmx:
        return redirect("invoices:detail", invoice.pk)
    context = detail_panel(request=request, invoice=invoice)
    panel = context.get("treatment") or context.get("decision")
    watched = request.GET.get("action")
    if watched and panel["under_way"] is None:
        # The decision just landed: reload the whole page so the status and history show it.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    template = RECIPIENT_PANEL if "treatment" in context else VALIDATOR_PANEL
    return render(request, template, {"invoice": invoice, **context})


def _form_error(form, error: ActionNotAllowedError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@space_required(SpaceKind.RECIPIENT)
def treat(request, invoice_id: int):
    """The decision form as a page (GET), and the decision itself (POST)."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    return _treat_step(request, invoice, first_step=True)


@require_POST
@space_required(SpaceKind.RECIPIENT)
def treat_confirm(request, invoice_id: int):
    """Second step of a rejection: the explicit confirmation."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    return _treat_step(request, invoice, first_step=False)


def _treat_step(request, invoice, *, first_step: bool):
    """Queues the decision posted, or shows the form again with what was typed. A rejection is
    never sent from the first step: it asks for the confirmation the second step carries."""
    options = treatment_options(invoice=invoice)
    templates = reason_templates_for_space(space=request.space)
    form = TreatForm(
        request.POST if request.method == "POST" else None,
        targets=options.values or [],
        templates=templates,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice_treat(
                invoice=invoice,
                user=request.user,
                target_status=data["target_status"],
                motive=data["motive"],
                mandate_number=data["mandate_number"],
                confirmed=not first_step and request.POST.get("confirmed") == "1",
            )
        except ActionNotAllowedError as error:
            if first_step and error.field == "confirmed":
                return _reject_confirmation(request, invoice, data, options)
            _form_error(form, error)
        except ActionUnderWayError:
            form.add_error(None, UNDER_WAY)
        else:
            messages.success(request, _("Your decision is on its way to Chorus Pro."))
            return redirect("invoices:detail", invoice.pk)
    return render(
        request,
        "invoices/treatment/treat.html",
        {"invoice": invoice, "form": form, "options": options},
    )


def _reject_confirmation(request, invoice, data, options):
    # Suspending lets the supplier fix the same invoice (a document, a correction) instead of
    # issuing a new one; anything else, a routing error included, is a rejection.
    return render(
        request,
        "invoices/treatment/confirm_reject.html",
        {
            "invoice": invoice,
            "motive": data["motive"],
            "can_suspend": ChorusStatus.SUSPENDED in (options.values or []),
        },
    )


def _invoice_ids(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise Http404 from None


@space_required(SpaceKind.RECIPIENT)
def treat_batch(request):
    """One decision for the invoices picked in the inbox: preview (GET), then confirm (POST).

    The inbox posts its selection here (``step=choose``, with the download button's CSRF token
    in the same form): it is answered with the preview's address, so no token sits in a URL.
    """
    source = request.POST if request.method == "POST" else request.GET
    invoice_ids = _invoice_ids(source.getlist("invoice"))
    if request.method == "POST" and source.get("step") == "choose" and not invoice_ids:
        messages.warning(request, _("Select at least one invoice first."))
        return redirect("invoices:recipient_inbox")
    invoices = invoices_for_space_by_ids(space=request.space, invoice_ids=invoice_ids)
    if request.method == "POST" and source.get("step") == "choose":
        query = urlencode([("invoice", invoice.pk) for invoice in invoices])
        response = redirect(f"{reverse('invoices:treat_batch')}?{query}")
        response.status_code = 303  # see the preview, by GET
        return response
    templates = reason_templates_for_space(space=request.space)
    bound = request.method == "POST" or "target_status" in request.GET
    form = BatchTreatForm(source if bound else None, templates=templates)
    valid = form.is_valid()  # also fills cleaned_data for the GET preview
    if request.method == "POST" and valid:
        data = form.cleaned_data
        try:
            outcome = invoice_treat_batch(
                invoices=invoices,
                user=request.user,
                target_status=data["target_status"],
                motive=data["motive"],
                mandate_number=data["mandate_number"],
                confirmed=data["confirmed"],
            )
        except ActionNotAllowedError as error:
            _form_error(form, error)
        else:
            if outcome.queued:
                for row in outcome.skipped:
                    messages.warning(
                        request,
                        _("%(invoice)s: %(reason)s")
                        % {"invoice": row.invoice, "reason": row.reason},
                    )
                return redirect("invoices:treat_batch_progress", outcome.batch)
            form.add_error(None, _("None of these invoices can take this status."))
    data = getattr(form, "cleaned_data", {})
    rows = None
    if data.get("target_status"):
        rows = treatment_preview(
            invoices=invoices,
            target_status=data["target_status"],
            motive=data.get("motive") or "",
            mandate_number=data.get("mandate_number") or "",
        )
    context = {
        "invoices": invoices,
        "form": form,
        "rows": rows,
        "target": ChorusStatus(data["target_status"]) if data.get("target_status") else None,
        "sendable": sum(1 for row in rows or [] if row.verdict == "ok"),
        "loading": any(row.verdict == "loading" for row in rows or []),
    }
    template = "invoices/treatment/batch.html"
    if request.htmx and request.method == "GET":
        template += "#preview"
    return render(request, template, context)


@space_required(SpaceKind.RECIPIENT)
def treat_batch_progress(request, batch):
    actions = treatment_batch_for_space(space=request.space, batch=batch)
    for action in actions:
        action.target_label = _target_label(action)
    failures = [
        (action, action_failure_explained(action=action))
        for action in actions
        if action.status == InvoiceAction.Status.FAILED
    ]
    finished = sum(1 for action in actions if action.finished_at is not None)
    context = {
        "batch": batch,
        "actions": actions,
        "failures": failures,
        "finished": finished,
        "done": sum(1 for action in actions if action.status == InvoiceAction.Status.DONE),
        "under_way": finished < len(actions),
    }
    template = "invoices/treatment/batch_progress.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


@require_POST
@space_required(SpaceKind.VALIDATOR)
def validate(request, invoice_id: int):
    """The validator's decision: validate, or refuse with one of Chorus Pro's reasons."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    structure = request.space.structure
    reasons = invoice_refusal_reasons(invoice=invoice, structure=structure)
    form = ValidatorDecisionForm(request.POST, reasons=reasons.values or [])
    if form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "validate" and not data["confirmed"]:
            return render(
                request,
                "invoices/treatment/confirm_validate.html",
                {"invoice": invoice, "comment": data["comment"]},
            )
        try:
            if data["decision"] == "validate":
                invoice_validate(
                    invoice=invoice,
                    user=request.user,
                    structure=structure,
                    comment=data["comment"],
                )
            else:
                invoice_refuse(
                    invoice=invoice,
                    user=request.user,
                    structure=structure,
                    reason_code=data["refusal_reason"],
                    comment=data["comment"],
                )
        except ActionNotAllowedError as error:
            _form_error(form, error)
        except ActionUnderWayError:
            form.add_error(None, UNDER_WAY)
        else:
            messages.success(request, _("Your decision is on its way to Chorus Pro."))
            return redirect("invoices:detail", invoice.pk)
    return render(
        request,
        "invoices/treatment/validate.html",
        {"invoice": invoice, "decision": _validator_panel(invoice, structure, form=form)},
    )


@space_required(SpaceKind.RECIPIENT)
def reason_template_text(request):
    """The motive field filled with a saved motive (htmx, when one is picked in a list)."""
    form = TreatForm(targets=[], templates=reason_templates_for_space(space=request.space))
    template_id = request.GET.get("reason_template")
    if template_id and template_id.isdigit():
        template = reason_template_for_space(space=request.space, template_id=int(template_id))
        form.initial["motive"] = template.text
    return render(request, "invoices/treatment/_recipient_panel.html#motive-field", {"form": form})


@space_required(SpaceKind.RECIPIENT)
def reason_templates(request):
    """The structure's saved motives: list, add."""
    form = ReasonTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reason_template_create(structure=request.space.structure, **form.cleaned_data)
        except ActionNotAllowedError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The motive is saved."))
            return redirect("invoices:reason_templates")
    return render(
        request,
        "invoices/treatment/reason_templates.html",
        {"form": form, "templates": reason_templates_for_space(space=request.space)},
    )


@require_POST
@space_required(SpaceKind.RECIPIENT)
def reason_template_remove(request, template_id: int):
    template = reason_template_for_space(space=request.space, template_id=template_id)
    reason_template_delete(template=template)
    messages.success(request, _("The motive is deleted."))
    return redirect("invoices:reason_templates")
