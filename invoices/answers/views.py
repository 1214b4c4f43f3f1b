"""The supplier's answers on the invoice page: complete, re-route, name the right validator,
acknowledge a rejection, correct it by a new invoice, issue a credit note. Each request only
queues the work (invoices/answers/services.py); the panel polls while a worker carries it to
Chorus Pro.
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError
from invoices.answers.drafts import invoice_correction_create, invoice_credit_note_create
from invoices.answers.forms import (
    AcknowledgementForm,
    CompletionForm,
    RecycleForm,
    ValidatorCorrectionForm,
)
from invoices.answers.recycling import invoice_recycle
from invoices.answers.selectors import (
    invoice_correction,
    invoice_status_motive,
    sent_invoice_for_supplier_space,
    supplier_action_latest,
    validator_suggestions,
)
from invoices.answers.services import (
    action_error_explained,
    invoice_complete,
    invoice_completion_attachment_remove,
    invoice_completion_pending,
    invoice_rejection_acknowledge,
    supplier_options,
)
from invoices.answers.validator_correction import invoice_validator_correct, refusing_validator
from invoices.models import Invoice, InvoiceAction
from portal.access import space_required
from portal.spaces import SpaceKind

PANEL = "invoices/answers/_panel.html"
ALL_SPACES = (SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
# A finished action stays on the panel this long, so the user sees how it ended.
DONE_SHOWN_FOR = timedelta(minutes=10)


def _under_way_message() -> str:
    return _(
        "An action on this invoice is already under way: wait until it is finished, then try again."
    )


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page (templates/invoices/detail/)."""
    if request.space is None or request.space.kind != SpaceKind.SUPPLIER:
        return {}
    return {"supplier_panel": _panel(invoice)}


def _panel(invoice: Invoice, **forms) -> dict:
    options = supplier_options(invoice=invoice)
    action = supplier_action_latest(invoice=invoice)
    under_way = action is not None and action.status in {
        InvoiceAction.Status.QUEUED,
        InvoiceAction.Status.RUNNING,
    }
    shown = action if under_way else None
    if action is not None and not under_way and action.finished_at:
        recent = timezone.now() - action.finished_at < DONE_SHOWN_FOR
        # A failure stays on show until the invoice's status moves on (then it is moot).
        changed = invoice.chorus_status_changed_at
        still_relevant = changed is None or changed <= action.finished_at
        if recent or (action.status == InvoiceAction.Status.FAILED and still_relevant):
            shown = action
    motive = invoice_status_motive(invoice=invoice)
    return {
        "options": options,
        "action": shown,
        "under_way": under_way,
        "error_advice": action_error_explained(code=shown.error_code)
        if shown is not None and shown.status == InvoiceAction.Status.FAILED
        else "",
        "motive": motive,
        "visible": options.any or shown is not None or motive is not None,
        "completion_form": forms.get("completion_form") or CompletionForm(),
        "pending": invoice_completion_pending(invoice=invoice) if options.complete else [],
        "recycle_form": forms.get("recycle_form") or RecycleForm(initial=_routing(invoice)),
        "acknowledgement_form": forms.get("acknowledgement_form") or AcknowledgementForm(),
        "validator_form": forms.get("validator_form") or ValidatorCorrectionForm(),
        "validator_suggestions": validator_suggestions(invoice=invoice)
        if options.correct_validator
        else [],
        "refusing_validator": refusing_validator(invoice=invoice),
        "correction": invoice_correction(invoice=invoice)
        if options.correct
        else None,
    }


def _routing(invoice: Invoice) -> dict:
    return {
        "recipient_siret": invoice.recipient.siret if invoice.recipient else "",
        "service_code": invoice.service.code if invoice.service else "",
        "commitment_number": invoice.commitment_number,
    }


def _page(request, invoice, template: str, **forms):
    return render(
        request, template, {"invoice": invoice, "supplier_panel": _panel(invoice, **forms)}
    )


def _form_page(request, invoice, template: str, *, offered: bool, not_offered: str):
    """The action's own page (GET), or back to the invoice when its status does not allow it."""
    if not offered:
        messages.error(request, not_offered)
        return redirect("invoices:detail", invoice.pk)
    return _page(request, invoice, template)


def _refused(
    request, invoice, error: ActionUnderWayError | ActionNotAllowedError, template: str, **form
):
    """The answer when the service does not queue the action: ``form`` (the one bound form, by
    its name in the panel) again, with what was typed, when one of its fields is at fault;
    otherwise the invoice page and the reason."""
    if isinstance(error, ActionUnderWayError):
        messages.error(request, _under_way_message())
    elif error.field:
        [bound] = form.values()
        bound.add_error(error.field, error.message)
        return _page(request, invoice, template, **form)
    else:
        messages.error(request, error.message)
    return redirect("invoices:detail", invoice.pk)


@space_required(*ALL_SPACES)
def action_status(request, invoice_id: int):
    """The panel, polled while an action is under way. Once it is over the whole page is
    reloaded: the status, the timeline and the actions on offer have changed with it."""
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    if not request.htmx:
        return redirect("invoices:detail", invoice.pk)
    panel = _panel(invoice)
    response = render(
        request, f"{PANEL}#supplier-panel", {"invoice": invoice, "supplier_panel": panel}
    )
    if not panel["under_way"]:
        response["HX-Refresh"] = "true"
    return response


@space_required(*ALL_SPACES)
def complete(request, invoice_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/answers/complete.html"
    if request.method != "POST":
        return _form_page(
            request,
            invoice,
            template,
            offered=supplier_options(invoice=invoice).complete,
            not_offered=_("Only a suspended invoice can be completed."),
        )
    form = CompletionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, invoice, template, completion_form=form)
    try:
        outcome = invoice_complete(
            invoice=invoice,
            user=request.user,
            comment=form.cleaned_data["comment"],
            files=form.cleaned_data["files"],
            shorten_long_names=form.cleaned_data["shorten_long_names"],
        )
    except (ActionUnderWayError, ActionNotAllowedError) as error:
        return _refused(request, invoice, error, template, completion_form=form)
    for typed, stored in outcome.renamed:
        messages.info(
            request,
            _("%(typed)s was renamed %(stored)s (Chorus Pro accepts 50 characters at most).")
            % {"typed": typed, "stored": stored},
        )
    if outcome.action is None:
        for name, error in outcome.rejected:
            for message in error.messages:
                form.add_error(
                    "files", _("%(name)s: %(message)s") % {"name": name, "message": message}
                )
        return _page(request, invoice, template, completion_form=form)
    messages.success(request, _("The completion is queued: it is being sent to Chorus Pro."))
    return redirect("invoices:detail", invoice.pk)


@require_POST
@space_required(*ALL_SPACES)
def completion_attachment_remove(request, invoice_id: int, attachment_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    try:
        invoice_completion_attachment_remove(invoice=invoice, attachment_id=attachment_id)
    except ActionUnderWayError:
        messages.error(request, _under_way_message())
    except ActionNotAllowedError as error:
        messages.error(request, error.message)
    # The comment typed so far comes back with the form.
    form = CompletionForm(
        initial={
            "comment": request.POST.get("comment", ""),
            "shorten_long_names": bool(request.POST.get("shorten_long_names")),
        }
    )
    return _page(request, invoice, "invoices/answers/complete.html", completion_form=form)


@space_required(*ALL_SPACES)
def recycle(request, invoice_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/answers/recycle.html"
    if request.method != "POST":
        return _form_page(
            request,
            invoice,
            template,
            offered=supplier_options(invoice=invoice).recycle,
            not_offered=_("Only an invoice sent back for re-routing can be re-routed."),
        )
    form = RecycleForm(request.POST)
    if not form.is_valid():
        return _page(request, invoice, template, recycle_form=form)
    try:
        invoice_recycle(invoice=invoice, user=request.user, **form.cleaned_data)
    except (ActionUnderWayError, ActionNotAllowedError) as error:
        return _refused(request, invoice, error, template, recycle_form=form)
    messages.success(request, _("The re-routing is queued: it is being sent to Chorus Pro."))
    return redirect("invoices:detail", invoice.pk)


@space_required(*ALL_SPACES)
def validator_correct(request, invoice_id: int):
    """Name the right validator of an invoice refused for naming the wrong one."""
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/answers/validator.html"
    not_offered = _(
        "Only an invoice refused because it named the wrong validator can be given another."
    )
    if request.method != "POST":
        offered = supplier_options(invoice=invoice).correct_validator
        return _form_page(request, invoice, template, offered=offered, not_offered=not_offered)
    form = ValidatorCorrectionForm(request.POST)
    if not form.is_valid():
        return _page(request, invoice, template, validator_form=form)
    try:
        invoice_validator_correct(
            invoice=invoice,
            user=request.user,
            validator_siret=form.cleaned_data["validator_siret"],
        )
    except (ActionUnderWayError, ActionNotAllowedError) as error:
        return _refused(request, invoice, error, template, validator_form=form)
    messages.success(request, _("The new validator is queued: it is being sent to Chorus Pro."))
    return redirect("invoices:detail", invoice.pk)


@require_POST
@space_required(*ALL_SPACES)
def acknowledge_rejection(request, invoice_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    form = AcknowledgementForm(request.POST)
    if not form.is_valid():
        # A comment too long comes back with its message rather than being dropped.
        template = "invoices/answers/acknowledge.html"
        return _page(request, invoice, template, acknowledgement_form=form)
    try:
        invoice_rejection_acknowledge(
            invoice=invoice, user=request.user, comment=form.cleaned_data["comment"]
        )
    except ActionUnderWayError:
        messages.error(request, _under_way_message())
    except ActionNotAllowedError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The acknowledgement is queued: it is being sent to Chorus Pro.")
        )
    return redirect("invoices:detail", invoice.pk)


@require_POST
@space_required(*ALL_SPACES)
def correction_create(request, invoice_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    try:
        draft = invoice_correction_create(
            invoice=invoice, user=request.user, acknowledge=request.POST.get("acknowledge") == "1"
        )
    except ActionNotAllowedError as error:
        messages.error(request, error.message)
        return redirect("invoices:detail", invoice.pk)
    if draft.status != Invoice.Status.DRAFT:
        messages.info(
            request,
            _("This invoice was already corrected by invoice %(number)s.") % {"number": draft},
        )
        return redirect("invoices:detail", draft.pk)
    messages.success(
        request,
        _(
            "Corrected invoice drafted from %(number)s: check it, give it a new number, then "
            "send it."
        )
        % {"number": invoice.number},
    )
    return redirect("invoices:edit", draft.pk)


@require_POST
@space_required(*ALL_SPACES)
def credit_note_create(request, invoice_id: int):
    invoice = sent_invoice_for_supplier_space(space=request.space, invoice_id=invoice_id)
    try:
        draft = invoice_credit_note_create(invoice=invoice, user=request.user)
    except ActionNotAllowedError as error:
        messages.error(request, error.message)
        return redirect("invoices:detail", invoice.pk)
    messages.success(
        request,
        _(
            "Credit note drafted for invoice %(number)s: adjust its lines, give it a number, then "
            "send it."
        )
        % {"number": invoice.number},
    )
    return redirect("invoices:edit", draft.pk)
